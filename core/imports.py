"""Uploaded sheets held between an import's dry run and its confirmation, as files on disk, never in the session.

A sheet of members or woodpeckers carries ID numbers and phones. Between the check (dry run) and the confirmation
it is kept as a file under `IMPORT_UPLOAD_ROOT/<uploader's id>/` (outside MEDIA_ROOT, so never served), named by
the import's kind and a random 256-bit token. The session and the confirmation form carry only that opaque token:
another user (another directory) or another import kind cannot confirm it, and a guessed token finds nothing.
The file is deleted after a successful confirmation, and the beat job `core.purge_import_uploads` deletes the ones
left behind after `IMPORT_UPLOAD_MAX_AGE_HOURS`.
"""

import logging
import os
import re
import secrets
import time
from pathlib import Path

from django.conf import settings

# The uploader's id and the import kind only: never the token, a file's content or a person's data (core/logs.py).
logger = logging.getLogger(__name__)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)
_KIND = re.compile(r"^[a-z0-9_]{1,40}$")
FORMATS = ("csv", "xlsx", "xls")


def _root() -> Path:
    return Path(settings.IMPORT_UPLOAD_ROOT)


def _user_dir(user) -> Path:
    if not getattr(user, "pk", None):
        raise ValueError("an upload belongs to a saved user")
    return _root() / str(int(user.pk))


def _path(user, kind: str, token: str, fmt: str) -> Path | None:
    if not (_KIND.match(kind or "") and _TOKEN.match(token or "") and fmt in FORMATS):
        return None
    return _user_dir(user) / f"{kind}--{token}.{fmt}"


def format_of(name: str) -> str:
    """'csv' for a .csv upload, 'xls' for an .xls one, 'xlsx' for anything else (read as a workbook)."""
    lowered = (name or "").lower()
    if lowered.endswith(".csv"):
        return "csv"
    return "xls" if lowered.endswith(".xls") else "xlsx"


def store(*, user, kind: str, name: str, content: bytes) -> str:
    """Keep `content` for `user`'s `kind` import; return the opaque token that names it."""
    token = secrets.token_urlsafe(32)
    path = _path(user, kind, token, format_of(name))
    if path is None:
        raise ValueError(f"bad import kind {kind!r}")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # O_EXCL: a token is never reused; 0600: only the server's user reads the sheet.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(content)
    return token


def _find(user, kind: str, token: str) -> Path | None:
    for fmt in FORMATS:
        path = _path(user, kind, token, fmt)
        if path is not None and path.is_file():
            return path
    return None


def load(*, user, kind: str, token: str) -> tuple[str, bytes] | None:
    """(file name with its format's extension, content) of `user`'s upload, or None when there is none (expired,
    confirmed already, someone else's, or a made-up token)."""
    path = _find(user, kind, token)
    if path is None:
        return None
    return f"upload.{path.suffix.lstrip('.')}", path.read_bytes()


def discard(*, user, kind: str, token: str) -> None:
    path = _find(user, kind, token)
    if path is not None:
        path.unlink(missing_ok=True)


def purge_expired(*, max_age_hours: float | None = None) -> int:
    """Delete the uploads older than `max_age_hours` (default IMPORT_UPLOAD_MAX_AGE_HOURS); return how many."""
    hours = settings.IMPORT_UPLOAD_MAX_AGE_HOURS if max_age_hours is None else max_age_hours
    limit = time.time() - hours * 3600
    root = _root()
    if not root.is_dir():
        return 0
    removed = 0
    for path in root.glob("*/*--*.*"):
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # confirmed (and deleted) meanwhile
            continue
        except OSError as exc:
            # A sheet holding ID numbers stays on disk: the operators must know, and the other files are still purged.
            logger.error(
                "expired import upload not deleted: user directory %s, kind %s: %s",
                path.parent.name,
                path.name.split("--")[0],
                exc.strerror,
            )
    return removed
