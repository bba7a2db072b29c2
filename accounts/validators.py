"""Password rules beyond Django's own validators (settings.AUTH_PASSWORD_VALIDATORS)."""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .auth import is_staff_account
from .errors import ErrorCode


class StaffPasswordComplexityValidator:
    """Staff accounts (organization department, township, back office): at least `min_length` characters from at
    least `min_classes` of the four classes upper case, lower case, digit and symbol. Other accounts (secretaries,
    woodpeckers…) keep Django's rules only.

    A validator class of its own: Django has length and common-password rules but no character-class rule."""

    def __init__(self, min_length: int = 10, min_classes: int = 3):
        self.min_length = min_length
        self.min_classes = min_classes

    @staticmethod
    def classes(password: str) -> int:
        tests = (
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or not c.isalnum() for c in password),
        )
        return sum(tests)

    def validate(self, password, user=None):
        if not is_staff_account(user):
            return
        errors = []
        if len(password) < self.min_length:
            errors.append(
                ValidationError(
                    _("A staff password must contain at least %(min_length)d characters."),
                    code=ErrorCode.STAFF_PASSWORD_TOO_SHORT,
                    params={"min_length": self.min_length},
                )
            )
        if self.classes(password) < self.min_classes:
            errors.append(
                ValidationError(
                    _(
                        "A staff password must mix at least %(min_classes)d of: upper-case letters, lower-case "
                        "letters, digits and symbols."
                    ),
                    code=ErrorCode.STAFF_PASSWORD_TOO_SIMPLE,
                    params={"min_classes": self.min_classes},
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return _(
            "Staff passwords: at least %(min_length)d characters, mixing at least %(min_classes)d of upper-case "
            "letters, lower-case letters, digits and symbols."
        ) % {"min_length": self.min_length, "min_classes": self.min_classes}
