from rest_framework.routers import DefaultRouter

from .views import DashboardViewSet, IndicatorViewSet, RollupValueViewSet, TargetViewSet

router = DefaultRouter()
# No ".json" twins of every route: JSON is the only format, and the twins answered 500 on custom actions.
router.include_format_suffixes = False
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("targets", TargetViewSet, basename="target")
router.register("rollups", RollupValueViewSet, basename="rollup")
router.register("dashboard", DashboardViewSet, basename="dashboard")

urlpatterns = router.urls
