from core.api.routers import api_router

from . import views

router = api_router(views)
urlpatterns = router.urls
