"""How an audit row reads on a record's page: its changes in Chinese ("目标值由 70 改为 75").

`core.audit.diff` stores each changed field as [old, new] strings (None for no value) and other facts as plain
values ({"count": 120}, {"source": "cadres"}); this module names each key by the field's verbose name (or a few
known keys) and shows each value as a user reads it: （空） for nothing, 是/否, a choice's label, a decimal without
trailing zeros, a date in the locale's format."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Keys written by services that are not fields of the record.
KEY_LABELS = {
    "count": _("number of records"),
    "source": _("data source"),
    "reason": _("reason"),
    "ip": _("IP address"),
    "user_agent": _("browser"),
    "bulk": _("in bulk"),
    "file": _("file"),
    "people": _("number of people"),
    "members": _("number of party members"),
    "added": _("number added"),
    "rules": _("number of rules"),
}
# Codes stored as values, by (key, code): filled by the apps that write them (accounts: a failed login's reason).
VALUE_LABELS: dict[tuple[str, str], object] = {}
# Keys that repeat what the row already shows ("by": "system" is the actor column's 系统).
HIDDEN_KEYS = {"by"}

DECIMAL = re.compile(r"^-?\d+\.\d+$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def key_label(model, key: str) -> str:
    field = _field(model, key)
    if field is not None and getattr(field, "verbose_name", None):
        return str(field.verbose_name)
    return str(KEY_LABELS.get(key, key))


def show_value(field, value) -> str:
    """One stored value as a user reads it."""
    if value is None or value in ("", []):
        return gettext("(empty)")
    if isinstance(value, list | tuple):
        return "、".join(show_value(field, v) for v in value)
    if isinstance(value, dict):
        return "、".join(f"{k}={show_value(None, v)}" for k, v in value.items())
    if field is not None and field.flatchoices:
        labels = {str(key): label for key, label in field.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(value, bool) or (
        value in ("True", "False") and (field is None or isinstance(field, models.BooleanField))
    ):
        return gettext("yes") if value in (True, "True") else gettext("no")
    text = str(value)
    if DECIMAL.match(text):
        try:
            return format(Decimal(text).normalize(), "f")
        except InvalidOperation:
            return text
    if ISO_DATE.match(text):
        try:
            return date_format(date.fromisoformat(text), "DATE_FORMAT")
        except ValueError:
            return text
    return text


def _coded(key: str, stored):
    """A code stored as a value, by its label where its app gave one (VALUE_LABELS)."""
    return VALUE_LABELS.get((key, stored), stored) if isinstance(stored, str) else stored


def change_lines(object_type: str, changes: dict) -> list[str]:
    """The lines of an audit row's changes: "目标值由 70 改为 75", "数据来源：cadres"."""
    model = _model(object_type)
    lines = []
    for key, stored in (changes or {}).items():
        if key in HIDDEN_KEYS:
            continue
        field = _field(model, key)
        label = key_label(model, key)
        value = _coded(key, stored)
        if isinstance(value, list):
            value = [_coded(key, item) for item in value]
        if isinstance(value, list) and len(value) == 2:
            old, new = show_value(field, value[0]), show_value(field, value[1])
            if old == new:  # None → "": nothing a user would call a change
                continue
            line = gettext("%(field)s changed from %(old)s to %(new)s") % {"field": label, "old": old, "new": new}
        else:
            line = gettext("%(field)s: %(value)s") % {"field": label, "value": show_value(field, value)}
        # No space beside a full-width bracket: "由（空）改为 75".
        lines.append(re.sub(r" ?(（[^）]*）) ?", r"\1", line))
    return lines
