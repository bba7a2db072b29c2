"""The API routes of core itself: the deletion feed (`/api/v1/tombstones/`)."""

from core.api import tombstones
from core.api.routers import api_urls

urlpatterns = api_urls(tombstones)
