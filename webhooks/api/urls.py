from core.api.routers import api_urls

from . import views

urlpatterns = api_urls(views)
