from rest_framework.routers import DefaultRouter

from .views import DashboardViewSet, IndicatorViewSet, RollupValueViewSet, TargetViewSet

router = DefaultRouter()
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("targets", TargetViewSet, basename="target")
router.register("rollups", RollupValueViewSet, basename="rollup")
router.register("dashboard", DashboardViewSet, basename="dashboard")

urlpatterns = router.urls
