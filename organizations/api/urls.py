from rest_framework.routers import DefaultRouter

from .views import OrganizationUnitViewSet

router = DefaultRouter()
router.register("units", OrganizationUnitViewSet, basename="unit")

urlpatterns = router.urls
