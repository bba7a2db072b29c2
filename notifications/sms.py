"""SMS: plain texts through the configured backend, and one-time codes (sign-up, password reset).

A code is 6 digits, kept only as a keyed hash (core.crypto.search_hash) with its expiry; it may be tried
SMS_CODE_ATTEMPTS times and used once; a new one for the same number and purpose is refused within
SMS_CODE_RESEND_SECONDS. The code is sent synchronously: the person waits for it, and a gateway failure is told to
them at once (code sms_send_failed) instead of being retried out of sight."""

import logging
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import crypto
from core.errors import Invalid

from . import backends
from .errors import ErrorCode
from .models import SmsCode
from .text import scrub

logger = logging.getLogger(__name__)

PHONE = re.compile(r"^1[3-9]\d{9}$")


def normalize_phone(phone: str) -> str:
    phone = (phone or "").strip().replace(" ", "").replace("-", "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not PHONE.match(phone):
        raise Invalid(_("Enter an 11-digit mobile phone number."), code=ErrorCode.PHONE_INVALID, field="phone")
    return phone


def send_text(phone: str, text: str) -> None:
    """Send a text through the SMS backend (raises the backend's error). The text is scrubbed of personal numbers."""
    backends.sms_backend().send_text(phone, scrub(text))


def _hash(phone: str, purpose: str, code: str) -> str:
    return crypto.search_hash(f"{purpose}:{phone}:{code}")


def send_code(phone: str, *, purpose: str, deliver: bool = True) -> None:
    """Generate a code for the phone and purpose, keep its hash and send it. Raises Invalid (bad number, throttled,
    the gateway failed: nothing kept then).

    With `deliver=False` the code is kept but not sent: a request for a number that must not be told apart from a
    known one (a password reset for a number without an account) then meets the same resend throttle, so asking twice
    does not reveal whether the number has an account."""
    phone = normalize_phone(phone)
    phone_hash = crypto.search_hash(phone)
    now = timezone.now()
    with transaction.atomic():
        since = now - timedelta(seconds=settings.SMS_CODE_RESEND_SECONDS)
        recent = SmsCode.objects.select_for_update().filter(phone_hash=phone_hash, purpose=purpose, created__gt=since)
        if recent.exists():
            raise Invalid(
                _("A code was sent to this number moments ago; wait a minute before asking again."),
                code=ErrorCode.SMS_CODE_THROTTLED,
                field="phone",
            )
        code = f"{secrets.randbelow(10**6):06d}"
        SmsCode.objects.create(
            phone_hash=phone_hash,
            purpose=purpose,
            code_hash=_hash(phone, purpose, code),
            expires_at=now + timedelta(minutes=settings.SMS_CODE_MINUTES),
        )
        minutes = settings.SMS_CODE_MINUTES
        text = _("Your verification code is %(code)s, valid for %(minutes)s minutes. Do not tell anyone.") % {
            "code": code,
            "minutes": minutes,
        }
        if not deliver:
            return
        try:
            send_text(phone, text)
        except Exception as exc:  # any gateway failure: the code is not kept, the person is told
            logger.warning("sms code not sent: %s", type(exc).__name__)
            raise Invalid(
                _("The SMS could not be sent; try again later."), code=ErrorCode.SMS_SEND_FAILED, field="phone"
            ) from exc


def check_code(phone: str, code: str, *, purpose: str) -> bool:
    """True once for the right code of the latest unexpired code of the phone and purpose; every try counts."""
    try:
        phone = normalize_phone(phone)
    except Invalid:
        return False
    now = timezone.now()
    with transaction.atomic():
        row = (
            SmsCode.objects.select_for_update()
            .filter(phone_hash=crypto.search_hash(phone), purpose=purpose, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created")
            .first()
        )
        if row is None:
            return False
        # Counted in the cache as well: a caller's transaction rolled back after a wrong code must not give the
        # attempt back.
        key = f"sms-code-tries:{row.pk}"
        cache.add(key, 0, timeout=settings.SMS_CODE_MINUTES * 60)
        tries = cache.incr(key)
        if max(tries, row.attempts + 1) > settings.SMS_CODE_ATTEMPTS:
            return False
        row.attempts += 1
        matched = secrets.compare_digest(row.code_hash, _hash(phone, purpose, (code or "").strip()))
        if matched:
            row.used_at = now
        row.save(update_fields=["attempts", "used_at"])
        return matched
