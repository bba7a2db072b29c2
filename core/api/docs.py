"""The API schema and its two docs pages: signed-in users only, each page with the CSP additions it needs.

The schema view itself needs no exception (JSON/YAML). Swagger UI is served in its split form (the page and its
init script at two URLs, drf-spectacular's `SpectacularSwaggerSplitView`), so no inline script is needed; its
page carries one small inline <style> block and draws icons from data: URIs. ReDoc renders with styled-components
(inline <style> elements) and runs its search in a worker built from a blob: URL. Script sources stay 'self'.
"""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

SWAGGER_CSP = {"style-src": [UNSAFE_INLINE], "img-src": ["data:"]}
REDOC_CSP = {"style-src": [UNSAFE_INLINE], "img-src": ["data:"], "worker-src": ["blob:"]}

schema_view = SpectacularAPIView.as_view()
swagger_view = login_required(csp_update(SWAGGER_CSP)(SpectacularSwaggerSplitView.as_view(url_name="schema")))
redoc_view = login_required(csp_update(REDOC_CSP)(SpectacularRedocView.as_view(url_name="schema")))
