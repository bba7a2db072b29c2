from django.urls import path

from core.api.routers import api_urls

from . import views

urlpatterns = [path("shares/", views.SharesView.as_view(), name="shares"), *api_urls(views)]
