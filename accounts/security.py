"""Services for account security: API token rotation, unlocking a locked-out account, TOTP enrolment, password
change. Keyword-only, one transaction each, an audit row each."""

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from core import audit
from core.errors import Conflict, Invalid

from .auth import _user_unit, token_expires_at
from .errors import ErrorCode
from .models import User
from .permissions import manageable_accounts
from .roles import STAFF_ROLES, Role

audit.ACTION_LABELS.update(
    {
        "login.success": gettext_lazy("Logged in"),
        "login.failed": gettext_lazy("Failed login"),
        "login.otp_verified": gettext_lazy("Second factor verified"),
        "account.unlock": gettext_lazy("Unlocked after failed logins"),
        "account.token_rotate": gettext_lazy("Rotated the API token"),
        "account.otp_enrol": gettext_lazy("Enrolled a second factor"),
        "account.otp_remove": gettext_lazy("Removed the second factor"),
        "account.password_change": gettext_lazy("Changed the password"),
    }
)

BACKUP_CODES = 10


def managed_users(actor):
    """The accounts `actor` may unlock or whose token they may rotate: those the grant ladder lets them manage
    (`accounts.permissions.can_manage_account`: every role of the account strictly below a granting role of the
    actor's, inside its subtree), so never a peer of the same rank."""
    return manageable_accounts(actor, User.objects.all())


# ---- API tokens --------------------------------------------------------------------------------------------------


@transaction.atomic
def token_rotate(*, user: User, actor) -> Token:
    """Replace the user's API token with a new key (valid API_TOKEN_DAYS from now); the old key stops at once.

    The caller rotates their own token, or staff rotate one of the accounts they manage."""
    if actor.pk != user.pk and not managed_users(actor).filter(pk=user.pk).exists():
        raise PermissionDenied(_("You may not rotate the token of this account."))
    # The key is the primary key of DRF's Token: a rotation is a delete and a create.
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    audit.record(
        actor=actor,
        action="account.token_rotate",
        obj=user,
        unit=_user_unit(user),
        changes={"expires_at": token_expires_at(token).isoformat()},
    )
    return token


def token_ensure_fresh(*, user: User) -> Token:
    """The user's token, issued anew when missing or expired (the demo's external system after a month)."""
    token = Token.objects.filter(user=user).first()
    if token is None or timezone.now() >= token_expires_at(token):
        return token_rotate(user=user, actor=user)
    return token


# ---- lockout -----------------------------------------------------------------------------------------------------


def lockouts_for(actor):
    """Accounts with failed logins that `actor` manages, with their failure count and whether they are locked."""
    attempts = AccessAttempt.objects.all()
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)
    failures = dict(
        attempts.values("username").annotate(total=Sum("failures_since_start")).values_list("username", "total")
    )
    users = managed_users(actor).filter(username__in=[name for name in failures if name]).order_by("username")
    return [
        {
            "user": user,
            "failures": failures[user.username],
            "locked": failures[user.username] >= settings.AXES_FAILURE_LIMIT,
        }
        for user in users
    ]


@transaction.atomic
def account_unlock(*, user: User, actor) -> int:
    """Clear the failed logins of `user` (django-axes' records), so the account can log in again."""
    if not managed_users(actor).filter(pk=user.pk).exists():
        raise PermissionDenied(_("You may not unlock this account."))
    removed = reset(username=user.username)
    audit.record(actor=actor, action="account.unlock", obj=user, unit=_user_unit(user), changes={"attempts": removed})
    return removed


# ---- second factor -----------------------------------------------------------------------------------------------


def may_enrol_otp(user) -> bool:
    return user.is_superuser or user.has_role(*STAFF_ROLES)


def otp_required(user) -> bool:
    """Whether the user must have a confirmed TOTP device before using the portal."""
    return bool(settings.OTP_REQUIRED_FOR_ORG_DEPARTMENT) and Role.ORG_DEPARTMENT in user.role_names()


def otp_pending_device(*, user: User):
    """The unconfirmed TOTP device being enrolled (created on first call); its secret is shown once to the user."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


@transaction.atomic
def otp_enrol(*, user: User, device, token: str) -> list[str]:
    """Confirm `device` with a first valid token; replaces any earlier device and returns new backup codes."""
    if not may_enrol_otp(user):
        raise PermissionDenied(_("Only staff accounts use a second factor."))
    if device.user_id != user.pk or device.confirmed:
        raise Conflict(_("Start the enrolment again."), code=ErrorCode.OTP_ENROLMENT_STALE, field="token")
    if not device.verify_token(token):
        raise Invalid(
            _("The code is wrong or has expired; enter the current 6-digit code."),
            code=ErrorCode.OTP_CODE_WRONG,
            field="token",
        )
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    backup = StaticDevice.objects.create(user=user, name=_("Backup codes"), confirmed=True)
    codes = [StaticToken.random_token() for _i in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=backup, token=code) for code in codes])
    audit.record(actor=user, action="account.otp_enrol", obj=user, unit=_user_unit(user))
    return codes


def otp_users_for(actor):
    """Accounts `actor` manages that have a confirmed TOTP device (staff can remove a lost one)."""
    with_device = TOTPDevice.objects.filter(confirmed=True).values("user_id")
    return managed_users(actor).filter(pk__in=with_device).exclude(pk=actor.pk).order_by("username")


@transaction.atomic
def otp_remove(*, user: User, actor) -> None:
    """Staff remove a lost second factor of an account they manage; the user enrols again at next login."""
    if not managed_users(actor).filter(pk=user.pk).exists() or actor.pk == user.pk:
        raise PermissionDenied(_("You may not remove the second factor of this account."))
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.record(actor=actor, action="account.otp_remove", obj=user, unit=_user_unit(user))


# ---- passwords ---------------------------------------------------------------------------------------------------


@transaction.atomic
def password_change(*, user: User, password: str) -> User:
    """The user set their own password (validated by the form): the forced change is done."""
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit.record(actor=user, action="account.password_change", obj=user, unit=_user_unit(user))
    return user
