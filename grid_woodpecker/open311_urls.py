"""Open311 GeoReport v2 at /open311/v2/ (mounted in dangjian/urls.py)."""

from django.urls import path

from . import open311

app_name = "open311"

urlpatterns = [
    path("discovery.json", open311.discovery, name="discovery"),
    path("services.json", open311.service_list, name="services"),
    path("services/<str:code>.json", open311.service_definition, name="service"),
    path("requests.json", open311.requests_view, name="requests"),
    path("requests/<int:pk>.json", open311.request_detail, name="request"),
]
