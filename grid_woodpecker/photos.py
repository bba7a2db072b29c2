"""Photo intake: a photo is accepted only if Pillow reads it as a real image, and it is re-encoded (dropping EXIF,
GPS and every other metadata) before it is stored, so nobody else ever sees the original file."""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import ErrorCode

MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTOS = 4
MAX_PIXELS = 40_000_000
MAX_EDGE = 2048
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}


def clean_photo(upload) -> tuple[ContentFile, int, int]:
    """Check one uploaded file and return it re-encoded as a metadata-free JPEG, with its width and height."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_PHOTO_BYTES:
        raise ValidationError(
            _("A photo may be at most %(mb)d MB.") % {"mb": MAX_PHOTO_BYTES // (1024 * 1024)}, code=ErrorCode.TOO_LARGE
        )
    data = upload.read() if hasattr(upload, "read") else bytes(upload)
    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationError(
            _("A photo may be at most %(mb)d MB.") % {"mb": MAX_PHOTO_BYTES // (1024 * 1024)}, code=ErrorCode.TOO_LARGE
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("This photo has too many pixels."), code=ErrorCode.TOO_LARGE)
            probe.verify()
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            img = ImageOps.exif_transpose(opened)  # keep the orientation the camera meant, then drop the EXIF
            if img.mode not in ("RGB", "L"):
                img = img.convert("RGB")
            img.thumbnail((MAX_EDGE, MAX_EDGE))
            out = io.BytesIO()
            img.save(out, format="JPEG", quality=85, optimize=True)  # no exif= argument: no metadata is written
            width, height = img.size
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("This file is not a photo we can read (JPEG, PNG or WebP)."), code=ErrorCode.INVALID_IMAGE
        )
    if fmt not in ALLOWED_FORMATS:
        raise ValidationError(
            _("This file is not a photo we can read (JPEG, PNG or WebP)."), code=ErrorCode.INVALID_IMAGE
        )
    return ContentFile(out.getvalue(), name="photo.jpg"), width, height
