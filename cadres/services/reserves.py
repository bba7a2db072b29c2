"""Reserve cadres: nomination and the stages (review → inspection → reserve → trained → appointed), or a drop."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.permissions import APPROVE, require
from core import audit
from core.errors import Conflict, Invalid
from core.services import given, transition, update_fields

from ..errors import ErrorCode
from ..models import (
    RESERVE_ORDER,
    Person,
    ReserveCadre,
    ReserveStage,
    ReserveStep,
)
from .base import _changed, _require_change, _require_write, _user


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


@transaction.atomic
def reserve_update(*, reserve: ReserveCadre, actor, nomination: str | None = None, nominated_on: date | None = None):
    """Correct how and when a reserve cadre in the pipeline was nominated (not the stage: that is a step). While
    the reserve is still at the nomination, the stage's date and the nomination step move with the date; later, the
    nomination cannot come after the next step."""
    fields = {"nomination": nomination, "nominated_on": nominated_on}
    fields = {name: value for name, value in fields.items() if value is not None}
    open_stages = [stage for stage in ReserveStage if stage not in (ReserveStage.DROPPED, ReserveStage.APPOINTED)]

    def guard(locked):
        _require_change(actor, locked)
        if locked.stage not in open_stages:
            raise Conflict(_("This reserve cadre's pipeline is closed."), code=ErrorCode.RESERVE_CLOSED, field="stage")

    def check(locked):
        if locked.stage == ReserveStage.NOMINATED:
            locked.stage_on = locked.nominated_on
            return
        later = locked.steps.exclude(to_stage=ReserveStage.NOMINATED).order_by("on").values_list("on", flat=True)
        first = later.first() or locked.stage_on
        if locked.nominated_on > first:
            message = _("The nomination cannot come after the next step of the pipeline (%(d)s).")
            raise Invalid(
                message % {"d": date_format(first)},
                code=ErrorCode.DATE_ORDER,
                field="nominated_on",
            )

    before = reserve.nominated_on
    reserve, changes = update_fields(
        reserve,
        actor=actor,
        fields=fields,
        allowed=("nomination", "nominated_on"),
        audit_action="reserve.update",
        related=("unit",),
        guard=guard,
        check=check,
    )
    if "nominated_on" in changes:
        ReserveStep.objects.filter(reserve=reserve, to_stage=ReserveStage.NOMINATED, from_stage="").update(
            on=reserve.nominated_on
        )
        _changed([reserve.unit_id], reserve.nominated_on)
        if before.year != reserve.nominated_on.year:
            _changed([reserve.unit_id], before)
    return reserve


def reserve_next_stage(reserve: ReserveCadre) -> str | None:
    if reserve.stage not in RESERVE_ORDER or reserve.stage == ReserveStage.APPOINTED:
        return None
    return RESERVE_ORDER[RESERVE_ORDER.index(reserve.stage) + 1]


def _step(reserve: ReserveCadre, diff: dict, on: date, actor, reason: str = "") -> None:
    """The pipeline's history row for a transition just made (`diff` from `core.services.transition`)."""
    from_stage, to_stage = diff["stage"]
    ReserveStep.objects.create(
        reserve=reserve, from_stage=from_stage, to_stage=to_stage, on=on, reason=reason, actor=_user(actor)
    )
    _changed([reserve.unit_id], on)


@transaction.atomic
def reserve_advance(*, reserve: ReserveCadre, on: date, actor, reason: str = "") -> ReserveCadre:
    """Move a reserve cadre to the next stage (review → inspection → reserve → trained → appointed)."""

    def check(reserve):
        if reserve_next_stage(reserve) in (ReserveStage.REVIEWED, ReserveStage.INSPECTED, ReserveStage.APPOINTED):
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

    reserve, diff = transition(
        reserve,
        actor=actor,
        field="stage",
        allowed_from=RESERVE_ORDER[:-1],
        to=reserve_next_stage,
        changes={"stage_on": on},
        guard=lambda reserve: _require_change(actor, reserve),
        check=check,
        audit_action="reserve.advance",
        error_code=ErrorCode.RESERVE_CLOSED,
        message=_("This reserve cadre's pipeline is closed."),
    )
    _step(reserve, diff, on, actor, reason)
    return reserve


@transaction.atomic
def reserve_drop(*, reserve: ReserveCadre, on: date, reason: str, actor) -> ReserveCadre:
    """Drop a reserve cadre from the pipeline with a reason; the history is kept."""

    message = _("Give the reason for dropping the reserve cadre.")
    reserve, diff = transition(
        reserve,
        actor=actor,
        field="stage",
        allowed_from=[stage for stage in ReserveStage if stage not in (ReserveStage.DROPPED, ReserveStage.APPOINTED)],
        to=ReserveStage.DROPPED,
        changes={"stage_on": on, "dropped_reason": (reason or "").strip()},
        guard=lambda reserve: _require_change(actor, reserve),
        check=lambda _reserve: given(reason, message, code=ErrorCode.REASON_REQUIRED, field="dropped_reason"),
        audit_action="reserve.drop",
        error_code=ErrorCode.RESERVE_CLOSED,
        message=_("This reserve cadre's pipeline is closed."),
    )
    _step(reserve, diff, on, actor, reserve.dropped_reason)
    return reserve
