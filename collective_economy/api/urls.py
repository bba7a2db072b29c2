from django.urls import path

from core.api.routers import api_router

from . import views

router = api_router(views)
urlpatterns = [path("shares/", views.SharesView.as_view(), name="shares"), *router.urls]
