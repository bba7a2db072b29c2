"""Protection of personal data at rest: Fernet encryption plus a keyed hash for exact-match search.

Keys derive from FIELD_ENCRYPTION_KEY (or SECRET_KEY when unset, which core/checks.py allows only with DEBUG on)
with distinct labels, so the search hash cannot decrypt and rotating one does not silently reuse the other.

Encrypted fields are found by convention: a model field named `<name>_encrypted` holds a Fernet token, and a field
`<name>_hash` beside it, when present, holds the keyed search hash of the same value. `encrypted_fields()` lists
them; `manage.py rotate_field_key` re-encrypts and re-hashes them all under FIELD_ENCRYPTION_KEY, reading with the
keys of FIELD_ENCRYPTION_OLD_KEYS (cryptography's MultiFernet: encrypt with the first key, decrypt with any).
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.signals import setting_changed

ENCRYPTED_SUFFIX = "_encrypted"
HASH_SUFFIX = "_hash"


def _master() -> bytes:
    return (settings.FIELD_ENCRYPTION_KEY or settings.SECRET_KEY).encode()


def _fernet_for(master: bytes) -> Fernet:
    key = hmac.new(master, b"dangjian/field-encryption", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))


@cache
def _fernet() -> MultiFernet:
    """The current key first (it encrypts), then the retired ones still accepted for reading during a rotation."""
    old = [k.encode() for k in getattr(settings, "FIELD_ENCRYPTION_OLD_KEYS", []) if k]
    return MultiFernet([_fernet_for(_master()), *(_fernet_for(k) for k in old)])


@cache
def _hash_key() -> bytes:
    return hmac.new(_master(), b"dangjian/search-hash", hashlib.sha256).digest()


def reset() -> None:
    """Forget the derived keys (after the key settings change: tests, the rotation command)."""
    _fernet.cache_clear()
    _hash_key.cache_clear()


def _on_setting_changed(setting, **kwargs):
    if setting in {"FIELD_ENCRYPTION_KEY", "FIELD_ENCRYPTION_OLD_KEYS", "SECRET_KEY"}:
        reset()


setting_changed.connect(_on_setting_changed)


def rotate(token: str) -> str:
    """The same value encrypted under the current key (decrypted with the current or any retired key)."""
    if not token:
        return ""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("personal data cannot be decrypted with the configured keys") from exc


def encrypted_fields():
    """(model, `<name>_encrypted` field name, `<name>_hash` field name or None) for every concrete model."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = {f.name for f in model._meta.concrete_fields}
        for name in sorted(names):
            if name.endswith(ENCRYPTED_SUFFIX):
                hash_name = name[: -len(ENCRYPTED_SUFFIX)] + HASH_SUFFIX
                found.append((model, name, hash_name if hash_name in names else None))
    return found


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
