"""A raw answer (from a form post or JSON) made the typed value stored for its field, or a ValidationError."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..models import ColumnKind, FieldKind, FormField

_COLUMN_CODE = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
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


MAX_ROWS = 200
MAX_COLUMNS = 20
CELL_CLEANERS = {
    ColumnKind.INTEGER: _integer,
    ColumnKind.DECIMAL: _decimal,
    ColumnKind.DATE: _date,
    ColumnKind.TEXT: lambda raw: str(raw).strip()[:500],
}


def _blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _table(field: FormField, raw) -> list[dict] | None:
    """A list of rows ({column code: value}): blank rows dropped, every cell cleaned by its column's kind, each
    error naming its row and column; at most MAX_ROWS rows."""
    if not isinstance(raw, list) or not all(isinstance(row, dict) for row in raw):
        raise ValidationError(_("A table answer is a list of rows."))
    columns = {column["code"]: column for column in field.columns}
    rows = [row for row in raw if not all(_blank(value) for value in row.values())]
    if len(rows) > MAX_ROWS:
        raise ValidationError(_("A table may have at most %(n)d rows.") % {"n": MAX_ROWS})
    cleaned, errors = [], []
    for number, row in enumerate(rows, start=1):
        out = {}
        for code in row:
            if code not in columns:
                errors.append(_("Row %(row)d: the table has no column %(column)s.") % {"row": number, "column": code})
        for code, column in columns.items():
            value = row.get(code)
            if _blank(value):
                out[code] = None
                continue
            try:
                out[code] = CELL_CLEANERS[ColumnKind(column["kind"])](value)
            except ValidationError as error:
                params = {"row": number, "column": column["label"], "message": " ".join(error.messages)}
                errors.append(_("Row %(row)d, column “%(column)s”: %(message)s") % params)
        cleaned.append(out)
    if errors:
        raise ValidationError(errors)
    return cleaned or None


def clean_columns(raw) -> list[dict]:
    """A table field's columns from the builder: a list of {code, label, kind}, or text with one column a line,
    `code|label|kind` (the kind as its code or its Chinese name); refused with a message naming the line."""
    names = {str(label): value for value, label in ColumnKind.choices}
    if isinstance(raw, str):
        raw = [
            dict(zip(("code", "label", "kind"), (part.strip() for part in line.split("|")), strict=False))
            for line in raw.splitlines()
            if line.strip()
        ]
    if not isinstance(raw, list) or not raw:
        raise ValidationError(_("A table field needs at least one column."))
    if len(raw) > MAX_COLUMNS:
        raise ValidationError(_("A table may have at most %(n)d columns.") % {"n": MAX_COLUMNS})
    columns, seen = [], set()
    for number, item in enumerate(raw, start=1):
        entry = item if isinstance(item, dict) else {}
        code, label = str(entry.get("code") or "").strip(), str(entry.get("label") or "").strip()
        kind = str(entry.get("kind") or "").strip()
        kind = names.get(kind, kind)
        if (
            not _COLUMN_CODE.fullmatch(code)
            or code in seen
            or not label
            or len(label) > 50
            or kind not in ColumnKind.values
        ):
            raise ValidationError(
                _(
                    "Column %(n)d: write code|label|kind, with a unique code of lower-case letters, digits and _, "
                    "and a kind among integer, decimal, text, date."
                )
                % {"n": number}
            )
        seen.add(code)
        columns.append({"code": code, "label": label, "kind": kind})
    return columns


def clean_value(field: FormField, raw):
    """The stored value: int, a decimal string with two places, text, a choice, a list of choices, an ISO date, a
    bool or a table's rows; None for an empty answer. A file field's value is set by its upload
    (`attachments.attach`), never typed: only an empty answer (remove the file) is accepted here."""
    if raw is None or raw in ("", []):
        return None
    kind = field.kind
    if kind == FieldKind.TABLE:
        return _table(field, raw)
    if kind == FieldKind.FILE:
        raise ValidationError(_("Upload the file on the report's page."))
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
