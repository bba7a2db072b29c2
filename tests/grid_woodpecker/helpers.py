"""Builders for woodpecker tests, all through the services."""

import io
import re
from decimal import Decimal
from itertools import count

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from accounts.permissions import SYSTEM
from accounts.roles import Role
from cadres.validators import id_check_digit
from grid_woodpecker.models import ClueCategory, StationKind
from grid_woodpecker.services.signup import signup_send_code, woodpecker_register
from grid_woodpecker.services.stations import goods_create, station_create
from grid_woodpecker.services.woodpeckers import woodpecker_create
from tests.factories import user_with_role

_seq = count(1)


def id_number(birth="19900101", gender_digit=1) -> str:
    n = next(_seq)
    first17 = f"421081{birth}{n % 100:02d}{gender_digit}"
    return first17 + id_check_digit(first17)


def mobile() -> str:
    return f"139{next(_seq):08d}"


def category(unit, code="lights", name="路灯损坏", deadline_days=5, department=None):
    return ClueCategory.objects.create(
        unit=unit, code=code, name=name, deadline_days=deadline_days, default_department=department
    )


def woodpecker(grid, username=None, name="张啄木"):
    username = username or f"wp{next(_seq)}"
    return woodpecker_create(
        name=name,
        id_number=id_number(),
        mobile=mobile(),
        grid=grid,
        group="resident",
        actor=SYSTEM,
        username=username,
        password="Test-pass-2024",
    )


class MemorySms:
    """An SMS backend keeping the texts in memory (NOTIFICATION_SMS_BACKEND in `sms_backend` below)."""

    sent: list[tuple[str, str]] = []

    def send_text(self, phone, text):
        MemorySms.sent.append((phone, text))


def sms_backend():
    return override_settings(NOTIFICATION_SMS_BACKEND="tests.grid_woodpecker.helpers.MemorySms")


def last_code(phone: str) -> str:
    """The code of the last text sent to `phone` by MemorySms."""
    text = [text for number, text in MemorySms.sent if number == phone][-1]
    return re.search(r"(?<!\d)(\d{6})(?!\d)", text).group(1)


def signup(grid, *, phone=None, name="李四", password="Phone-pass-88", id_number="", group="resident"):
    """A woodpecker signed up by phone (pending confirmation), its SMS code read from MemorySms."""
    phone = phone or mobile()
    with sms_backend():
        signup_send_code(phone=phone)
    return woodpecker_register(
        phone=phone,
        code=last_code(phone),
        name=name,
        password=password,
        grid=grid,
        group=group,
        id_number=id_number,
    )


def png_upload(name="photo.png", size=(40, 30), exif_gps=False) -> SimpleUploadedFile:
    img = Image.new("RGB", size, (200, 30, 30))
    buf = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x8825] = {1: "N", 2: (30.0, 10.0, 5.0)}  # GPSInfo
        exif[0x010F] = "TestCam"  # Make
        img.save(buf, format="JPEG", exif=exif)
        return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")
    img.save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def station_with_goods(unit, price="5.00", stock=3, actor=SYSTEM):
    station = station_create(unit=unit, name="红色蜂巢驿站", kind=StationKind.RED_BEEHIVE, actor=actor)
    goods = goods_create(station=station, name="洗衣液", price_yuan=Decimal(price), stock=stock, actor=actor)
    return station, goods


def staff(county):
    """Grid worker of grid AC, secretary of community AC, a handler of the agency."""
    return {
        "gridworker": user_with_role(f"gw{next(_seq)}", Role.GRID_WORKER, county["grid_ac"]),
        "community": user_with_role(f"cs{next(_seq)}", Role.SECRETARY, county["community_a"]),
        "handler": user_with_role(f"hd{next(_seq)}", Role.DEPARTMENT_HANDLER, county["agency"]),
    }
