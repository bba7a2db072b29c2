"""A `file` field's upload: checked with the portal's existing intake, stored as a `ReportAttachment` of the answer,
and named in the answer's value ({"id", "name"}).

Accepted: a photo (JPEG, PNG, WebP, GIF), taken through the clue photos' intake (`grid_woodpecker.photos`: read by
Pillow, re-encoded without its metadata); a PDF (by its signature); an Excel workbook (.xlsx, .xls), opened by the
sheet imports' defensive reader (`core.sheets.formats`: size, zip bombs, encryption). Anything else is refused with
a Chinese message; the file's name is never trusted for its type."""

import logging
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from core.sheets.formats import SheetRefused, open_sheets
from grid_woodpecker.photos import clean_photo

from ..errors import ErrorCode
from ..models import Answer, ReportAttachment

logger = logging.getLogger(__name__)

MB = 1024 * 1024
MAX_ATTACHMENT_BYTES = 10 * MB
IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _refuse(message) -> ValidationError:
    return ValidationError(str(message), code=str(ErrorCode.BAD_ATTACHMENT))


def _is_image(data: bytes) -> bool:
    return data.startswith(IMAGE_SIGNATURES) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def _base_name(name: str, suffix: str) -> str:
    stem = Path(str(name or "").replace("\\", "/")).stem.strip()[:80] or _("attachment")
    return f"{stem}{suffix}"


def checked_file(upload) -> tuple[ContentFile, str, str]:
    """(content, the name to show, the content type) of an accepted upload; ValidationError otherwise."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_ATTACHMENT_BYTES:
        raise _refuse(_("A file may be at most %(mb)d MB.") % {"mb": MAX_ATTACHMENT_BYTES // MB})
    data = upload.read(MAX_ATTACHMENT_BYTES + 1)
    if not data:
        raise _refuse(_("The file is empty."))
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise _refuse(_("A file may be at most %(mb)d MB.") % {"mb": MAX_ATTACHMENT_BYTES // MB})
    name = getattr(upload, "name", "") or ""
    if _is_image(data):
        content, _width, _height = clean_photo(ContentFile(data))
        return content, _base_name(name, ".jpg"), "image/jpeg"
    if data.startswith(b"%PDF-"):
        return ContentFile(data), _base_name(name, ".pdf"), "application/pdf"
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        try:
            fmt, _encoding, _sheets = open_sheets(data)
        except SheetRefused as error:
            raise _refuse(str(error)) from None
        if fmt == "xlsx":
            return ContentFile(data), _base_name(name, ".xlsx"), XLSX
        return ContentFile(data), _base_name(name, ".xls"), "application/vnd.ms-excel"
    raise _refuse(_("Attach a photo (JPEG, PNG, WebP), a PDF or an Excel workbook."))


def attach(*, answer: Answer, upload, actor) -> dict:
    """Store `upload` for `answer` (inside the caller's transaction) and return the answer's new value; the files
    it replaces are deleted after commit."""
    content, name, content_type = checked_file(upload)
    old = list(answer.attachments.all())
    attachment = ReportAttachment(
        answer=answer,
        name=name,
        content_type=content_type,
        size=content.size,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    attachment.file.save(name, content, save=False)
    attachment.save()
    discard(old)
    return {"id": attachment.pk, "name": name}


def discard(attachments) -> None:
    """Delete the rows now and their files after commit (a rolled-back transaction keeps both)."""
    files = [item.file.name for item in attachments]
    storage = ReportAttachment._meta.get_field("file").storage
    ReportAttachment.objects.filter(pk__in=[item.pk for item in attachments]).delete()

    def remove():
        for path in files:
            try:
                storage.delete(path)
            except OSError:
                logger.warning("report attachment file %s could not be deleted", path)

    transaction.on_commit(remove)
