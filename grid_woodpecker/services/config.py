"""Configuration of the woodpecker scheme: clue categories with their deadlines and default departments, and
the abuse list (logins barred from filing clues)."""

import logging
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import (
    CHANGE,
    can_at,
    require,
    require_at,
)
from core import audit
from core.errors import Invalid
from core.services import update_fields

from ..attributes import check_definition
from ..errors import ErrorCode
from ..models import (
    AbuseListEntry,
    ClueCategory,
)
from .common import by_user, check_department

logger = logging.getLogger(__name__)


def _check_category_units(actor, unit, department) -> None:
    """Every unit a category refers to lies inside the writer's scope: its unit (403 outside) and its default
    department (a field error: it is the input that is wrong), which must also serve the category's area."""
    require_at(actor, CHANGE, ClueCategory, unit, _("You may not configure this unit."))
    if department is None:
        return
    check_department(department, unit, "default_department")
    if not can_at(actor, CHANGE, ClueCategory, department):
        raise Invalid(
            _("This department lies outside your jurisdiction; choose one of your own."),
            code=ErrorCode.DEPARTMENT_OUTSIDE_JURISDICTION,
            field="default_department",
        )


@transaction.atomic
def category_create(*, unit, code: str, name: str, deadline_days: int, actor, default_department=None, attributes=None):
    """Add a clue category to a city (or any unit) with its deadline in days and its questions (Open311 service
    attributes, grid_woodpecker.attributes)."""
    _check_category_units(actor, unit, default_department)
    category = ClueCategory(
        unit=unit,
        code=code,
        name=(name or "").strip(),
        deadline_days=deadline_days,
        default_department=default_department,
        attributes=check_definition(attributes),
    )
    category.full_clean()
    category.save()
    audit.record(actor=actor, action="clue_category.create", obj=category, unit=unit)
    return category


@transaction.atomic
def category_update(*, category: ClueCategory, actor, **fields) -> ClueCategory:
    """Rename a category, change its deadline, default department or questions, or retire it (is_active)."""
    require(actor, CHANGE, category, _("You may not configure this unit."))
    if "attributes" in fields:
        fields = {**fields, "attributes": check_definition(fields["attributes"])}

    def check(locked):
        if "default_department" in fields:
            _check_category_units(actor, locked.unit, locked.default_department)

    category, _changes = update_fields(
        category,
        actor=actor,
        fields=fields,
        allowed=("name", "deadline_days", "default_department", "is_active", "attributes"),
        audit_action="clue_category.update",
        related=("unit",),
        check=check,
    )
    return category


@transaction.atomic
def abuse_list_add(*, user, unit, reason: str, actor, until: datetime | None = None) -> AbuseListEntry:
    """Bar a login from filing clues in a unit (flooding, malicious reports), until a date or until removed."""
    require_at(actor, CHANGE, AbuseListEntry, unit, _("You may not bar users outside your jurisdiction."))
    if not (reason or "").strip():
        raise Invalid(_("Give a reason."), code=ErrorCode.NOTE_REQUIRED, field="reason")
    entry = AbuseListEntry.objects.create(
        user=user, unit=unit, reason=reason.strip(), until=until, created_by=by_user(actor)
    )
    audit.record(actor=actor, action="abuse_list.add", obj=entry, unit=unit)
    return entry


@transaction.atomic
def abuse_list_remove(*, entry: AbuseListEntry, actor) -> None:
    """Lift a bar on filing clues."""
    require(actor, CHANGE, entry, _("You may not change this entry."))
    audit.record(actor=actor, action="abuse_list.remove", obj=entry, unit=entry.unit)
    entry.delete()
