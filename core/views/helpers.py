"""Helpers every portal view uses: scoped lookups (404 outside the jurisdiction), service errors on forms (and
`submit_form`, the POST of a form page written as a function), and the column declarations of the generic list
and detail views."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404

from accounts.scoping import VIEW, restrict

EMPTY = "—"


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


class Submission(tuple):
    """What `submit_form` returns: (done, the service's result), and `status`, the HTTP status to draw the page
    again with (403 when the service refused the actor and `refusal_field` took the refusal)."""

    status = 200


def submit_form(
    request, form, service, message, *, prepare=None, actor_arg="actor", refusal_field=None, **arguments
) -> Submission:
    """The POST half of a form page written as a function: when `form` is valid, call
    `service(actor=request.user, **arguments, **form.cleaned_data)`. Returns (done, the service's result): on
    success `message` is shown (a callable gets the result); a refusal (ValidationError) lands on the form and
    (False, None) says to draw the page again. A GET or an invalid form is (False, None) too.

    - `prepare(cleaned_data)`: the keyword arguments the form gives the service (when they are not its fields as
      they stand);
    - `actor_arg`: the service's name for the acting user (`reviewer`, …);
    - `refusal_field`: a PermissionDenied from the service lands on that field and `status` is 403 (without it, a
      PermissionDenied is the 403 page)."""
    if request.method != "POST" or not form.is_valid():
        return Submission((False, None))
    data = prepare(form.cleaned_data) if prepare is not None else form.cleaned_data
    try:
        result = service(**{actor_arg: request.user}, **arguments, **data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return Submission((False, None))
    except PermissionDenied as exc:
        if refusal_field is None:
            raise
        form.add_error(refusal_field, str(exc))
        refused = Submission((False, None))
        refused.status = 403
        return refused
    messages.success(request, message(result) if callable(message) else message)
    return Submission((True, result))


def run_service(request, call, message):
    """The POST of an action button written as a function: run `call()` (the service call) and say how it went.
    On success `message` is shown (a callable gets the result) and the result returned; a refusal because of the
    record's state or the input (a ValidationError) is shown as an error message and None returned. A
    PermissionDenied is not caught: the 403 page."""
    try:
        result = call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return None
    messages.success(request, message(result) if callable(message) else message)
    return result


def resolve(obj, accessor):
    """The value `accessor` names on `obj`: a callable(obj), or a dotted path whose last step may be a method
    (`"person.name"`, `"get_status_display"`). None and "" read as "—"."""
    if callable(accessor):
        value = accessor(obj)
    else:
        value = obj
        for part in accessor.split("."):
            value = getattr(value, part, None) if value is not None else None
            if callable(value) and not hasattr(value, "all"):
                value = value()
    return EMPTY if value is None or value == "" else value


@dataclass(frozen=True)
class Column:
    """One column of a list (or one line of a detail page): its label, how to read the value, and the model
    field the list may sort on (None: not sortable)."""

    label: str
    accessor: object
    sort: str | None = None

    def value(self, obj):
        return resolve(obj, self.accessor)
