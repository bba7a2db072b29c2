"""Every write on accounts and role assignments: keyword-only, one transaction, an audit row, checked on the grant
ladder (`accounts.permissions.can_grant` / `can_manage_account`). The portal pages and the Django admin both call
these, so the two agree on who may do what and leave the same audit trail.

Audit rows are written on the account (`object_type` "accounts.user") with the unit the change concerns: the
granted or revoked role's unit, or the account's highest role unit for the account-wide changes. Passwords are never
written to the audit trail, a session or a log.
"""

import logging

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit
from core.errors import Conflict, Invalid
from core.errors import ErrorCode as CoreCode
from core.services import update_fields

from .errors import ErrorCode
from .models import RoleAssignment, User
from .permissions import can_grant, can_manage_account
from .roles import ADMIN_SITE_ROLES, ROLE_RANK, Role

audit.ACTION_LABELS.update(
    {
        "role.grant": gettext_lazy("Role granted"),
        "role.revoke": gettext_lazy("Role revoked"),
        "account.create": gettext_lazy("Account created"),
        "account.update": gettext_lazy("Account changed"),
        "account.deactivate": gettext_lazy("Account deactivated"),
        "account.reactivate": gettext_lazy("Account reactivated"),
        "account.password_reset": gettext_lazy("Password reset"),
        "account.delete": gettext_lazy("Account deleted"),
    }
)

# Refusals on the grant ladder, by account and unit id and role code: never a username, a name or a password
# (core/logs.py). An attempt to manage an account or grant a role above one's own is worth an operator's look.
logger = logging.getLogger(__name__)

# Fields a manager may change on an account; the privilege flags only a superuser.
ACCOUNT_FIELDS = ("username", "display_name", "email", "first_name", "last_name")
SUPERUSER_FIELDS = ("is_superuser", "is_staff")

# Generated passwords avoid look-alike characters (0/O, 1/l/I) since they are read off a screen and typed on a phone.
_LOWER = "abcdefghijkmnpqrstuvwxyz"
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_DIGITS = "23456789"
_SYMBOLS = "#%+-=@"


def generate_password(length: int = 14) -> str:
    """A random temporary password with a lower-case letter, an upper-case letter, a digit and a symbol.

    Built on Django's `get_random_string` (the `secrets` module); written here only to guarantee one character of
    each class, which complexity rules for staff ask for and no installed package provides.
    """
    classes = [_LOWER, _UPPER, _DIGITS, _SYMBOLS]
    chars = [get_random_string(1, c) for c in classes] + list(get_random_string(length - 4, "".join(classes)))
    # Shuffle with the same secure source: sort by a random key per character.
    keys = [get_random_string(8) for _c in chars]
    return "".join(c for _k, c in sorted(zip(keys, chars, strict=True)))


def account_unit(user: User):
    """The unit an account-wide audit row is filed under: the account's highest role's unit (None without roles)."""
    assignments = list(user.role_assignments.select_related("unit"))
    if not assignments:
        return None
    best = min(assignments, key=lambda a: (-ROLE_RANK.get(a.role, 0), len(a.unit.path), a.unit.path))
    return best.unit


def account_has_history(user: User) -> bool:
    """Whether deleting the account would erase or orphan history: it has logged in, or any record other than its
    role assignments refers to it (audit rows, clues, approvals, a woodpecker, an API token…)."""
    if user.last_login is not None:
        return True
    for relation in User._meta.related_objects:
        if relation.related_model is RoleAssignment:
            continue
        if relation.related_model._base_manager.filter(**{relation.field.name: user.pk}).exists():
            return True
    return False


def _lock(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


def _require_manage(actor, user: User, message: str | None = None) -> None:
    if not can_manage_account(actor, user):
        logger.warning("account management refused: actor %s, account %s", getattr(actor, "pk", None), user.pk)
        raise PermissionDenied(message or _("You may not manage this account."))


def _require_not_self(actor, user: User) -> None:
    if getattr(actor, "pk", None) is not None and actor.pk == user.pk:
        raise PermissionDenied(_("You may not change your own account's roles or status."))


def _require_grant(actor, role: str, unit) -> None:
    if not can_grant(actor, role, unit):
        logger.warning(
            "role grant refused: actor %s, role %s, unit %s",
            getattr(actor, "pk", None),
            role,
            getattr(unit, "pk", None),
        )
        raise PermissionDenied(
            _("You may not grant the role “%(role)s” at “%(unit)s”: only roles below your own, in your jurisdiction.")
            % {"role": Role(role).label if role in Role.values else role, "unit": getattr(unit, "name", "—")}
        )


def _sync_staff_flag(user: User) -> None:
    """Back-office access follows the roles: staff roles open the admin site, losing the last one closes it.

    Superusers keep theirs (only a superuser changes a superuser)."""
    if user.is_superuser:
        return
    is_staff = user.role_assignments.filter(role__in=list(ADMIN_SITE_ROLES)).exists()
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


def _audit_role(actor, user: User, role: str, unit, *, granted: bool) -> None:
    """The audit row of a role granted or revoked, filed under the role's unit."""
    values = {"role": str(role), "unit": str(unit)}
    audit.record(
        actor=actor,
        action="role.grant" if granted else "role.revoke",
        obj=user,
        unit=unit,
        changes={name: [None, value] if granted else [value, None] for name, value in values.items()},
    )


def _assign(*, user: User, role: str, unit, actor) -> RoleAssignment:
    if role not in Role.values:
        raise Invalid(_("Choose a role."), code=CoreCode.REQUIRED, field="role")
    if unit is None:
        raise Invalid(_("Choose an organization unit."), code=CoreCode.REQUIRED, field="unit")
    if RoleAssignment.objects.filter(user=user, role=role, unit=unit).exists():
        raise Conflict(
            _("This account already holds this role at this unit."), code=ErrorCode.ROLE_ALREADY_HELD, field="role"
        )
    assignment = RoleAssignment.objects.create(user=user, role=role, unit=unit)
    _audit_role(actor, user, role, unit, granted=True)
    return assignment


@transaction.atomic
def role_grant(*, user: User, role: str, unit, actor) -> RoleAssignment:
    """Give `user` the role `role` at `unit`: the role must be below the actor's rank inside their subtree, and the
    account must be the actor's to manage (every role it already holds is also within the actor's reach)."""
    user = _lock(user)
    _require_not_self(actor, user)
    _require_grant(actor, role, unit)
    _require_manage(actor, user, _("This account also holds roles you may not manage; ask a higher level."))
    assignment = _assign(user=user, role=role, unit=unit, actor=actor)
    _sync_staff_flag(user)
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, actor) -> None:
    """Take a role away. The account keeps its login; without any role it is managed by superusers only."""
    user = _lock(assignment.user)
    try:
        assignment = RoleAssignment.objects.select_related("unit").get(pk=assignment.pk, user=user)
    except RoleAssignment.DoesNotExist as exc:
        logger.info("role revoke: assignment %s of account %s already gone", assignment.pk, user.pk)
        raise Conflict(_("This role assignment no longer exists."), code=ErrorCode.ROLE_ASSIGNMENT_GONE) from exc
    _require_not_self(actor, user)
    _require_grant(actor, assignment.role, assignment.unit)
    _require_manage(actor, user, _("This account also holds roles you may not manage; ask a higher level."))
    unit, role = assignment.unit, assignment.role
    assignment.delete()
    _audit_role(actor, user, role, unit, granted=False)
    _sync_staff_flag(user)


@transaction.atomic
def account_create(
    *,
    username: str,
    roles: list,
    actor,
    display_name: str = "",
    email: str = "",
    password: str | None = None,
    instance: User | None = None,
) -> tuple[User, str | None]:
    """Create an account with its first roles (a list of (role, unit)) and return it with its password when one was
    generated (None when `password` or a prepared `instance` — the admin's add form — set it).

    Everyone but a superuser must give at least one role, each one they may grant: an account without a role is
    out of every subtree and only superusers manage it.
    """
    roles = [(role, unit) for role, unit in roles]
    if not roles and not getattr(actor, "is_superuser", False):
        raise Invalid(_("Give the new account at least one role."), code=CoreCode.REQUIRED, field="role")
    for role, unit in roles:
        _require_grant(actor, role, unit)
    user = instance if instance is not None else User(username=(username or "").strip())
    if instance is None:
        user.display_name = (display_name or "").strip()
        user.email = (email or "").strip()
    generated = None
    if instance is None:
        if password:
            validate_password(password, user)
        else:
            password = generated = generate_password()
        user.set_password(password)
        # Someone else chose this password: the account sets its own at first login (accounts.middleware).
        user.must_change_password = True
    if User.objects.filter(username__iexact=user.username).exists():
        raise Invalid(_("This login name is taken; choose another."), code=ErrorCode.USERNAME_TAKEN, field="username")
    user.full_clean(exclude=["password"])
    user.is_superuser = False if not getattr(actor, "is_superuser", False) else user.is_superuser
    user.save()
    first_unit = min(roles, key=lambda r: (-ROLE_RANK.get(r[0], 0), len(r[1].path)))[1] if roles else None
    audit.record(
        actor=actor, action="account.create", obj=user, unit=first_unit, changes={"username": [None, user.username]}
    )
    for role, unit in roles:
        _assign(user=user, role=role, unit=unit, actor=actor)
    _sync_staff_flag(user)
    return user, generated


def _require_username_free(user: User) -> None:
    if User.objects.filter(username__iexact=user.username).exclude(pk=user.pk).exists():
        raise Invalid(_("This login name is taken; choose another."), code=ErrorCode.USERNAME_TAKEN, field="username")


@transaction.atomic
def account_update(*, user: User, actor, **fields) -> User:
    """Change an account's name and contact fields (`ACCOUNT_FIELDS`); the privilege flags (`SUPERUSER_FIELDS`)
    only for a superuser, never on their own account. Nothing is written when nothing changes."""

    def guard(locked):
        _require_manage(actor, locked)
        privileged = [name for name in SUPERUSER_FIELDS if name in fields and fields[name] != getattr(locked, name)]
        if privileged:
            if not getattr(actor, "is_superuser", False):
                raise PermissionDenied(_("Only a superuser changes superuser and back-office status."))
            _require_not_self(actor, locked)

    def check(locked):
        if "username" in fields:
            _require_username_free(locked)

    user, _changes = update_fields(
        user,
        actor=actor,
        fields={name: value.strip() if isinstance(value, str) else value for name, value in fields.items()},
        allowed=ACCOUNT_FIELDS + SUPERUSER_FIELDS,
        audit_action="account.update",
        unit=account_unit,
        guard=guard,
        check=check,
        exclude=["password"],
        validate_unique=False,
        only_changed=True,
    )
    return user


def _set_active(*, user: User, actor, active: bool) -> User:
    def guard(locked):
        _require_not_self(actor, locked)
        _require_manage(actor, locked)

    user, _changes = update_fields(
        user,
        actor=actor,
        fields={"is_active": active},
        allowed=("is_active",),
        audit_action="account.reactivate" if active else "account.deactivate",
        unit=account_unit,
        guard=guard,
        exclude=["password"],
        validate_unique=False,
        only_changed=True,
    )
    return user


@transaction.atomic
def account_deactivate(*, user: User, actor) -> User:
    """Stop an account from logging in (its sessions and tokens stop working at the next request); history stays."""
    return _set_active(user=user, actor=actor, active=False)


@transaction.atomic
def account_reactivate(*, user: User, actor) -> User:
    """Let a deactivated account log in again."""
    return _set_active(user=user, actor=actor, active=True)


@transaction.atomic
def password_reset(*, user: User, actor, password: str | None = None) -> str:
    """Set a new password (a generated one when `password` is None) and return it, to be shown once.

    The audit row says that the password was reset and by whom, never the password."""
    user = _lock(user)
    _require_manage(actor, user, _("You may not reset the password of this account."))
    if password is None:
        password = generate_password()
    else:
        validate_password(password, user)
    user.set_password(password)
    user.must_change_password = True  # the holder replaces the password they were handed at their next login
    user.save(update_fields=["password", "must_change_password"])
    audit.record(actor=actor, action="account.password_reset", obj=user, unit=account_unit(user))
    return password


@transaction.atomic
def account_delete(*, user: User, actor) -> None:
    """Delete an account that has no history (never logged in, nothing refers to it); otherwise deactivate it."""
    user = _lock(user)
    _require_not_self(actor, user)
    _require_manage(actor, user)
    if account_has_history(user):
        raise Conflict(
            _("This account has history (logins or records); deactivate it instead of deleting it."),
            code=ErrorCode.ACCOUNT_HAS_HISTORY,
        )
    roles = [f"{a.get_role_display()}@{a.unit}" for a in user.role_assignments.select_related("unit")]
    audit.record(
        actor=actor,
        action="account.delete",
        obj=user,
        unit=account_unit(user),
        changes={"username": [user.username, None], "roles": ["; ".join(roles), None]},
    )
    user.delete()
