"""Photos cleared for the public (Open311 `media_url`): staff confirm a clue's photo shows no face and no personal
information; a copy is re-encoded without any metadata (EXIF, GPS), its orientation applied first, and served without
login at an unguessable address (`views.public_photo`). Withdrawing deletes the copy and the address."""

import io
import logging
import secrets

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from accounts.permissions import TRIAGE, require
from core import audit
from core.errors import Conflict, Invalid

from ..errors import ErrorCode
from ..models import Clue, CluePhoto
from .common import by_user

logger = logging.getLogger(__name__)


def public_copy(data: bytes) -> bytes:
    """`data` re-encoded as a JPEG that carries no metadata: the orientation applied, then the pixels only."""
    with Image.open(io.BytesIO(data)) as opened:
        opened.load()
        img = ImageOps.exif_transpose(opened)
        if img.mode not in ("RGB", "L"):
            img = img.convert("RGB")
        clean = Image.new(img.mode, img.size)  # a new image: nothing of the original's info dict comes along
        clean.paste(img)
        out = io.BytesIO()
        clean.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def _locked_photo(clue: Clue, photo: CluePhoto, actor) -> CluePhoto:
    require(actor, TRIAGE, clue, _("Only staff of this grid or community may do this."))
    return CluePhoto.objects.select_for_update().get(pk=photo.pk, clue=clue)


@transaction.atomic
def clue_photo_clear(*, clue: Clue, photo: CluePhoto, confirmed: bool, actor) -> CluePhoto:
    """Clear one of the clue's photos for the public, once staff confirm it shows no face or personal information."""
    photo = _locked_photo(clue, photo, actor)
    if not confirmed:
        raise Invalid(
            _("Confirm that the photo shows no face and no personal information."),
            code=ErrorCode.PHOTO_NOT_CLEARED,
            field="confirmed",
        )
    if photo.public_token:
        raise Conflict(_("This photo is already public."), code=ErrorCode.PHOTO_ALREADY_PUBLIC)
    with photo.image.open("rb") as source:
        data = public_copy(source.read())
    photo.public_image.save("public.jpg", ContentFile(data), save=False)
    photo.public_token = secrets.token_urlsafe(32)
    photo.cleared_by, photo.cleared_at = by_user(actor), timezone.now()
    photo.save(update_fields=["public_image", "public_token", "cleared_by", "cleared_at"])
    audit.record(actor=actor, action="clue_photo.clear", obj=photo, unit=clue.grid)
    return photo


@transaction.atomic
def clue_photo_withdraw(*, clue: Clue, photo: CluePhoto, actor) -> CluePhoto:
    """Take a photo back from the public: its address stops answering and its copy is deleted after commit."""
    photo = _locked_photo(clue, photo, actor)
    if not photo.public_token:
        raise Conflict(_("This photo is not public."), code=ErrorCode.PHOTO_NOT_PUBLIC)
    name, storage = photo.public_image.name, photo.public_image.storage
    photo.public_token, photo.public_image, photo.cleared_by, photo.cleared_at = None, "", None, None
    photo.save(update_fields=["public_image", "public_token", "cleared_by", "cleared_at"])
    audit.record(actor=actor, action="clue_photo.withdraw", obj=photo, unit=clue.grid)
    transaction.on_commit(lambda: _delete(storage, name))
    return photo


def _delete(storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:
        logger.warning("public photo copy could not be deleted: %s", name)
