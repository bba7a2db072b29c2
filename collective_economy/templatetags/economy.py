"""Money in pages: yuan with thousands separators, from Decimals (never through floats)."""

from decimal import Decimal, InvalidOperation

from django import template

from accounts.permissions import APPROVE, units_for

from ..models import IncomeReport

register = template.Library()


def _decimal(value):
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def yuan(value):
    """12345.6 → "12,345.60"; None → "—"."""
    number = _decimal(value)
    return "—" if number is None else f"{number.quantize(Decimal('0.01')):,}"


@register.filter
def yuan_int(value):
    """200000.00 → "200,000"."""
    number = _decimal(value)
    return "—" if number is None else f"{number.quantize(Decimal('1')):,}"


@register.filter
def yuan_or_text(value):
    """Amounts as yuan, anything else as it is."""
    return yuan(value) if isinstance(value, Decimal) else value


@register.filter
def reviews_reports(user) -> bool:
    """`user|reviews_reports`: whether the user approves income reports anywhere (the review queue, the import,
    the rewards), asked through accounts.permissions like the pages behind the links."""
    return bool(units_for(user, IncomeReport, APPROVE))
