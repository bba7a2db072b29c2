"""Reserve cadres: nomination and the stages (review → inspection → reserve → trained → appointed), or a drop."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.permissions import APPROVE, require
from core import audit
from core.errors import Conflict, Invalid

from ..errors import ErrorCode
from ..models import (
    RESERVE_ORDER,
    Person,
    ReserveCadre,
    ReserveStage,
    ReserveStep,
)
from .base import _changed, _require_change, _require_write


@transaction.atomic
def reserve_nominate(
    *, person: Person, unit, post_for: str, nomination: str, nominated_on: date, actor
) -> ReserveCadre:
    """Nominate a person as reserve cadre of a village (self, recommended, or through open recruitment)."""
    _require_write(actor, ReserveCadre, unit)
    open_ = ReserveCadre.objects.filter(person=person, unit=unit, post_for=post_for).exclude(
        stage__in=[ReserveStage.DROPPED, ReserveStage.APPOINTED]
    )
    if open_.exists():
        raise Conflict(
            _("This person is already in the reserve pipeline for this post."),
            code=ErrorCode.RESERVE_EXISTS,
            field="person",
        )
    reserve = ReserveCadre(
        person=person,
        unit=unit,
        post_for=post_for,
        nomination=nomination,
        nominated_on=nominated_on,
        stage_on=nominated_on,
    )
    reserve.full_clean()
    reserve.save()
    ReserveStep.objects.create(
        reserve=reserve,
        to_stage=ReserveStage.NOMINATED,
        on=nominated_on,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(actor=actor, action="reserve.nominate", obj=reserve, unit=unit)
    _changed([unit.pk], nominated_on)
    return reserve


def reserve_next_stage(reserve: ReserveCadre) -> str | None:
    if reserve.stage not in RESERVE_ORDER or reserve.stage == ReserveStage.APPOINTED:
        return None
    return RESERVE_ORDER[RESERVE_ORDER.index(reserve.stage) + 1]


@transaction.atomic
def reserve_advance(*, reserve: ReserveCadre, on: date, actor, reason: str = "") -> ReserveCadre:
    """Move a reserve cadre to the next stage (review → inspection → reserve → trained → appointed)."""
    reserve = ReserveCadre.objects.select_for_update().get(pk=reserve.pk)
    _require_change(actor, reserve)
    to_stage = reserve_next_stage(reserve)
    if to_stage is None:
        raise Conflict(_("This reserve cadre's pipeline is closed."), code=ErrorCode.RESERVE_CLOSED, field="stage")
    if to_stage in (ReserveStage.REVIEWED, ReserveStage.INSPECTED, ReserveStage.APPOINTED):
        # Review, inspection and appointment are decisions of the township ("township manages").
        require(
            actor,
            APPROVE,
            reserve,
            _("Qualification review, inspection and appointment are decided by township staff."),
        )
    if on < reserve.stage_on:
        raise Invalid(
            _("A step cannot be dated before the previous one (%(d)s).") % {"d": date_format(reserve.stage_on)},
            code=ErrorCode.DATE_ORDER,
            field="on",
        )
    if on > timezone.localdate():
        raise Invalid(_("The date cannot be in the future."), code=ErrorCode.FUTURE_DATE, field="on")
    ReserveStep.objects.create(
        reserve=reserve,
        from_stage=reserve.stage,
        to_stage=to_stage,
        on=on,
        reason=reason,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    reserve.stage, reserve.stage_on = to_stage, on
    reserve.save(update_fields=["stage", "stage_on"])
    audit.record(actor=actor, action="reserve.advance", obj=reserve, unit=reserve.unit, changes={"stage": to_stage})
    _changed([reserve.unit_id], on)
    return reserve


@transaction.atomic
def reserve_drop(*, reserve: ReserveCadre, on: date, reason: str, actor) -> ReserveCadre:
    """Drop a reserve cadre from the pipeline with a reason; the history is kept."""
    reserve = ReserveCadre.objects.select_for_update().get(pk=reserve.pk)
    _require_change(actor, reserve)
    if reserve.stage in (ReserveStage.DROPPED, ReserveStage.APPOINTED):
        raise Conflict(_("This reserve cadre's pipeline is closed."), code=ErrorCode.RESERVE_CLOSED, field="stage")
    if not (reason or "").strip():
        raise Invalid(
            _("Give the reason for dropping the reserve cadre."), code=ErrorCode.REASON_REQUIRED, field="dropped_reason"
        )
    ReserveStep.objects.create(
        reserve=reserve,
        from_stage=reserve.stage,
        to_stage=ReserveStage.DROPPED,
        on=on,
        reason=reason.strip(),
        actor=actor if getattr(actor, "pk", None) else None,
    )
    reserve.stage, reserve.stage_on, reserve.dropped_reason = ReserveStage.DROPPED, on, reason.strip()
    reserve.save(update_fields=["stage", "stage_on", "dropped_reason"])
    audit.record(actor=actor, action="reserve.drop", obj=reserve, unit=reserve.unit, changes={"reason": reason})
    _changed([reserve.unit_id], on)
    return reserve
