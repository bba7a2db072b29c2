from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static as static_path
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from accounts import security_views
from accounts import views as account_views
from clients.token_view import ThrottledTokenView
from core.api import bulk as api_bulk
from core.api import docs as api_docs

# Each domain app mounts its pages at /<prefix>/ and its API at /api/v1/<prefix>/.
DOMAIN_APPS = [
    ("org", "organizations"),
    ("cadres", "cadres"),
    ("woodpecker", "grid_woodpecker"),
    ("economy", "collective_economy"),
    ("reports", "reporting"),
    ("goals", "goals"),
]

api_v1 = [
    # Signed-in users only (anonymous: 401 for the schema, the login page for the docs); see core/api/docs.py.
    path("schema/", api_docs.schema_view, name="schema"),
    path("docs/", api_docs.swagger_view, name="api-docs"),
    path("redoc/", api_docs.redoc_view, name="api-redoc"),
    path("accounts/", include("accounts.api.urls")),
    # OAuth2 for the system clients: the token endpoint only (client credentials; clients/, docs/api.md), with
    # its own limits on failed credentials and tokens issued (clients/token_view.py).
    path("oauth/token/", ThrottledTokenView.as_view(), name="oauth-token"),
    path("notifications/", include("notifications.api.urls")),
    path("", include("core.api.urls")),  # the deletion feed, tombstones/
    path("webhooks/", include("webhooks.api.urls")),
    # The bulk exchange of the sheet import kinds that take JSON rows (core/api/bulk.py, docs/api.md "批量交换").
    path("bulk/", api_bulk.BulkKindsView.as_view(), name="api-bulk-kinds"),
    path("bulk/<str:kind>/", api_bulk.BulkView.as_view(), name="api-bulk"),
] + [path(f"{app}/", include(f"{app}.api.urls")) for _prefix, app in DOMAIN_APPS]

FAVICON = lazy(static_path, str)("img/favicon.ico")  # lazy: the static storage is asked when the view answers

urlpatterns = [
    path("", account_views.home, name="home"),
    # Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says (base.html): the committed icon.
    path("favicon.ico", RedirectView.as_view(url=FAVICON, permanent=True), name="favicon"),
    path("login/", security_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("accounts.security_urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("clients/", include("clients.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("api/v1/", include(api_v1)),
    path("open311/v2/", include("grid_woodpecker.open311_urls")),
    # Sheet imports of every kind (core.sheets); their progress is read through imports:progress, which checks the
    # job's owner, rather than celery_progress.urls (any task's state to anyone who knows its id).
    path("imports/", include("core.urls")),
    # Every list's export and every import's blank template (core.sheets.export).
    path("sheets/", include("core.export_urls")),
] + [path(f"{prefix}/", include(f"{app}.urls")) for prefix, app in DOMAIN_APPS]

# MEDIA_ROOT is never served as a folder, not even with DEBUG on (no `static(MEDIA_URL, ...)` here): everything in
# it is private — clue photos, report attachments, the public copies of cleared photos — and reaches a browser only
# through its own view, which checks who asks (grid_woodpecker:photo, reporting:attachment) or an unguessable token
# (open311:media). docs/security.md, "Uploaded files"; tests/core/test_media_not_served.py.
