"""Member development: the application, the steps the branch proposes and the township approves, and the
waiting-time rules checked at proposal and again at approval."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.permissions import APPROVE, require, units_for
from core import audit
from core.errors import Conflict, Invalid
from core.services import given, save_new, transition
from notifications.services import notify_decision

from ..errors import CONFLICTS, ErrorCode
from ..models import (
    APPROVE_AS_COUNTY,
    STAGE_ORDER,
    ApprovalLevel,
    DevelopmentRecord,
    DevelopmentStage,
    DevelopmentStep,
    MemberStatus,
    PartyMember,
    Person,
    StepKind,
    StepStatus,
)
from .base import _changed, _require_change, _require_write, _user, add_years, logger
from .members import member_create
from .people import person_create


@transaction.atomic
def development_start(*, person: Person, unit, applied_on: date, actor) -> DevelopmentRecord:
    """Open a development record when a person hands in their application to join the party."""
    _require_write(actor, DevelopmentRecord, unit)
    if hasattr(person, "party_member") and PartyMember.objects.filter(person=person).exists():
        raise Conflict(_("This person is already a party member."), code=ErrorCode.ALREADY_A_MEMBER, field="person")
    if DevelopmentRecord.objects.filter(person=person).exclude(stage=DevelopmentStage.DISQUALIFIED).exists():
        raise Conflict(
            _("This person already has a development record."), code=ErrorCode.DEVELOPMENT_EXISTS, field="person"
        )
    if applied_on > timezone.localdate():
        raise Invalid(_("The date cannot be in the future."), code=ErrorCode.FUTURE_DATE, field="applied_on")
    record = DevelopmentRecord(person=person, unit=unit, applied_on=applied_on)
    save_new(record, actor=actor, audit_action="development.start", unit=unit)
    _changed([unit.pk], applied_on)
    return record


@transaction.atomic
def development_register(
    *, name: str, id_number: str, unit, applied_on: date, actor, mobile: str = ""
) -> DevelopmentRecord:
    """Register a new applicant and open their development record in one step (the secretary's usual case)."""
    person = person_create(name=name, id_number=id_number, unit=unit, actor=actor, mobile=mobile)
    return development_start(person=person, unit=unit, applied_on=applied_on, actor=actor)


def development_step_errors(
    record: DevelopmentRecord, *, kind: str, effective_on: date, extended_until: date | None = None, note: str = ""
) -> dict:
    """Why this step may not be taken now (field → coded errors), or {} when the rules allow it."""
    errors = {}
    if effective_on > timezone.localdate():
        errors["effective_on"] = [ValidationError(_("The date cannot be in the future."), code=ErrorCode.FUTURE_DATE)]
    if record.stage in (DevelopmentStage.FULL, DevelopmentStage.DISQUALIFIED):
        return {
            "kind": [
                ValidationError(
                    _("This development record is closed; no further step is possible."),
                    code=ErrorCode.DEVELOPMENT_CLOSED,
                )
            ]
        }
    if kind == StepKind.EXTEND:
        _extend_errors(record, extended_until, errors)
    elif kind == StepKind.DISQUALIFY:
        _disqualify_errors(record, note, errors)
    else:
        _advance_errors(record, effective_on, errors)
    return errors


def _extend_errors(record: DevelopmentRecord, extended_until: date | None, errors: dict) -> None:
    if record.stage != DevelopmentStage.PROBATIONARY:
        errors["kind"] = [
            ValidationError(
                _("Only a probationary member's probation can be extended."), code=ErrorCode.STEP_NOT_ALLOWED
            )
        ]
    elif record.probation_extended_until:
        errors["kind"] = [
            ValidationError(_("Probation has already been extended once."), code=ErrorCode.STEP_NOT_ALLOWED)
        ]
    elif not extended_until:
        errors["extended_until"] = [
            ValidationError(_("Give the date the extended probation ends."), code=ErrorCode.REASON_REQUIRED)
        ]
    else:
        earliest, latest = add_years(record.admitted_on, 1), add_years(record.admitted_on, 2)
        if not (earliest < extended_until <= latest):
            errors["extended_until"] = [
                ValidationError(
                    _(
                        "Probation may be extended by at most one year: choose a date after %(a)s and no later "
                        "than %(b)s."
                    )
                    % {"a": date_format(earliest), "b": date_format(latest)},
                    code=ErrorCode.EXTENSION_RANGE,
                )
            ]


def _disqualify_errors(record: DevelopmentRecord, note: str, errors: dict) -> None:
    if record.stage != DevelopmentStage.PROBATIONARY:
        errors["kind"] = [
            ValidationError(
                _("Only a probationary member's qualification can be cancelled."), code=ErrorCode.STEP_NOT_ALLOWED
            )
        ]
    if not note.strip():
        errors["note"] = [
            ValidationError(
                _("Give the reason for cancelling the probationary qualification."), code=ErrorCode.REASON_REQUIRED
            )
        ]


def _advance_errors(record: DevelopmentRecord, effective_on: date, errors: dict) -> None:
    to_stage = STAGE_ORDER[STAGE_ORDER.index(record.stage) + 1]
    if to_stage == DevelopmentStage.ACTIVIST and effective_on < record.applied_on:
        errors["effective_on"] = [
            ValidationError(
                _("An activist cannot be confirmed before applying (%(d)s).") % {"d": date_format(record.applied_on)},
                code=ErrorCode.DATE_ORDER,
            )
        ]
    if to_stage == DevelopmentStage.TARGET:
        earliest = add_years(record.activist_on, 1)
        if effective_on < earliest:
            errors["effective_on"] = [
                ValidationError(
                    _(
                        "An activist must be trained and observed for at least one year before becoming a development "
                        "target: this activist was confirmed on %(since)s, so the earliest date is %(earliest)s."
                    )
                    % {"since": date_format(record.activist_on), "earliest": date_format(earliest)},
                    code=ErrorCode.WAITING_TIME,
                )
            ]
    if to_stage == DevelopmentStage.PROBATIONARY and effective_on < record.target_on:
        errors["effective_on"] = [
            ValidationError(
                _("A member cannot be admitted before becoming a development target (%(d)s).")
                % {"d": date_format(record.target_on)},
                code=ErrorCode.DATE_ORDER,
            )
        ]
    if to_stage == DevelopmentStage.FULL:
        earliest = record.probation_extended_until or add_years(record.admitted_on, 1)
        if effective_on < earliest:
            errors["effective_on"] = [
                ValidationError(
                    _(
                        "The probation period has not ended: the member was admitted on %(since)s and can become a "
                        "full member on %(earliest)s at the earliest."
                    )
                    % {"since": date_format(record.admitted_on), "earliest": date_format(earliest)},
                    code=ErrorCode.WAITING_TIME,
                )
            ]


def _refuse_step(errors: dict):
    """The step's refusal: a Conflict (409) when the record's stage is what refuses it, else the field errors."""
    for field, items in errors.items():
        for item in items:
            if item.code in CONFLICTS:
                return Conflict(item.message, code=item.code, field=field)
    return ValidationError(errors)


def next_stage(record: DevelopmentRecord) -> str | None:
    if record.stage not in STAGE_ORDER or record.stage == DevelopmentStage.FULL:
        return None
    return STAGE_ORDER[STAGE_ORDER.index(record.stage) + 1]


@transaction.atomic
def development_propose(
    *,
    record: DevelopmentRecord,
    effective_on: date,
    actor,
    kind: str = StepKind.ADVANCE,
    extended_until: date | None = None,
    note: str = "",
) -> DevelopmentStep:
    """The branch (its secretary) proposes the next step; it takes effect when the township approves it."""
    record = DevelopmentRecord.objects.select_for_update().get(pk=record.pk)
    _require_change(actor, record)
    if record.steps.filter(status=StepStatus.PROPOSED).exists():
        raise Conflict(
            _("A step of this record is already awaiting approval."), code=ErrorCode.STEP_PENDING, field="kind"
        )
    errors = development_step_errors(
        record, kind=kind, effective_on=effective_on, extended_until=extended_until, note=note
    )
    if errors:
        raise _refuse_step(errors)
    to_stage = (
        next_stage(record)
        if kind == StepKind.ADVANCE
        else (DevelopmentStage.DISQUALIFIED if kind == StepKind.DISQUALIFY else record.stage)
    )
    step = DevelopmentStep(
        record=record,
        kind=kind,
        to_stage=to_stage,
        effective_on=effective_on,
        extended_until=extended_until,
        note=note,
        proposed_by=actor if getattr(actor, "pk", None) else None,
    )
    step.full_clean()
    step.save()
    audit.record(
        actor=actor,
        action="development.propose",
        obj=step,
        unit=record.unit,
        changes={"to_stage": to_stage, "effective_on": str(effective_on)},
    )
    return step


def _approval_level(actor) -> str:
    # The level recorded with a decision (APPROVE has been asked already): the county where the actor holds
    # APPROVE_AS_COUNTY anywhere (the organization department; superusers and SYSTEM too), else the township.
    if units_for(actor, DevelopmentRecord, APPROVE_AS_COUNTY):
        return ApprovalLevel.COUNTY
    return ApprovalLevel.TOWNSHIP


def _decision(actor) -> dict:
    """Who decided a step, when and at which level: set on the step, not audited (the audit row has the actor)."""
    return {"decided_by": _user(actor), "decided_at": timezone.now(), "level": _approval_level(actor)}


def _decide(step: DevelopmentStep, *, actor, denied: str, **options) -> DevelopmentStep:
    """The township's (or county's) decision on a proposed step: approve it or send it back."""
    step, _diff = transition(
        step,
        actor=actor,
        allowed_from=(StepStatus.PROPOSED,),
        also=_decision(actor),
        related=("record",),
        guard=lambda step: require(actor, APPROVE, step.record, denied),
        unit=lambda step: step.record.unit,
        error_code=ErrorCode.STEP_DECIDED,
        message=_("This step has already been decided."),
        **options,
    )
    return step


def _apply_step(record: DevelopmentRecord, step: DevelopmentStep, actor) -> None:
    """The approved step takes effect on the (locked) record and, at admission and full membership, the member."""
    day = step.effective_on
    if step.kind == StepKind.EXTEND:
        record.probation_extended_until = step.extended_until
    elif step.kind == StepKind.DISQUALIFY:
        record.stage, record.disqualified_on, record.disqualified_reason = DevelopmentStage.DISQUALIFIED, day, step.note
        PartyMember.objects.filter(person=record.person, status=MemberStatus.PROBATIONARY).delete()
    else:
        record.stage = step.to_stage
        date_field = {
            DevelopmentStage.ACTIVIST: "activist_on",
            DevelopmentStage.TARGET: "target_on",
            DevelopmentStage.PROBATIONARY: "admitted_on",
            DevelopmentStage.FULL: "full_on",
        }[step.to_stage]
        setattr(record, date_field, day)
        if step.to_stage == DevelopmentStage.PROBATIONARY:
            member_create(
                person=record.person, unit=record.unit, status=MemberStatus.PROBATIONARY, joined_on=day, actor=actor
            )
        elif step.to_stage == DevelopmentStage.FULL:
            PartyMember.objects.filter(person=record.person).update(
                status=MemberStatus.FULL, full_on=day, updated_at=timezone.now()
            )
    record.full_clean()
    record.save()


@transaction.atomic
def development_approve(*, step: DevelopmentStep, actor) -> DevelopmentRecord:
    """Township (or county) staff approve a proposed step: the record moves on, dated and with the approver kept."""
    locked = {}

    def check(step):
        # The rules are checked again: the record may have changed since the proposal.
        record = locked["record"] = DevelopmentRecord.objects.select_for_update().get(pk=step.record_id)
        errors = development_step_errors(
            record, kind=step.kind, effective_on=step.effective_on, extended_until=step.extended_until, note=step.note
        )
        if errors:
            logger.info("development_approve: step %s no longer meets the rules (%s)", step.pk, ", ".join(errors))
            raise _refuse_step(errors)

    step = _decide(
        step,
        actor=actor,
        to=StepStatus.APPROVED,
        check=check,
        audit_action="development.approve",
        denied=_("Only township or organization-department staff may approve development steps."),
    )
    record = locked["record"]
    _apply_step(record, step, actor)
    _changed([record.unit_id], step.effective_on)
    notify_decision(submitter=step.proposed_by, approved=True, what=_step_title(step), url=_url(step), actor=actor)
    return record


@transaction.atomic
def development_return(*, step: DevelopmentStep, reason: str, actor) -> DevelopmentStep:
    """Send a proposed step back to the branch with a reason; the step stays in the record's history."""

    message = _("Give the reason for sending the step back.")
    step = _decide(
        step,
        actor=actor,
        to=StepStatus.RETURNED,
        changes={"return_reason": (reason or "").strip()},
        check=lambda _step: given(reason, message, code=ErrorCode.REASON_REQUIRED, field="return_reason"),
        audit_action="development.return",
        denied=_("Only township or organization-department staff may send development steps back."),
    )
    notify_decision(
        submitter=step.proposed_by,
        approved=False,
        what=_step_title(step),
        url=_url(step),
        actor=actor,
        reason=step.return_reason,
    )
    return step


def _step_title(step: DevelopmentStep) -> str:
    return _("The development step “%(stage)s” of %(name)s") % {
        "stage": step.get_to_stage_display(),
        "name": step.record.person.name,
    }


def _url(step: DevelopmentStep) -> str:
    return reverse("cadres:development_detail", args=[step.record_id])
