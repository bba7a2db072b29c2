"""The single scoping path: which rows of any model a user may see or change.

A scoped model names, in `scope_field`, the lookup from itself to its OrganizationUnit ("unit",
"member__unit", …; "" for OrganizationUnit itself; a tuple of lookups when either side may see it, as for a
transfer between two units). A user's jurisdiction is the union of the subtrees of the units in their role
assignments; every view, viewset, admin, export and dashboard calls `restrict()` (or
`Model.objects.restrict()`) and nothing filters by hand. Objects outside the jurisdiction are not found (404).
"""

from collections.abc import Iterable

from django.db import models
from django.db.models import Q

from .roles import STAFF_ROLES, Role

VIEW = "view"
CHANGE = "change"


def _collapse(paths: Iterable[str]) -> list[str]:
    """Drop every path that lies inside another one of the list."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept


def scope_paths(user, *, roles: Iterable[str] | None = None) -> list[str]:
    """Materialized paths of the subtree roots the user holds, limited to `roles` when given.

    Cached on the user object for the request, so a page that restricts several querysets asks once.
    """
    if user is None or not user.is_authenticated:
        return []
    cache = user.__dict__.setdefault("_scope_paths_cache", {})
    key = None if roles is None else frozenset(roles)
    if key not in cache:
        # One query for every role set the request asks about (a page with several queues asks for several).
        if "_held_paths" not in user.__dict__:
            user.__dict__["_held_paths"] = list(user.role_assignments.values_list("role", "unit__path"))
        held = user.__dict__["_held_paths"]
        cache[key] = _collapse(path for role, path in held if key is None or role in key)
    return cache[key]


def scope_q(model: type[models.Model], paths: Iterable[str]) -> Q:
    """A Q that keeps the rows of `model` whose unit lies in one of the subtrees `paths`."""
    field = getattr(model, "scope_field", None)
    if field is None:
        raise TypeError(f"{model.__name__} has no scope_field and cannot be scoped")
    # A tuple names several ways to a unit (a transfer's two sides): a row is in scope when any of them is.
    fields = field if isinstance(field, tuple | list) else (field,)
    lookups = [f"{name}__path__startswith" if name else "path__startswith" for name in fields]
    q = Q(pk__in=[])
    for path in paths:
        for lookup in lookups:
            q |= Q(**{lookup: path})
    return q


def write_roles(model: type[models.Model]):
    return tuple(getattr(model, "scope_write_roles", STAFF_ROLES))


def roles_for(model: type[models.Model], action: str, queryset=None) -> tuple | None:
    """The roles that may do `action` on records of `model` inside their subtrees (None: every role).

    VIEW: `scope_view_roles` (default every role; a queryset class may set `default_view_roles`); CHANGE:
    `scope_write_roles` (default organization-department and township staff); any other action: the model's
    `scope_actions[action]`. An undeclared action is a programming error, so a typo never allows or refuses silently.
    """
    if action == VIEW:
        return getattr(model, "scope_view_roles", getattr(queryset, "default_view_roles", None))
    if action == CHANGE:
        return write_roles(model)
    declared = getattr(model, "scope_actions", {})
    if action not in declared:
        raise ValueError(f"{model.__name__} declares no action {action!r} (add it to scope_actions)")
    return tuple(declared[action])


def department_paths(user, model: type[models.Model], action: str) -> list[str]:
    """Paths of the departments on whose rows of `model` the user may do `action` as a department handler (the
    model's `scope_department_field` and `scope_department_actions`); [] when the model declares no department."""
    if not getattr(model, "scope_department_field", None):
        return []
    if action not in getattr(model, "scope_department_actions", (VIEW, CHANGE)):
        return []
    return scope_paths(user, roles=[Role.DEPARTMENT_HANDLER])


def department_q(model: type[models.Model], user, action: str) -> Q:
    """A Q keeping the rows of `model` dispatched to a department where `user` may do `action` (`department_paths`)."""
    q = Q(pk__in=[])
    for path in department_paths(user, model, action):
        q |= Q(**{f"{model.scope_department_field}__path__startswith": path})
    return q


def action_q(model: type[models.Model], user, action: str, queryset=None) -> Q:
    """A Q keeping the rows of `model` on which the (authenticated, non-superuser) `user` may do `action`.

    - the subtrees of the user's roles that hold `action` (`roles_for`);
    - `scope_department_field`: a lookup to a unit; department handlers may do `scope_department_actions`
      (default VIEW and CHANGE) on the rows dispatched to their department;
    - `scope_owner_field`: a lookup to a User who may do `scope_owner_actions` (default VIEW) on their own rows
      wherever they lie.
    """
    q = scope_q(model, scope_paths(user, roles=roles_for(model, action, queryset))) | department_q(model, user, action)
    owner_field = getattr(model, "scope_owner_field", None)
    if owner_field and action in getattr(model, "scope_owner_actions", (VIEW,)):
        q |= Q(**{owner_field: user})
    return q


def restrict(queryset: models.QuerySet, user, action: str = VIEW) -> models.QuerySet:
    """The rows of `queryset` on which `user` may do `action` (VIEW, CHANGE or any action the model declares).

    See `roles_for` and `action_q` for what a model declares; `accounts.permissions.can()` answers the same question
    for one object.
    """
    if user is None or not user.is_authenticated or not getattr(user, "is_active", True):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(action_q(queryset.model, user, action, queryset))


def dispatched(queryset: models.QuerySet, user, action: str = VIEW) -> models.QuerySet:
    """The rows of `queryset` dispatched to the user's departments on which they may do `action` (a department
    handler's queue), whatever else their other roles let them see."""
    return restrict(queryset, user, action).filter(department_q(queryset.model, user, action))


class ScopedQuerySet(models.QuerySet):
    """A queryset that can restrict itself to a user's jurisdiction: `Model.objects.restrict(user, "change")`."""

    def restrict(self, user, action: str = VIEW):
        return restrict(self, user, action)
