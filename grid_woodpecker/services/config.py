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
from core.errors import Conflict, Invalid
from core.errors import ErrorCode as CoreCode
from core.services import update_fields

from ..attributes import MAX_ATTRIBUTES, check_definition
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


# --- a category's questions, one at a time (the category page's editor) --------------------------------------------

# What a question's editor sets; `variable` is kept as stored (true for a new question).
QUESTION_FIELDS = ("code", "description", "datatype", "required", "order", "datatype_description", "values")


def _questions_change(category: ClueCategory, actor, change) -> ClueCategory:
    """Apply `change(questions) -> questions` to the category's questions as they stand under the row's lock, check
    the result (grid_woodpecker.attributes) and save it, audited as any change of the category."""
    require(actor, CHANGE, category, _("You may not configure this unit."))

    def check(locked):
        locked.attributes = check_definition(change(check_definition(locked.attributes)))

    category, _changes = update_fields(
        category,
        actor=actor,
        fields={},
        allowed=("attributes",),
        audit_action="clue_category.update",
        related=("unit",),
        check=check,
    )
    return category


def _find(questions: list[dict], code: str) -> dict:
    for question in questions:
        if question["code"] == code:
            return question
    raise Conflict(
        _("The category has no question with the code %(code)s any more; it was changed meanwhile.") % {"code": code},
        code=ErrorCode.QUESTION_GONE,
    )


@transaction.atomic
def category_question_save(*, category: ClueCategory, actor, question: dict, code: str | None = None):
    """Add a question to the category (`code` None) or replace its question `code` (the code itself may change).
    `question` holds QUESTION_FIELDS; a code another question has is refused on the field `code`."""

    def change(questions):
        old = _find(questions, code) if code is not None else None
        others = [q for q in questions if q is not old]
        new_code = str(question.get("code", ""))
        if any(q["code"] == new_code for q in others):
            raise Invalid(
                _("The category already has a question with the code %(code)s.") % {"code": new_code},
                code=ErrorCode.ATTRIBUTES_INVALID,
                field="code",
            )
        if old is None and len(others) >= MAX_ATTRIBUTES:
            raise Invalid(
                _("A category has at most %(n)d questions.") % {"n": MAX_ATTRIBUTES},
                code=ErrorCode.ATTRIBUTES_INVALID,
            )
        new = {name: question[name] for name in QUESTION_FIELDS if name in question}
        return [*others, {**new, "variable": old["variable"] if old else True}]

    return _questions_change(category, actor, change)


@transaction.atomic
def category_question_delete(*, category: ClueCategory, actor, code: str):
    """Delete the category's question `code` (clues keep the answers they gave)."""

    def change(questions):
        gone = _find(questions, code)
        return [q for q in questions if q is not gone]

    return _questions_change(category, actor, change)


@transaction.atomic
def category_question_move(*, category: ClueCategory, actor, code: str, direction: str):
    """Move the question `code` one place up or down; the questions are numbered 1, 2, 3… in their new order."""
    if direction not in ("up", "down"):
        raise Invalid(_("Move up or down."), code=CoreCode.INVALID_CHOICE, field="direction")

    def change(questions):
        index = questions.index(_find(questions, code))
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(questions):
            questions[index], questions[other] = questions[other], questions[index]
        return [{**q, "order": n} for n, q in enumerate(questions, start=1)]

    return _questions_change(category, actor, change)


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
