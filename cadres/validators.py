"""Validation of resident ID numbers (GB 11643-1999) and mobile phone numbers."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import ErrorCode

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def id_check_digit(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def parse_resident_id(value: str) -> tuple[str, date, str]:
    """Normalize and check an 18-digit resident ID; return (normalized, birth date, gender "M"/"F")."""
    number = (value or "").strip().upper()
    if not _ID_RE.match(number):
        raise ValidationError(
            _("A resident ID number has 17 digits followed by a digit or X."), code=ErrorCode.ID_NUMBER_FORMAT
        )
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("The birth date inside this ID number does not exist."), code=ErrorCode.ID_NUMBER_BIRTH_DATE
        )
    if birth > timezone.localdate() or birth.year < 1900:
        raise ValidationError(
            _("The birth date inside this ID number is not plausible."), code=ErrorCode.ID_NUMBER_BIRTH_DATE
        )
    if id_check_digit(number[:17]) != number[17]:
        raise ValidationError(
            _("The check digit of this ID number is wrong; please check it."), code=ErrorCode.ID_NUMBER_CHECK_DIGIT
        )
    gender = "M" if int(number[16]) % 2 else "F"
    return number, birth, gender


def validate_resident_id(value: str) -> None:
    parse_resident_id(value)


def normalize_mobile(value: str) -> str:
    number = re.sub(r"[\s-]", "", value or "")
    if number.startswith("+86"):
        number = number[3:]
    if not _MOBILE_RE.match(number):
        raise ValidationError(
            _("Enter an 11-digit mainland mobile number starting with 1."), code=ErrorCode.MOBILE_FORMAT
        )
    return number
