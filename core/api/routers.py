"""The API's router: JSON only, and each app's routes declared on its viewsets.

A viewset names its route with `api_route = (prefix, basename)`; `api_router(views)` registers every viewset of the
module that declares one, in the order the module defines them."""

from rest_framework.routers import DefaultRouter


class ApiRouter(DefaultRouter):
    # No ".json" twins of every route: JSON is the only format, and the twins answered 500 on custom actions.
    include_format_suffixes = False


def api_router(views) -> ApiRouter:
    """A router holding every viewset of the module `views` that declares its own `api_route`."""
    router = ApiRouter()
    for viewset in vars(views).values():
        route = isinstance(viewset, type) and viewset.__dict__.get("api_route")
        if route:
            prefix, basename = route
            router.register(prefix, viewset, basename=basename)
    return router


def api_urls(views) -> list:
    """The URL patterns of `api_router(views)`."""
    return api_router(views).urls
