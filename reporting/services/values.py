"""A raw answer (from a form post or JSON) made the typed value stored for its field, or a ValidationError."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..models import FieldKind, FormField

TRUE = {"1", "true", "yes", "on", "是"}
FALSE = {"0", "false", "no", "off", "否"}


def _integer(raw):
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value != value.to_integral_value() or abs(value) > 10**12:
        raise ValidationError(_("Enter a whole number."))
    return int(value)


def _decimal(raw):
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValidationError(_("Enter a number.")) from None
    if not value.is_finite() or abs(value) > 10**14:
        raise ValidationError(_("Enter a number."))
    return str(value.quantize(Decimal("0.01")))


def _date(raw):
    try:
        return date.fromisoformat(str(raw).strip()).isoformat()
    except ValueError:
        raise ValidationError(_("Enter a date as YYYY-MM-DD.")) from None


def _yes_no(raw):
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in TRUE or text in FALSE:
        return text in TRUE
    raise ValidationError(_("Answer yes or no."))


def clean_value(field: FormField, raw):
    """The stored value: int, a decimal string with two places, text, a choice, a list of choices, an ISO date or a
    bool; None for an empty answer."""
    if raw is None or raw in ("", []):
        return None
    kind = field.kind
    if kind == FieldKind.INTEGER:
        return _integer(raw)
    if kind == FieldKind.DECIMAL:
        return _decimal(raw)
    if kind == FieldKind.DATE:
        return _date(raw)
    if kind == FieldKind.YES_NO:
        return _yes_no(raw)
    if kind == FieldKind.CHOICE:
        if str(raw) not in field.choices:
            raise ValidationError(_("Choose one of the choices."))
        return str(raw)
    if kind == FieldKind.MULTIPLE:
        chosen = [str(item) for item in (raw if isinstance(raw, list) else [raw])]
        if not set(chosen) <= set(field.choices):
            raise ValidationError(_("Choose among the choices."))
        return [choice for choice in field.choices if choice in chosen]
    return str(raw)[:2000]
