"""Base viewsets: every queryset goes through the scoping path; writes re-check the change scope."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status, viewsets
from rest_framework.response import Response

from accounts.scoping import CHANGE, VIEW, restrict
from core.api.scopes import check_scope


class ScopedViewSetMixin:
    """Restricts `queryset` to the caller's jurisdiction: VIEW for reads, CHANGE for writes (404 outside it)."""

    # Given by the DRF view the mixin is combined with (declared for the type checker).
    request: Any
    get_serializer: Any

    # Ids are numbers: anything else matches no route (404), for the detail routes and every detail action alike.
    lookup_value_regex = r"[0-9]+"

    # The OAuth2 scopes a system client's token needs here, (read, write); None: the app's entry of
    # core.api.scopes.APP_SCOPES, the one place they are declared.
    required_scopes: tuple[str | None, str | None] | None = None

    def check_permissions(self, request):
        # Before the permission classes, which an action may replace (`@action(permission_classes=...)`).
        check_scope(request, self)
        super().check_permissions(request)  # type: ignore[misc]

    def get_queryset(self):
        action = VIEW if self.request.method in ("GET", "HEAD", "OPTIONS") else CHANGE
        return restrict(super().get_queryset(), self.request.user, action)

    def get_object(self):
        # Outside the view scope: 404. Visible but not changeable: 403 (it is no secret that it exists).
        if self.request.method not in ("GET", "HEAD", "OPTIONS"):
            visible = restrict(self.queryset.model.objects.all(), self.request.user, VIEW)
            lookup = {self.lookup_field: self.kwargs[self.lookup_url_kwarg or self.lookup_field]}
            try:
                hidden = visible.filter(**lookup).exists() and not self.get_queryset().filter(**lookup).exists()
            except (TypeError, ValueError, DjangoValidationError):
                raise Http404 from None  # an id of the wrong type names no object
            if hidden:
                raise exceptions.PermissionDenied()
        return super().get_object()

    def validated(self, serializer_class, instance=None) -> dict:
        """The request body checked by `serializer_class` (400 with field errors otherwise), as a plain dict; with
        `instance`, a partial update of it."""
        body = serializer_class(instance, data=self.request.data, partial=instance is not None)
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    def answer(self, obj, *, created: bool = False) -> Response:
        """`obj` in the viewset's representation: 201 for a new object, 200 otherwise."""
        return Response(
            self.get_serializer(obj).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    def handle_exception(self, exc):
        if isinstance(exc, DjangoPermissionDenied):
            exc = exceptions.PermissionDenied(str(exc) or None)
        return super().handle_exception(exc)


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    pass


class ScopedReadOnlyModelViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ServiceWrittenMixin:
    """Rows written only by their services: PATCH/PUT/DELETE find the object (404 outside) and then refuse."""

    def update(self, request, *args, **kwargs):
        self.get_object()
        raise exceptions.MethodNotAllowed(request.method)

    def destroy(self, request, *args, **kwargs):
        self.get_object()
        raise exceptions.MethodNotAllowed(request.method)
