"""Money in pages: yuan with thousands separators, from Decimals (never through floats)."""

from decimal import Decimal, InvalidOperation

from django import template

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
def has_any_role(user, roles: str) -> bool:
    """`user|has_any_role:"org_department,township_staff"`: to hide links a role cannot use."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(*roles.split(","))
