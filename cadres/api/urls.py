from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
# No ".json" twins of every route: JSON is the only format, and the twins answered 500 on custom actions.
router.include_format_suffixes = False
router.register("people", views.PersonViewSet, basename="person")
router.register("members", views.PartyMemberViewSet, basename="member")
router.register("transfers", views.MemberTransferViewSet, basename="transfer")
router.register("development", views.DevelopmentRecordViewSet, basename="development")
router.register("posts", views.CadrePostViewSet, basename="post")
router.register("elevations", views.ElevatedManagementViewSet, basename="elevation")
router.register("vettings", views.JointVettingViewSet, basename="vetting")
router.register("studies", views.DegreeStudyViewSet, basename="study")
router.register("assessments", views.CapabilityAssessmentViewSet, basename="assessment")
router.register("reserves", views.ReserveCadreViewSet, basename="reserve")
router.register("trainings", views.TrainingSessionViewSet, basename="training")

urlpatterns = router.urls
