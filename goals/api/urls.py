from rest_framework.routers import DefaultRouter

from .views import IndicatorViewSet, RollupValueViewSet, TargetViewSet

router = DefaultRouter()
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("targets", TargetViewSet, basename="target")
router.register("rollups", RollupValueViewSet, basename="rollup")

urlpatterns = router.urls
