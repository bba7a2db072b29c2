"""Photo intake: real images only, size-limited, metadata stripped before anyone sees them."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from grid_woodpecker import photos
from grid_woodpecker.models import Clue
from grid_woodpecker.services.clues import clue_submit
from tests.grid_woodpecker import helpers

pytestmark = pytest.mark.django_db


def test_renamed_text_file_is_refused_and_no_clue_is_filed(wp_world):
    fake = SimpleUploadedFile("photo.jpg", b"this is not a picture at all", content_type="image/jpeg")
    with pytest.raises(ValidationError) as err:
        clue_submit(
            actor=wp_world["wp_user"],
            category=wp_world["category"],
            description="路灯坏了请修理",
            photos=[fake],
            check_limits=False,
        )
    assert "照片" in err.value.messages[0]
    assert Clue.objects.count() == 0


def test_oversized_file_is_refused(monkeypatch):
    monkeypatch.setattr(photos, "MAX_PHOTO_BYTES", 100)
    with pytest.raises(ValidationError) as err:
        photos.clean_photo(helpers.png_upload(size=(200, 200)))
    assert err.value.code == "too_large"


def test_gps_exif_is_stripped_from_stored_photo(wp_world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = helpers.png_upload("p.jpg", exif_gps=True)
    assert Image.open(io.BytesIO(upload.read())).getexif().get(0x8825)
    upload.seek(0)
    clue = clue_submit(
        actor=wp_world["wp_user"],
        category=wp_world["category"],
        description="路灯坏了请修理",
        photos=[upload],
        check_limits=False,
    )
    photo = clue.photos.get()
    with Image.open(photo.image.path) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif()
        assert "exif" not in stored.info
    assert str(tmp_path) in photo.image.path


def test_too_many_photos_refused(wp_world):
    with pytest.raises(ValidationError) as err:
        clue_submit(
            actor=wp_world["wp_user"],
            category=wp_world["category"],
            description="路灯坏了请修理",
            photos=[helpers.png_upload() for _ in range(5)],
            check_limits=False,
        )
    assert "photos" in err.value.message_dict
