"""Cadre posts and what hangs on them: elevated management, joint vetting, degree study, capability scores."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import Conflict, Invalid
from core.services import given, save_new, transition, update_fields

from ..errors import ErrorCode
from ..models import (
    CadrePost,
    CapabilityAssessment,
    DegreeStudy,
    ElevatedManagement,
    JointVetting,
    Person,
    PostKind,
)
from .base import _changed, _require_change, _require_write


@transaction.atomic
def post_create(
    *,
    person: Person,
    unit,
    post: str,
    term_start_year: int,
    started_on: date,
    actor,
    committee: str = "party",
    term_end_year: int | None = None,
    is_one_shoulder: bool = False,
    is_dispatched: bool = False,
) -> CadrePost:
    """Appoint `person` to a post in `unit`'s committees for a term (five years unless told)."""
    _require_write(actor, CadrePost, unit)
    if post == PostKind.SECRETARY and CadrePost.objects.filter(unit=unit, post=post, ended_on__isnull=True).exists():
        raise Conflict(
            _("This unit already has a sitting secretary; end that post first."),
            code=ErrorCode.SECRETARY_SEATED,
            field="post",
        )
    if is_one_shoulder and post != PostKind.SECRETARY:
        raise Invalid(
            _("Only the secretary can also chair the committee."),
            code=ErrorCode.ONE_SHOULDER_SECRETARY_ONLY,
            field="is_one_shoulder",
        )
    record = CadrePost(
        person=person,
        unit=unit,
        post=post,
        committee=committee,
        term_start_year=term_start_year,
        term_end_year=term_end_year or term_start_year + 5,
        started_on=started_on,
        is_one_shoulder=is_one_shoulder,
        is_dispatched=is_dispatched,
    )
    save_new(record, actor=actor, audit_action="post.create", unit=unit)
    _changed([unit.pk], started_on)
    return record


POST_CHANGEABLE = ("committee", "is_one_shoulder", "term_start_year", "term_end_year", "started_on")


@transaction.atomic
def post_update(*, post: CadrePost, actor, **fields) -> CadrePost:
    """Correct a sitting cadre's post: committee, one shoulder, term and start date (not the person, the unit or
    the post itself: that is a new appointment). A term moved without its end keeps its length."""

    def guard(locked):
        _require_change(actor, locked)
        if locked.ended_on is not None:
            raise Conflict(_("This post has already ended."), code=ErrorCode.POST_ENDED, field="ended_on")
        start = fields.get("term_start_year")
        if start is not None and "term_end_year" not in fields and start != locked.term_start_year:
            fields["term_end_year"] = start + (locked.term_end_year - locked.term_start_year)

    def check(locked):
        if locked.is_one_shoulder and locked.post != PostKind.SECRETARY:
            raise Invalid(
                _("Only the secretary can also chair the committee."),
                code=ErrorCode.ONE_SHOULDER_SECRETARY_ONLY,
                field="is_one_shoulder",
            )
        if locked.term_end_year <= locked.term_start_year:
            raise Invalid(
                _("The term must end after the year it starts."), code=ErrorCode.DATE_ORDER, field="term_end_year"
            )

    before = post.started_on
    post, _changes = update_fields(
        post,
        actor=actor,
        fields=fields,
        allowed=POST_CHANGEABLE,
        audit_action="post.update",
        related=("unit",),
        guard=guard,
        check=check,
    )
    _changed([post.unit_id], post.started_on)
    if before.year != post.started_on.year:
        _changed([post.unit_id], before)
    return post


@transaction.atomic
def post_end(*, post: CadrePost, ended_on: date, reason: str, actor) -> CadrePost:
    """End a post (dynamic adjustment 动态调整); the ended post stays as history with its reason."""

    def check(post):
        given(reason, _("Give the reason for the adjustment."), code=ErrorCode.REASON_REQUIRED, field="end_reason")
        if ended_on < post.started_on:
            raise Invalid(_("A post cannot end before it started."), code=ErrorCode.DATE_ORDER, field="ended_on")

    post, _diff = transition(
        post,
        actor=actor,
        field="ended_on",
        allowed_from=(None,),
        to=ended_on,
        changes={"end_reason": (reason or "").strip()},
        guard=lambda post: _require_change(actor, post),
        check=check,
        audit_action="post.end",
        error_code=ErrorCode.POST_ENDED,
        message=_("This post has already ended."),
    )
    _changed([post.unit_id], ended_on)
    return post


@transaction.atomic
def elevation_create(
    *, post: CadrePost, direction: str, reason: str, started_on: date, review_on: date, actor
) -> ElevatedManagement:
    """Put a sitting secretary under elevated management (提级管理), positive or negative."""
    _require_write(actor, ElevatedManagement, post.unit)
    if post.post != PostKind.SECRETARY or post.ended_on:
        raise Invalid(
            _("Elevated management applies to sitting secretaries only."),
            code=ErrorCode.NOT_A_SITTING_SECRETARY,
            field="post",
        )
    if ElevatedManagement.objects.filter(post=post, closed_on__isnull=True).exists():
        raise Conflict(
            _("This secretary is already under elevated management."), code=ErrorCode.ALREADY_ELEVATED, field="post"
        )
    record = ElevatedManagement(
        post=post, direction=direction, reason=reason, started_on=started_on, review_on=review_on
    )
    if review_on <= started_on:
        raise Invalid(_("The review date must come after the start."), code=ErrorCode.DATE_ORDER, field="review_on")
    save_new(record, actor=actor, audit_action="elevation.create", unit=post.unit)
    return record


@transaction.atomic
def vetting_create(
    *,
    person: Person,
    unit,
    vetted_on: date,
    result: str,
    actor,
    departments: str = "",
    post: str = "secretary",
    filed_on: date | None = None,
    note: str = "",
) -> JointVetting:
    """Record the joint vetting (联审) of a candidate and, when passed, its filing (备案) with the county."""
    _require_write(actor, JointVetting, unit)
    record = JointVetting(
        person=person,
        unit=unit,
        post=post,
        vetted_on=vetted_on,
        result=result,
        departments=departments,
        filed_on=filed_on,
        note=note,
    )
    if filed_on and result != "passed":
        raise Conflict(
            _("Only a candidate who passed the vetting can be filed."),
            code=ErrorCode.VETTING_NOT_PASSED,
            field="filed_on",
        )
    save_new(record, actor=actor, audit_action="vetting.create", unit=unit)
    return record


@transaction.atomic
def study_create(
    *,
    person: Person,
    unit,
    school: str,
    target_level: str,
    enrolled_on: date,
    actor,
    graduated_on: date | None = None,
) -> DegreeStudy:
    """Record a cadre enrolled in a degree course (双提升)."""
    _require_write(actor, DegreeStudy, unit)
    record = DegreeStudy(
        person=person,
        unit=unit,
        school=school,
        target_level=target_level,
        enrolled_on=enrolled_on,
        graduated_on=graduated_on,
    )
    if graduated_on and graduated_on <= enrolled_on:
        raise Invalid(_("Graduation must come after enrolment."), code=ErrorCode.DATE_ORDER, field="graduated_on")
    save_new(record, actor=actor, audit_action="study.create", unit=unit)
    _changed([unit.pk], enrolled_on)
    return record


@transaction.atomic
def assessment_record(*, person: Person, unit, year: int, score, actor, comment: str = "") -> CapabilityAssessment:
    """Record (or correct) a secretary's capability score for a year; the ranking follows from the scores."""
    _require_write(actor, CapabilityAssessment, unit)
    record, _created = CapabilityAssessment.objects.select_for_update().get_or_create(
        person=person, unit=unit, year=year, defaults={"score": score, "comment": comment}
    )
    record.score, record.comment = score, comment
    save_new(record, actor=actor, audit_action="assessment.record", unit=unit, changes={"score": str(score)})
    return record
