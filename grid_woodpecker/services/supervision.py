"""The supervision jobs on clues: yellow and red cards for overdue work, and the auto close of unrated
resolved clues. They act as the SYSTEM actor only."""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit

from ..models import (
    Clue,
    ClueEvent,
    ClueStatus,
    OverdueFlag,
)
from . import notices
from .clues import move
from .common import announce, by_user, require_system

logger = logging.getLogger(__name__)

# Days after the deadline when a yellow card becomes a red card.
RED_CARD_AFTER_DAYS = 3
# Open clues due within this many hours are reminded of (once for a deadline).
REMIND_HOURS = 24
# A resolved clue nobody rates closes itself after this many days.
AUTO_CLOSE_DAYS = 7


def _lock_clue_id(clue_id: int) -> Clue | None:
    """The clue a job works on, locked; None when it was deleted since the job was queued."""
    return Clue.objects.select_for_update(of=("self",)).select_related("grid").filter(pk=clue_id).first()


OPEN_WORK = (ClueStatus.ACCEPTED, ClueStatus.DISPATCHED, ClueStatus.IN_PROGRESS)


def flag_for(deadline: datetime, now: datetime) -> str:
    if deadline is None or now <= deadline:
        return OverdueFlag.NONE
    if now > deadline + timedelta(days=RED_CARD_AFTER_DAYS):
        return OverdueFlag.RED
    return OverdueFlag.YELLOW


@transaction.atomic
def clue_flag_overdue(*, clue_id: int, actor, now: datetime | None = None) -> str | None:
    """Give an overdue clue its yellow card (past the deadline) or red card (days past it); idempotent. A job."""
    require_system(actor)
    now = now or timezone.now()
    clue = _lock_clue_id(clue_id)
    if clue is None:
        return None
    flag = flag_for(clue.deadline, now) if clue.status in OPEN_WORK else OverdueFlag.NONE
    if flag == clue.flag:
        return None
    clue.flag = flag
    clue.save(update_fields=["flag", "updated_at"])
    label = OverdueFlag(flag).label
    ClueEvent.objects.create(
        clue=clue,
        kind=ClueEvent.Kind.FLAG,
        from_status=clue.status,
        to_status=clue.status,
        note=_("Supervision: %(flag)s") % {"flag": label},
        actor=by_user(actor),
    )
    audit.record(actor=actor, action="clue.flag", obj=clue, unit=clue.grid, changes={"flag": flag})
    notices.clue_flagged(clue, flag, actor=actor)
    logger.info("clue %s supervision flag now %r", clue.pk, flag)
    return flag


@transaction.atomic
def clue_auto_close(*, clue_id: int, actor, days: int = AUTO_CLOSE_DAYS, now: datetime | None = None) -> bool:
    """Close a resolved clue nobody rated within `days` (idempotent: anything else is left alone). A job: SYSTEM."""
    require_system(actor)
    now = now or timezone.now()
    clue = _lock_clue_id(clue_id)
    if clue is None or clue.status != ClueStatus.RESOLVED or clue.resolved_at > now - timedelta(days=days):
        return False
    clue.closed_at = now
    move(
        clue, ClueStatus.CLOSED, actor=actor, note=_("Closed automatically: not rated within %(d)d days.") % {"d": days}
    )
    audit.record(actor=actor, action="clue.auto_close", obj=clue, unit=clue.grid)
    announce(clue.grid, now)
    logger.info("clue %s closed automatically after %d days unrated", clue.pk, days)
    return True


@transaction.atomic
def clue_remind_due(*, actor, now: datetime | None = None) -> int:
    """Remind the people of every open clue due within REMIND_HOURS, once for a deadline. A job: SYSTEM."""
    require_system(actor)
    now = now or timezone.now()
    due = (
        Clue.objects.filter(status__in=OPEN_WORK, deadline__gte=now, deadline__lt=now + timedelta(hours=REMIND_HOURS))
        .select_related("grid", "category", "department", "reporter__user")
        .order_by("deadline", "id")
    )
    return notices.remind_due(due, actor=actor, since=now - timedelta(hours=REMIND_HOURS))
