"""The masking rule: no notification or message carries an ID number or a full phone number."""

import re

from core import crypto

# An 18-digit resident ID (last character may be X), or a 15-digit old one; a mainland mobile number.
_ID_NUMBER = re.compile(r"(?<![0-9])(\d{17}[0-9Xx]|\d{15})(?![0-9Xx])")
_MOBILE = re.compile(r"(?<![0-9])(1[3-9]\d)(\d{4})(\d{4})(?![0-9])")


def mask_phone(number: str) -> str:
    """138****0000."""
    number = (number or "").strip()
    if len(number) < 8:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def scrub(text: str) -> str:
    """The text with every ID number cut to its region code and every mobile number masked."""
    if not text:
        return ""
    text = _ID_NUMBER.sub(lambda m: crypto.mask(m.group(0), 3, 4), text)
    return _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


def carries_personal_number(text: str) -> bool:
    return bool(_ID_NUMBER.search(text or "") or _MOBILE.search(text or ""))
