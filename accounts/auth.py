"""How a user proves who they are: portal login rules, API authentication, lockout page and the login audit.

- `is_service_account`: an external system's account (role EXTERNAL_SYSTEM) never uses the portal, only its token.
- `PortalSessionAuthentication` / `ExpiringTokenAuthentication`: the DRF classes (settings.REST_FRAMEWORK).
- `lockout_message`: the Chinese lockout message (django-axes' AXES_LOCKOUT_CALLABLE is
  `accounts.security_views.lockout_response`, which shows it on the login page).
- `record_login` / `record_login_failed`: an AuditEntry for every login, successful or failed (kept with the
  other audit rows, which no job deletes).
"""

from datetime import timedelta

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import user_has_device
from rest_framework import authentication, exceptions

from core.history import VALUE_LABELS
from core.models import AuditEntry

from .errors import ErrorCode
from .roles import STAFF_ROLES, Role

LOGIN_SUCCESS = "login.success"
LOGIN_FAILED = "login.failed"
# The reasons a login failed, as the account page's history says them (core.history).
VALUE_LABELS.update(
    {
        ("reason", "bad_credentials"): gettext_lazy("wrong password"),
        ("reason", "unknown_user"): gettext_lazy("unknown login name"),
        ("reason", "locked_out"): gettext_lazy("locked after repeated failures"),
        ("reason", "service_account"): gettext_lazy("an external system's account cannot log in here"),
        ("reason", "otp_token"): gettext_lazy("wrong second-factor code"),
    }
)


def is_service_account(user) -> bool:
    """An external system's account: it holds the external-system role (a superuser is never one)."""
    if user is None or not getattr(user, "pk", None) or user.is_superuser:
        return False
    return Role.EXTERNAL_SYSTEM in user.role_names()


def is_staff_account(user) -> bool:
    """Organization-department or township staff, a back-office user or a superuser: the stricter rules apply."""
    if user is None:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return bool(getattr(user, "pk", None)) and bool(user.role_names() & set(STAFF_ROLES))


def client_ip(request) -> str:
    """The client address as django-axes sees it (REMOTE_ADDR unless AXES_CLIENT_IP_CALLABLE says otherwise)."""
    if request is None:
        return ""
    return (get_client_ip_address(request) or "")[:64]


def client_user_agent(request) -> str:
    if request is None:
        return ""
    return request.META.get("HTTP_USER_AGENT", "")[:255]


# ---- API authentication ------------------------------------------------------------------------------------------


class PortalSessionAuthentication(authentication.SessionAuthentication):
    """The portal's session, refused for external systems' accounts (they use their token)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and is_service_account(result[0]):
            raise ServiceAccountSession(_("External-system accounts cannot use a portal session; send the API token."))
        return result


def token_expires_at(token):
    return token.created + timedelta(days=settings.API_TOKEN_DAYS)


class TokenExpired(exceptions.AuthenticationFailed):
    default_code = ErrorCode.TOKEN_EXPIRED.value


class ServiceAccountSession(exceptions.AuthenticationFailed):
    default_code = ErrorCode.SERVICE_ACCOUNT_SESSION.value


class ExpiringTokenAuthentication(authentication.TokenAuthentication):
    """DRF's token, valid for settings.API_TOKEN_DAYS after it was issued or rotated (then 401)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if timezone.now() >= token_expires_at(token):
            raise TokenExpired(
                _("The API token has expired; rotate it or ask the organization department for a new one.")
            )
        return user, token


# ---- lockout -----------------------------------------------------------------------------------------------------


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) if settings.AXES_COOLOFF_TIME else 0
    if minutes:
        return _(
            "Too many failed logins: this account or address is locked for %(minutes)s minutes. "
            "Staff of the organization department or the township can unlock it earlier."
        ) % {"minutes": minutes}
    return _(
        "Too many failed logins: this account or address is locked. "
        "Ask staff of the organization department or the township to unlock it."
    )


# ---- login audit -------------------------------------------------------------------------------------------------


def _user_unit(user):
    """The unit a login row is filed under: the user's highest role unit, so the staff above it see the row."""
    assignment = user.role_assignments.select_related("unit").order_by("unit__path").first()
    return assignment.unit if assignment else None


def _login_entry(*, action, request, user=None, username="", reason=""):
    # Written directly rather than through core.audit.record(): a failed login for an unknown name has no object.
    changes = {"ip": client_ip(request), "user_agent": client_user_agent(request)}
    if reason:
        changes["reason"] = reason
    known = user if user is not None and user.pk else None
    unit = _user_unit(known) if known else None
    return AuditEntry.objects.create(
        actor=known,
        **AuditEntry.snapshot(known, unit),
        action=action,
        object_type="accounts.user",
        object_id=str(user.pk) if user is not None and user.pk else "",
        object_repr=(username or (user.get_username() if user is not None else ""))[:200],
        unit=unit,
        changes=changes,
    )


@receiver(user_logged_in, dispatch_uid="accounts.record_login")
def record_login(sender, request, user, **kwargs):
    remember_account_flags(request, user)
    if request is not None and hasattr(request, "session"):
        # The login saves the session with a fresh expiry: the idle clock (accounts.middleware) starts now.
        request.session[SEEN_KEY] = int(timezone.now().timestamp())
    return _login_entry(action=LOGIN_SUCCESS, request=request, user=user, username=user.get_username())


# ---- what a session must still do (read by accounts.middleware) -------------------------------------------------

ACCOUNT_FLAGS_KEY = "account_flags"
SEEN_KEY = "account_seen"


def account_flags(user) -> dict:
    """Facts the middleware checks on every request, computed once per login and kept in the session (so a
    request costs no query for them): service account, organization-department role, a confirmed OTP device."""
    return {
        "uid": user.pk,
        "service": is_service_account(user),
        "org": Role.ORG_DEPARTMENT in user.role_names(),
        "device": user_has_device(user),
    }


def remember_account_flags(request, user) -> dict:
    flags = account_flags(user)
    if request is not None and hasattr(request, "session"):
        request.session[ACCOUNT_FLAGS_KEY] = flags
    return flags


@receiver(user_login_failed, dispatch_uid="accounts.record_login_failed")
def record_login_failed(sender, credentials, request=None, **kwargs):
    """Every failure: a wrong password, an unknown name, a locked account, a refused account or a wrong OTP token."""
    username = str((credentials or {}).get("username") or "")[:150]
    user = get_user_model().objects.filter(username=username).first() if username else None
    reason = kwargs.get("reason") or ("locked_out" if getattr(request, "axes_locked_out", False) else "")
    if not reason:
        reason = "bad_credentials" if user is not None else "unknown_user"
    return _login_entry(action=LOGIN_FAILED, request=request, user=user, username=username, reason=reason)


def login_refused(request, *, username: str, reason: str):
    """A login refused after the password was right (an external system's account, a wrong second factor):
    counted by django-axes like any failure and audited."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request, reason=reason)
