"""Helpers every woodpecker service shares: the actor as a "by" column, the units a change touches, the grid
and department checks. A record's plain fields change through `core.services.update_fields`."""

import logging

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import (
    SYSTEM,
)
from core import events
from core.errors import ErrorCode as CoreCode
from core.errors import Invalid
from organizations.models import UnitKind

from ..errors import ErrorCode
from ..models import (
    ClueCategory,
)

logger = logging.getLogger(__name__)

SOURCE = "grid_woodpecker"


def units_of(grid) -> list[int]:
    """The grid and its community/village: the units whose yearly woodpecker figures a change touches."""
    return [grid.pk, grid.parent_id]


def announce(grid, when=None) -> None:
    events.records_changed(source=SOURCE, unit_ids=units_of(grid), year=(when or timezone.now()).year)


def by_user(actor):
    """The User to store in a "by" column: None for the SYSTEM actor (the audit trail records it as the system)."""
    return actor if isinstance(actor, User) else None


def require_system(actor) -> None:
    """The jobs (cards, auto close, expiry) act as the system only: the explicit SYSTEM actor, never None."""
    if actor is not SYSTEM:
        raise PermissionDenied(_("Only the system's scheduled jobs may do this."))


# The kinds of unit a clue can be dispatched to, and a category routed to by default.
DEPARTMENT_KINDS = (UnitKind.AGENCY, UnitKind.TOWNSHIP, UnitKind.STREET)


def serves_area(department, unit) -> bool:
    """Whether `department` serves the area of `unit`: one of the area's own townships or streets, or an agency
    attached to the area or to a unit above it (a municipal bureau, a township's office) — never a department of a
    sibling township. Read from materialized paths, no query."""
    lineage = lineage_ids(unit)
    if department.kind == UnitKind.AGENCY:
        return department.parent_id in lineage
    return department.pk in lineage


def check_department(department, unit, field: str) -> None:
    if department is None or department.kind not in DEPARTMENT_KINDS:
        raise Invalid(
            _("Choose a department (a municipal agency or a township)."),
            code=ErrorCode.DEPARTMENT_REQUIRED,
            field=field,
        )
    if not serves_area(department, unit):
        raise Invalid(
            _("This department does not serve this area; choose one of its own."),
            code=ErrorCode.DEPARTMENT_NOT_SERVING,
            field=field,
        )


def lineage_ids(unit) -> list[int]:
    """The ids of a unit and all its ancestors, read from its materialized path (no query)."""
    return [int(segment) for segment in unit.path.split(".") if segment]


def categories_for(grid) -> list[ClueCategory]:
    """The active categories configured for the grid's city (or any unit above the grid)."""
    return list(ClueCategory.objects.filter(unit_id__in=lineage_ids(grid), is_active=True).order_by("name"))


def validate_grid(grid) -> None:
    if grid is None or grid.kind != UnitKind.GRID:
        raise Invalid(_("Choose a grid."), code=CoreCode.REQUIRED, field="grid")
