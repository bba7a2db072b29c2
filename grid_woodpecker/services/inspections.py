"""挑刺找茬 inspection tasks: a community posts one for a grid and a period; the grid's woodpeckers take it."""

import logging
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import (
    CHANGE,
    can,
    require_at,
)
from core import audit
from core.errors import Conflict, Invalid

from ..errors import ErrorCode
from ..models import (
    TAKE,
    InspectionTask,
    Woodpecker,
    WoodpeckerStatus,
)
from .common import by_user, validate_grid

logger = logging.getLogger(__name__)


@transaction.atomic
def task_create(*, grid, title: str, starts_on: date, ends_on: date, actor, description: str = "") -> InspectionTask:
    """A community posts a 挑刺找茬 inspection task for one of its grids and a period."""
    validate_grid(grid)
    require_at(actor, CHANGE, InspectionTask, grid, _("You may not post tasks outside your jurisdiction."))
    if by_user(actor) is None:
        raise PermissionDenied(_("A task is posted by a person of the community."))
    task = InspectionTask(
        grid=grid,
        title=(title or "").strip(),
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    if starts_on and ends_on and ends_on < starts_on:
        raise Invalid(_("The period ends before it starts."), code=ErrorCode.ENDS_BEFORE_START, field="ends_on")
    task.full_clean(exclude=["grid", "created_by"])
    task.save()
    audit.record(actor=actor, action="task.create", obj=task, unit=grid)
    return task


@transaction.atomic
def task_take(*, task: InspectionTask, actor) -> InspectionTask:
    """A woodpecker of the task's grid takes the task."""
    woodpecker = (
        Woodpecker.objects.filter(user=actor, status=WoodpeckerStatus.ACTIVE).first() if by_user(actor) else None
    )
    if woodpecker is None or not can(actor, TAKE, task):
        raise PermissionDenied(_("Only an active woodpecker of this grid may take this task."))
    if task.ends_on < timezone.localdate():
        raise Conflict(_("This task has ended."), code=ErrorCode.TASK_ENDED)
    task.takers.add(woodpecker)
    audit.record(actor=actor, action="task.take", obj=task, unit=task.grid)
    return task
