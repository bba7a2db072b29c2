"""Signing up by phone and resetting a forgotten password by SMS code (the woodpecker's phone is its login).

- `signup_send_code(phone)`: a code for purpose "signup" to a number not yet registered (a registered one is told
  so, with the way to reset its password: the only thing said about an existing account);
- `woodpecker_register(...)`: the code, then the login (username = the normalized phone), the person record (the ID
  number optional: the 1:10:5 scheme needs none) and a woodpecker pending confirmation by its grid, in one
  transaction;
- `reset_send_code(phone)`: a code for purpose "reset", sent only when the number is a woodpecker's login; the
  answer is the same either way, the resend throttle included (an unknown number's code is kept, never sent);
- `woodpecker_password_reset(phone, code, password)`: a new password for that login, audited.

The codes, their expiry, attempts and resend throttle are `notifications.sms`'s; the per-address limit of the
pages is `signup_throttle` below (settings THROTTLE_SIGNUP)."""

import logging

from axes.utils import reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.permissions import SYSTEM
from cadres.services import person_create
from core import audit, crypto
from core.api.throttling import WindowThrottle
from core.errors import ErrorCode as CoreCode
from core.errors import Invalid
from notifications import sms
from organizations.models import OrganizationUnit

from ..errors import ErrorCode
from ..models import Woodpecker, WoodpeckerGroup, WoodpeckerStatus
from .common import validate_grid

logger = logging.getLogger(__name__)

SIGNUP = "signup"
RESET = "reset"

audit.ACTION_LABELS.update({"account.password_reset_sms": gettext_lazy("Reset the password by SMS code")})


def signup_throttle(ident: str) -> None:
    """Refuse a sign-up or reset request beyond THROTTLE_SIGNUP from one client address (every window counts)."""
    refused = WindowThrottle.check("signup", ident or "unknown")
    if refused is not None:
        minutes = max(1, int((refused.wait() or 60) // 60))
        raise Invalid(
            _("Too many requests from this address; try again in %(minutes)s minutes.") % {"minutes": minutes},
            code=ErrorCode.SIGNUP_THROTTLED,
        )


def _registered_message() -> str:
    return _(
        "This mobile phone number is already registered. Log in with it, or reset the password by SMS code if you "
        "forgot it."
    )


def phone_registered(phone: str) -> bool:
    """Whether the normalized phone is a login already, or the phone of a woodpecker registered by staff."""
    if User.objects.filter(username__iexact=phone).exists():
        return True
    return Woodpecker.objects.filter(person__mobile_hash=crypto.search_hash(phone)).exists()


def signup_send_code(*, phone: str) -> str:
    """Send a sign-up code to a number not yet registered; returns the normalized number. Raises Invalid."""
    phone = sms.normalize_phone(phone)
    if phone_registered(phone):
        raise Invalid(_registered_message(), code=ErrorCode.PHONE_REGISTERED, field="phone")
    sms.send_code(phone, purpose=SIGNUP)
    return phone


def _check_code(phone: str, code: str, purpose: str) -> None:
    if not sms.check_code(phone, code, purpose=purpose):
        raise Invalid(
            _("The verification code is wrong, already used or expired; check it or ask for a new one."),
            code=ErrorCode.SMS_CODE_WRONG,
            field="code",
        )


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        # Django's validators' own codes (password_too_short, …): not API codes, as these pages have no API.
        raise ValidationError(
            {"password": [ValidationError(e.message, code=e.code, params=e.params) for e in exc.error_list]}
        ) from exc


def _check_signup_grid(grid) -> None:
    validate_grid(grid)
    if not grid.is_active or not OrganizationUnit.objects.filter(pk=grid.pk, is_active=True).exists():
        raise Invalid(_("Choose a grid."), code=CoreCode.REQUIRED, field="grid")


@transaction.atomic
def woodpecker_register(
    *,
    phone: str,
    code: str,
    name: str,
    password: str,
    grid: OrganizationUnit,
    group: str = WoodpeckerGroup.RESIDENT,
    id_number: str = "",
) -> Woodpecker:
    """Self-registration on a phone: the SMS code proves the number; the login is the number. Nothing is granted
    until the grid worker or community secretary confirms the woodpecker (`woodpecker_confirm`).

    Open to anyone (the public sign-up page): the person record is written by the system on the new user's behalf,
    and the new login is the audit row's actor. A failure after the code was checked rolls back its use, so the
    same code may be tried again (its attempts still count)."""
    phone = sms.normalize_phone(phone)
    name = (name or "").strip()
    if not name:
        raise Invalid(_("Enter your name."), code=CoreCode.REQUIRED, field="name")
    _check_signup_grid(grid)
    if phone_registered(phone):
        raise Invalid(_registered_message(), code=ErrorCode.PHONE_REGISTERED, field="phone")
    _check_password(password, User(username=phone, display_name=name))
    _check_code(phone, code, SIGNUP)
    person = person_create(
        name=name, id_number=(id_number or "").strip(), mobile=phone, unit=grid, actor=SYSTEM, id_optional=True
    )
    try:
        with transaction.atomic():
            user = User.objects.create_user(username=phone, password=password, display_name=name)
    except IntegrityError:  # the same number signed up a moment ago
        raise Invalid(_registered_message(), code=ErrorCode.PHONE_REGISTERED, field="phone") from None
    woodpecker = Woodpecker(person=person, user=user, grid=grid, group=group, status=WoodpeckerStatus.PENDING)
    woodpecker.full_clean(exclude=["person", "user", "grid"])
    woodpecker.save()
    audit.record(actor=user, action="woodpecker.register", obj=woodpecker, unit=grid)
    return woodpecker


def _woodpecker_login(phone: str):
    """The active login of the woodpecker whose login or recorded phone is `phone`, or None."""
    woodpecker = (
        Woodpecker.objects.select_related("user", "grid")
        .filter(user__isnull=False, user__is_active=True)
        .filter(Q(user__username__iexact=phone) | Q(person__mobile_hash=crypto.search_hash(phone)))
        .order_by("pk")
        .first()
    )
    return woodpecker


def reset_send_code(*, phone: str) -> str:
    """Send a reset code when the number belongs to a woodpecker's login; the caller answers the same either way
    (nothing tells whether an account exists). Returns the normalized number."""
    phone = sms.normalize_phone(phone)
    known = _woodpecker_login(phone) is not None
    if not known:
        logger.info("password reset code asked for a number without a woodpecker login")
    # Kept either way, sent only to a known number: a second request within the resend window is refused alike.
    sms.send_code(phone, purpose=RESET, deliver=known)
    return phone


@transaction.atomic
def woodpecker_password_reset(*, phone: str, code: str, password: str) -> User:
    """Set a new password for the woodpecker's login proven by the SMS code (an unknown number is answered as a
    wrong code). The forced change and failed-login lockout of the name are lifted; the audit row names no
    password."""
    phone = sms.normalize_phone(phone)
    woodpecker = _woodpecker_login(phone)
    if woodpecker is None:
        raise Invalid(
            _("The verification code is wrong, already used or expired; check it or ask for a new one."),
            code=ErrorCode.SMS_CODE_WRONG,
            field="code",
        )
    user = User.objects.select_for_update().get(pk=woodpecker.user_id)
    _check_password(password, user)
    _check_code(phone, code, RESET)
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit.record(actor=user, action="account.password_reset_sms", obj=user, unit=woodpecker.grid)
    reset(username=user.username)  # django-axes' failed logins of the name, in this transaction
    return user
