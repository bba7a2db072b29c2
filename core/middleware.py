"""Response headers that concern the whole portal."""

from django.utils.cache import add_never_cache_headers

API_PREFIX = "/api/"


class NoStoreMiddleware:
    """`Cache-Control: no-store` (plus private, no-cache, max-age=0) on everything that may carry personal data.

    The rule is deliberately simple rather than per view: every response to a signed-in user and every API response,
    signed in or not. Static files never reach this middleware (WhiteNoise answers them earlier, with long cache
    lifetimes); the anonymous login page and the public Open311 output keep the default caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith(API_PREFIX) or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response
