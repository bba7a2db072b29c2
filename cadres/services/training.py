"""Training sessions and their attendees (person-times)."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.errors import Invalid
from core.services import save_new

from ..errors import ErrorCode
from ..models import (
    TrainingAttendance,
    TrainingSession,
)
from .base import _changed, _require_change, _require_write


@transaction.atomic
def training_create(*, topic: str, organizer, level: str, starts_on: date, ends_on: date, actor) -> TrainingSession:
    """Schedule a training session organized by `organizer`."""
    _require_write(actor, TrainingSession, organizer)
    if ends_on < starts_on:
        raise Invalid(_("A session cannot end before it starts."), code=ErrorCode.DATE_ORDER, field="ends_on")
    session = TrainingSession(topic=topic, organizer=organizer, level=level, starts_on=starts_on, ends_on=ends_on)
    save_new(session, actor=actor, audit_action="training.create", unit=organizer)
    return session


@transaction.atomic
def training_add_attendees(*, session: TrainingSession, people, actor) -> int:
    """Record who attended a session (each one person-time); people already recorded are skipped."""
    _require_change(actor, session)
    people = list(people)
    known = set(session.attendances.filter(person__in=people).values_list("person_id", flat=True))
    new = [TrainingAttendance(session=session, person=p) for p in people if p.pk not in known]
    TrainingAttendance.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    audit.record(
        actor=actor, action="training.attendees", obj=session, unit=session.organizer, changes={"added": len(new)}
    )
    _changed({session.organizer_id, *(p.unit_id for p in people)}, session.starts_on)
    return len(new)
