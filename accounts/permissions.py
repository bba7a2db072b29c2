"""The one permission path for objects and actions, beside `restrict()` (which answers "which rows").

Every decision of the form "may this user do X to this object" is `can(user, action, obj)`; "at which units may
this user do X to records of this model" is `units_for(user, model, action)` (and, for a department handler,
`departments_for`; their queue is `dispatched(queryset, user, action)`); services call `require(...)`, which
raises PermissionDenied. Views, serializers, forms, admin, services and templates (which buttons to show, through
the `can` template filter in `core.templatetags.perms`) all ask here.

Actions and the roles that hold them are declared on the model, never in the caller:

    class Clue(models.Model):
        scope_field = "grid"
        scope_write_roles = TRIAGE_ROLES                    # CHANGE
        scope_actions = {TRIAGE: TRIAGE_ROLES, HANDLE: (...)}  # every other action the model has
        scope_owner_actions = (VIEW, RATE)                   # what the owner (`scope_owner_field`) may do anywhere
        scope_department_actions = (VIEW, HANDLE)            # what the department's handlers may do

VIEW defaults to every role (or `scope_view_roles`), CHANGE to `scope_write_roles` (default: organization-department
and township staff). Asking for an action the model does not declare is a programming error (ValueError), so a
typo never silently allows or refuses.

Jobs and commands that act without a user pass `SYSTEM`, an explicit actor that may do everything and that the
audit trail records as the system. `None` is not an actor: it is refused like an anonymous user.
"""

from collections.abc import Iterable

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from .roles import GRANTING_ROLES, ROLE_RANK, Role
from .scoping import CHANGE, VIEW, department_paths, dispatched, restrict, roles_for, scope_paths

APPROVE = "approve"
TRIAGE = "triage"
HANDLE = "handle"
COUNTER = "counter"
REVEAL = "reveal"
GRANT = "grant"
ADJUST = "adjust"
RATE = "rate"
IMPORT = "import"

__all__ = [
    "ADJUST",
    "APPROVE",
    "CHANGE",
    "COUNTER",
    "GRANT",
    "HANDLE",
    "IMPORT",
    "RATE",
    "REVEAL",
    "SYSTEM",
    "TRIAGE",
    "VIEW",
    "SystemActor",
    "can",
    "can_at",
    "can_grant",
    "can_manage_account",
    "can_revoke",
    "departments_for",
    "dispatched",
    "grantable_roles",
    "require",
    "require_at",
    "restrict",
    "roles_for",
    "units_for",
]


class SystemActor:
    """The actor of jobs, commands and the demo: allowed everything, recorded as the system in the audit trail."""

    pk = None
    id = None
    username = "system"
    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_superuser = True
    is_staff = False
    is_system = True

    def __str__(self):
        return _("System")

    def __repr__(self):
        return "SYSTEM"

    def has_role(self, *roles) -> bool:
        return True

    def role_names(self) -> set[str]:
        return set(Role.values)


SYSTEM = SystemActor()


def _is_all_powerful(user) -> bool:
    return user is SYSTEM or bool(getattr(user, "is_superuser", False) and getattr(user, "is_active", False))


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", True)


def can(user, action: str, obj: models.Model) -> bool:
    """Whether `user` may do `action` to the saved object `obj`.

    Answered by the same Q as the lists, against the database, so a page's button and the service's check agree.
    """
    if not _authenticated(user):
        return False
    if _is_all_powerful(user):
        return True
    if obj is None or obj.pk is None:
        raise ValueError("can() takes a saved object; ask can_at(user, action, Model, unit) before creating one")
    # The same restrict() the lists use (the manager's queryset class may declare `default_view_roles`).
    return restrict(type(obj)._default_manager.filter(pk=obj.pk), user, action).exists()


def units_for(user, model: type[models.Model], action: str) -> list[str]:
    """Paths of the subtree roots where `user` may do `action` to records of `model` (every unit for superusers:
    `[""]`, since every path starts with the empty string)."""
    if not _authenticated(user):
        return []
    if _is_all_powerful(user):
        return [""]
    return scope_paths(user, roles=roles_for(model, action, model._default_manager.all()))


def departments_for(user, model: type[models.Model], action: str) -> list[str]:
    """Paths of the departments where `user`, as a department handler, may do `action` to the records of `model`
    dispatched there (none for a superuser without that role: they act through `units_for`)."""
    if not _authenticated(user):
        return []
    return department_paths(user, model, action)


def holds_action(user, model: type[models.Model], action: str) -> bool:
    """Whether `user` holds a role that may do `action` to some records of `model` (its declared roles, or a
    department handler's role where the model is dispatched to departments) — from the roles alone, with no query
    beyond the user's role names. For menus and the workbench: which pages and queues this user can use at all."""
    if not _authenticated(user):
        return False
    if _is_all_powerful(user):
        return True
    held = user.role_names()
    roles = roles_for(model, action, model._default_manager.all())
    if held and (roles is None or held & set(roles)):
        return True
    department_actions = getattr(model, "scope_department_actions", (VIEW, CHANGE))
    return bool(
        getattr(model, "scope_department_field", None)
        and action in department_actions
        and Role.DEPARTMENT_HANDLER in held
    )


def units_queryset(user, model: type[models.Model], action: str):
    """The OrganizationUnits at which `user` may do `action` to records of `model` — for form choices."""
    # By name, not imported: organizations' models import accounts (scoping), which sits below them.
    unit_model = apps.get_model("organizations", "OrganizationUnit")
    paths = units_for(user, model, action)
    q = models.Q(pk__in=[])
    for path in paths:
        q |= models.Q(path__startswith=path)
    return unit_model.objects.filter(q)


def can_at(user, action: str, model: type[models.Model], unit) -> bool:
    """Whether `user` may do `action` to a (new) record of `model` attached to `unit` (an OrganizationUnit)."""
    if unit is None:
        return _authenticated(user) and _is_all_powerful(user)
    return any(unit.path.startswith(path) for path in units_for(user, model, action))


def require(user, action: str, obj: models.Model, message: str | None = None) -> None:
    """Raise PermissionDenied unless `can(user, action, obj)`."""
    if not can(user, action, obj):
        raise PermissionDenied(message or _("You may not do this."))


def require_at(user, action: str, model: type[models.Model], units: Iterable | object, message: str | None = None):
    """Raise PermissionDenied unless `user` may do `action` to a record of `model` at every unit of `units`.

    Every unit a record refers to must lie inside the writer's scope: pass them all (e.g. a clue category's unit and
    its default department)."""
    if not isinstance(units, list | tuple | set):
        units = [units]
    for unit in units:
        if unit is not None and not can_at(user, action, model, unit):
            raise PermissionDenied(message or _("You may not do this."))


# The grant ladder (roles.ROLE_RANK): who may grant, revoke and manage accounts. The GRANT action of User and
# RoleAssignment (`scope_actions`) names the subtrees where a user holds a granting role — the accounts they see on
# the accounts pages and the units offered in grant forms (`units_queryset(user, RoleAssignment, GRANT)`); the rank
# comparison below decides which role may be granted there. Pages, admin, services and templates all ask these.


def _grant_holdings(user) -> list[tuple[int, str]]:
    """(rank, unit path) of the user's granting roles, cached on the user object for the request like scope_paths."""
    cache = user.__dict__.get("_grant_holdings_cache")
    if cache is None:
        rows = user.role_assignments.filter(role__in=list(GRANTING_ROLES)).values_list("role", "unit__path")
        cache = [(ROLE_RANK[role], path) for role, path in rows]
        user.__dict__["_grant_holdings_cache"] = cache
    return cache


def _unit_path(unit) -> str | None:
    return getattr(unit, "path", None)


def can_grant(user, role: str, unit) -> bool:
    """Whether `user` may grant (or revoke) `role` at `unit`: superusers anywhere; others only a role strictly below
    the rank of a granting role they hold at `unit` or above it. Nobody but a superuser makes organization-department
    staff (at a root unit or anywhere) or a superuser."""
    if not _authenticated(user):
        return False
    if _is_all_powerful(user):
        return role in ROLE_RANK
    path = _unit_path(unit)
    if path is None or role not in ROLE_RANK:
        return False
    rank = ROLE_RANK[role]
    return any(held > rank and path.startswith(root) for held, root in _grant_holdings(user))


def grantable_roles(user, unit=None) -> list[str]:
    """The roles `user` may grant at `unit` (anywhere in their subtrees when `unit` is None), highest first."""
    if not _authenticated(user):
        return []
    ordered = sorted(ROLE_RANK, key=lambda role: -ROLE_RANK[role])
    if _is_all_powerful(user):
        return ordered
    path = _unit_path(unit)
    holdings = [(held, root) for held, root in _grant_holdings(user) if path is None or path.startswith(root)]
    return [role for role in ordered if any(held > ROLE_RANK[role] for held, _root in holdings)]


def can_manage_account(user, target) -> bool:
    """Whether `user` may edit, reset the password of, deactivate, delete or change the roles of `target`.

    Superusers may manage every account. Anyone else only when every role of `target` lies inside their subtree and
    strictly below their rank (`can_grant` for each), so: not an account that also holds a role elsewhere, not a
    superuser, not staff of equal rank, not their own account, and not an account with no role at all (those belong
    to the superusers: nothing places them in anyone's subtree).
    """
    if not _authenticated(user) or target is None or target.pk is None:
        return False
    if _is_all_powerful(user):
        return True
    if target.pk == user.pk or target.is_superuser:
        return False
    return _outranks_every_role(user, list(target.role_assignments.values_list("role", "unit__path")))


def _outranks_every_role(user, roles) -> bool:
    """The ladder of `can_manage_account` for an account holding `roles` ((role, unit path) pairs)."""
    if not roles or not _grant_holdings(user):
        return False
    return all(
        role in ROLE_RANK
        and any(held > ROLE_RANK[role] and path.startswith(root) for held, root in _grant_holdings(user))
        for role, path in roles
    )


def manageable_accounts(user, queryset):
    """The accounts of `queryset` that `user` may manage (`can_manage_account` for each, in two queries)."""
    if not _authenticated(user):
        return queryset.none()
    if _is_all_powerful(user):
        return queryset
    if not _grant_holdings(user):
        return queryset.none()
    candidates = queryset.exclude(pk=user.pk).exclude(is_superuser=True)
    roles: dict[int, list] = {}
    assignments = apps.get_model("accounts", "RoleAssignment").objects.filter(user__in=candidates.values("pk"))
    for user_id, role, path in assignments.values_list("user_id", "role", "unit__path"):
        roles.setdefault(user_id, []).append((role, path))
    return queryset.filter(pk__in=[pk for pk, held in roles.items() if _outranks_every_role(user, held)])


def can_revoke(user, assignment) -> bool:
    """Whether `user` may revoke `assignment`: the role is theirs to grant there and the account is theirs to manage."""
    if getattr(user, "pk", None) is not None and assignment.user_id == user.pk:
        return False  # nobody changes their own privileges, superusers included
    return can_grant(user, assignment.role, assignment.unit) and can_manage_account(user, assignment.user)
