"""Open311 GeoReport v2 at /open311/v2/ (mounted in dangjian/urls.py): every endpoint in JSON and XML by its suffix
(`services.json`, `services.xml`; another suffix answers 404), and the public copies of cleared photos."""

from django.urls import path, re_path

from . import open311

app_name = "open311"

FORMAT = r"\.(?P<format>[A-Za-z0-9]{1,10})$"

urlpatterns = [
    re_path(r"^discovery" + FORMAT, open311.discovery, name="discovery"),
    re_path(r"^services" + FORMAT, open311.service_list, name="services"),
    re_path(r"^services/(?P<code>[^/]{1,64}?)" + FORMAT, open311.service_definition, name="service"),
    re_path(r"^requests" + FORMAT, open311.requests_view, name="requests"),
    re_path(r"^requests/(?P<pk>[0-9]{1,18})" + FORMAT, open311.request_detail, name="request"),
    re_path(r"^servicerequestupdates" + FORMAT, open311.updates_view, name="updates"),
    path("media/<str:token>.jpg", open311.public_photo, name="media"),
]
