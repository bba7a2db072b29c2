from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import LocateView, OrganizationUnitViewSet

router = DefaultRouter()
# No ".json" twins of every route: JSON is the only format, and the twins answered 500 on custom actions.
router.include_format_suffixes = False
router.register("units", OrganizationUnitViewSet, basename="unit")

urlpatterns = [path("locate/", LocateView.as_view(), name="unit-locate"), *router.urls]
