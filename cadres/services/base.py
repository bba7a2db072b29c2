"""What the cadres services share: the permission shorthands, the SYSTEM-aware "by" user, the change event."""

import logging
from datetime import date

from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import CHANGE, require, require_at
from core import events

logger = logging.getLogger("cadres.services")


def _user(actor):
    """The User to store in a "by" column: None for the SYSTEM actor (the audit trail records it as the system)."""
    return actor if isinstance(actor, User) else None


def _require_write(actor, model, unit, message=None):
    """`require_at(actor, CHANGE, model, unit)` with this app's message: a new record, or one side of a record
    that lies between two units (a member's home unit, a transfer's sending or receiving side)."""
    require_at(actor, CHANGE, model, unit, message or _("You may not change records of this unit."))


def _require_change(actor, obj, message=None):
    require(actor, CHANGE, obj, message or _("You may not change records of this unit."))


def _require_bulk(actor, model, rows: list[dict], key: str = "unit") -> None:
    """Bulk loads (the demo, validated imports): every unit the rows refer to lies inside the writer's scope."""
    units = {}
    for row in rows:
        unit = row[key].unit if key == "post" else row[key]
        units[unit.pk] = unit
    require_at(actor, CHANGE, model, list(units.values()), _("You may not change records of this unit."))


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _changed(unit_ids, day: date | None):
    events.records_changed(source="cadres", unit_ids=unit_ids, year=day.year if day else None)
