"""Protection of personal data at rest: Fernet encryption plus a keyed hash for exact-match search.

Keys derive from FIELD_ENCRYPTION_KEY (or SECRET_KEY when unset) with distinct labels, so the search hash
cannot decrypt and rotating one does not silently reuse the other.
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _master() -> bytes:
    return (settings.FIELD_ENCRYPTION_KEY or settings.SECRET_KEY).encode()


@cache
def _fernet() -> Fernet:
    key = hmac.new(_master(), b"dangjian/field-encryption", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))


@cache
def _hash_key() -> bytes:
    return hmac.new(_master(), b"dangjian/search-hash", hashlib.sha256).digest()


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a wrong key must be loud, never a silent empty value
        raise ValueError("personal data cannot be decrypted with the configured key") from exc


def search_hash(value: str) -> str:
    """A keyed hash of a normalized value: equal values give equal hashes, the value cannot be recovered."""
    return hmac.new(_hash_key(), value.strip().upper().encode(), hashlib.sha256).hexdigest() if value else ""


def mask(value: str, keep_start: int, keep_end: int) -> str:
    """'420***********1234' style: the middle replaced by asterisks."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[len(value) - keep_end :]
