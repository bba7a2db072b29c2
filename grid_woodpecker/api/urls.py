from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
# No ".json" twins of every route: JSON is the only format, and the twins answered 500 on custom actions.
router.include_format_suffixes = False
router.register("woodpeckers", views.WoodpeckerViewSet, basename="woodpecker")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("clues", views.ClueViewSet, basename="clue")
router.register("public-clues", views.PublicClueViewSet, basename="public-clue")
router.register("clue-events", views.ClueEventViewSet, basename="clue-event")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("policies", views.PolicyViewSet, basename="policy")
router.register("accounts", views.AccountViewSet, basename="account")
router.register("ledger", views.EntryViewSet, basename="ledger")
router.register("stations", views.StationViewSet, basename="station")
router.register("goods", views.GoodsViewSet, basename="goods")
router.register("redemptions", views.RedemptionViewSet, basename="redemption")
router.register("abuse-list", views.AbuseViewSet, basename="abuse")

urlpatterns = router.urls
