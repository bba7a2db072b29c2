"""Helpers every portal view uses: scoped lookups (404 outside the jurisdiction) and service errors on forms."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404

from accounts.scoping import VIEW, restrict


def get_scoped_or_404(queryset, user, action: str = VIEW, **lookup):
    """The object matching `lookup` inside the user's jurisdiction; 404 when it does not exist or lies outside."""
    try:
        return restrict(queryset, user, action).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form, by field when the form has that field."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            for message in errors:
                form.add_error(target if target != NON_FIELD_ERRORS else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)
