"""A unit's report: opened (with its bound fields prefilled), saved as a draft as the secretary types, submitted
(the validation rules run), approved (locked), sent back with a reason, reopened by an approver. Every change of an
answer is audited with its old and new value.

An approval and a reopening change what an approved report's figures say: they announce the unit and the period's
year with `core.events.records_changed(source="reporting")`, delivered after commit to whoever subscribes (the goals
roll-up of the indicators declared on a form's fields); a failing subscriber is logged, never an error here."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.permissions import APPROVE, CHANGE, can_at, require, require_at
from core import audit, events
from core.errors import Conflict, Invalid
from core.errors import ErrorCode as CoreCode
from core.services import given, transition

from .. import prefill, rules
from ..errors import ErrorCode
from ..models import (
    EDITABLE_STATUSES,
    REOPEN,
    SUBMIT,
    Answer,
    AnswerOrigin,
    FieldKind,
    Report,
    ReportForm,
    ReportStatus,
    period_bounds,
    previous_period_start,
)
from . import attachments
from .items import unit_codes
from .values import clean_value

# The source the figures of approved reports are announced under (core.events, docs/architecture.md "A job").
SOURCE = "reporting"


def _refuse(errors: dict, code) -> None:
    """400 with the messages by field code, each carrying `code` (the API's `codes`)."""
    raise ValidationError(
        {
            field: [ValidationError(str(message), code=str(code)) for message in messages]
            for field, messages in errors.items()
        }
    )


def closed_since(form: ReportForm, unit, period_end: date, actor, report: Report | None = None) -> date | None:
    """The closing date when entry for the period is closed to `actor` at `unit`, else None.

    After the closing date (`ReportForm.closes_on`, compared with `timezone.localdate()`) a secretary can no longer
    open, save or submit the unit's report. Those who may reopen reports there (township staff, the system) are not
    held by it, and a report an approver sent back or reopened after the closing date stays editable until it is
    submitted again."""
    closes = form.closes_on(period_end)
    if timezone.localdate() <= closes or can_at(actor, REOPEN, Report, unit):
        return None
    if report is not None and report.status == ReportStatus.RETURNED and report.reviewed_at is not None:
        if timezone.localdate(report.reviewed_at) > closes:
            return None
    return closes


def _refuse_closed(form: ReportForm, unit, period_end: date, actor, report: Report | None = None) -> None:
    closes = closed_since(form, unit, period_end, actor, report)
    if closes is not None:
        raise Conflict(
            _("Entry for this period closed on %(date)s; ask the township to reopen the report.")
            % {"date": formats.date_format(closes, "DATE_FORMAT")},
            code=ErrorCode.REPORT_CLOSED,
        )


def _previous_answers(form: ReportForm, unit, start: date) -> dict[str, object]:
    """{field code: value} of the unit's report of the period before (one query)."""
    before = previous_period_start(form.period_type, start)
    rows = Answer.objects.filter(report__form=form, report__unit=unit, report__period_start=before)
    return dict(rows.values_list("field__code", "value"))


@transaction.atomic
def report_open(*, form: ReportForm, unit, day: date, actor) -> Report:
    """The unit's report of the period holding `day`: the existing one, or a new draft on the current version with
    every bound field prefilled (one query per distinct source, whatever the number of fields). A unit with an item
    list (`UnitItemList`, the three lists) gets answers for its listed fields only."""
    start, end = period_bounds(form.period_type, day)
    existing = Report.objects.filter(form=form, unit=unit, period_start=start).first()
    if existing is not None:
        require(actor, CHANGE, existing)
        return existing
    _refuse_closed(form, unit, end, actor)
    version = form.current_version()
    if version is None:
        raise Conflict(_("The form has no published version."), code=ErrorCode.FORM_NOT_PUBLISHED)
    if form.filled_by and unit.kind not in form.filled_by:
        raise Invalid(_("This unit does not fill this form."), code=ErrorCode.UNIT_NOT_FILLING, field="unit")
    report = Report(form=form, version=version, unit=unit, period_start=start, period_end=end)
    require_at(actor, CHANGE, Report, unit, _("You may not fill this report."))
    report.full_clean()
    fields = list(version.fields.all())
    listed = unit_codes(form, unit)
    if listed is not None:
        fields = [field for field in fields if field.code in listed]
    computed = prefill.compute(fields, unit, start, end)
    if any(field.prefill == prefill.PREVIOUS for field in fields):
        previous = _previous_answers(form, unit, start)
        computed.update({f.code: previous.get(f.code) for f in fields if f.prefill == prefill.PREVIOUS})
    report.prefilled_count = sum(1 for code in computed if computed[code] is not None)
    report.save()
    Answer.objects.bulk_create(
        Answer(
            report=report,
            field=field,
            value=computed.get(field.code),
            computed=computed.get(field.code),
            origin=AnswerOrigin.PREFILLED if computed.get(field.code) is not None else AnswerOrigin.TYPED,
        )
        for field in fields
    )
    audit.record(
        actor=actor, action="report.open", obj=report, unit=unit, changes={"prefilled": report.prefilled_count}
    )
    return report


def _answers(report: Report) -> dict[str, Answer]:
    return {answer.field.code: answer for answer in report.answers.select_related("field")}


def _attach_files(answers: dict, files: dict, actor, errors: dict, changes: dict) -> None:
    """Each upload of `files` ({field code: file}) becomes its file field's attachment and value."""
    for code, upload in files.items():
        answer = answers[code]
        if answer.field.kind != FieldKind.FILE:
            errors[code] = [_("This field does not take a file.")]
            continue
        try:
            value = attachments.attach(answer=answer, upload=upload, actor=actor)
        except ValidationError as error:
            errors[code] = error.messages
            continue
        changes[code] = [(answer.value or {}).get("name"), value["name"]]
        answer.value, answer.origin = value, AnswerOrigin.TYPED


def _set_values(answers: dict, values: dict, errors: dict, changes: dict) -> None:
    for code, raw in values.items():
        answer = answers[code]
        if answer.field.kind == FieldKind.FILE and raw and raw == answer.value:
            continue  # the file's value sent back unchanged (an API client saving every answer it read)
        try:
            value = clean_value(answer.field, raw)
        except ValidationError as error:
            errors[code] = error.messages
            continue
        if value != answer.value:
            changes[code] = [answer.value, value]
            if answer.field.kind == FieldKind.FILE:
                attachments.discard(list(answer.attachments.all()))
        answer.value = value
        answer.origin = (
            AnswerOrigin.CONFIRMED if answer.computed is not None and value == answer.computed else AnswerOrigin.TYPED
        )


@transaction.atomic
def report_save_draft(
    *, report: Report, actor, values: dict, comments: dict | None = None, files: dict | None = None
) -> Report:
    """Save the answers `values` ({field code: raw value}), `comments` and the uploads `files` ({field code: file},
    for file fields) of an editable report (the autosave)."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    require(actor, CHANGE, report, _("You may not fill this report."))
    if report.status not in EDITABLE_STATUSES:
        raise Conflict(
            _("The report is submitted or approved and cannot be edited."), code=ErrorCode.REPORT_NOT_EDITABLE
        )
    _refuse_closed(report.form, report.unit, report.period_end, actor, report)
    answers = _answers(report)
    files = files or {}
    unknown = sorted((set(values) | set(comments or {}) | set(files)) - set(answers))
    if unknown:
        raise Invalid(_("The form has no field with this code."), code=ErrorCode.NO_SUCH_FIELD, field=unknown[0])
    errors: dict = {}
    changes: dict = {}
    _set_values(answers, {code: raw for code, raw in values.items() if code not in files}, errors, changes)
    _attach_files(answers, files, actor, errors, changes)
    if errors:
        _refuse(errors, ErrorCode.BAD_ANSWER)
    for code, comment in (comments or {}).items():
        answers[code].comment = str(comment or "")[:300]
    Answer.objects.bulk_update(answers.values(), ["value", "origin", "comment"])
    report.save(update_fields=["updated_at"])
    if changes:
        audit.record(actor=actor, action="report.save_draft", obj=report, unit=report.unit, changes=changes)
    return report


def findings(report: Report) -> list[rules.Finding]:
    """The validation rules' findings on the report as it stands (blocking and warnings)."""
    answers = _answers(report)
    values = {code: answer.value for code, answer in answers.items()}
    comments = {code: answer.comment for code, answer in answers.items()}
    previous = _previous_answers(report.form, report.unit, report.period_start)
    return rules.check(report.version.rules.all(), values, previous, comments)


def _check_submission(report: Report) -> None:
    if report.first_submitted_at is None:
        report.first_submitted_at = report.submitted_at
    answers = _answers(report)
    missing = {
        code: [_("This field is required.")]
        for code, answer in answers.items()
        if answer.field.required and answer.value in (None, "", [])
    }
    if missing:
        _refuse(missing, CoreCode.REQUIRED)
    blocking = {}
    for finding in findings(report):
        if finding.blocking:
            blocking.setdefault(finding.field, []).append(finding.message)
    if blocking:
        _refuse(blocking, ErrorCode.RULE_FAILED)
    for answer in answers.values():
        if answer.origin == AnswerOrigin.PREFILLED:
            answer.origin = AnswerOrigin.CONFIRMED
    Answer.objects.bulk_update(answers.values(), ["origin"])
    report.confirmed_count = sum(1 for a in answers.values() if a.origin == AnswerOrigin.CONFIRMED)
    report.typed_count = sum(1 for a in answers.values() if a.origin == AnswerOrigin.TYPED and a.value is not None)


def _submit_guard(report: Report, actor) -> None:
    require(actor, SUBMIT, report, _("Only the unit's secretary may submit its report."))
    if report.status in EDITABLE_STATUSES:
        _refuse_closed(report.form, report.unit, report.period_end, actor, report)


@transaction.atomic
def report_submit(*, report: Report, actor) -> Report:
    """The secretary submits: required fields answered and no blocking rule failing, or 400 with the messages by
    field code."""
    report, _diff = transition(
        report,
        actor=actor,
        allowed_from=EDITABLE_STATUSES,
        to=ReportStatus.SUBMITTED,
        also={"submitted_by": actor if getattr(actor, "pk", None) else None, "submitted_at": timezone.now()},
        guard=lambda locked: _submit_guard(locked, actor),
        check=_check_submission,
        related=("unit", "form"),
        audit_action="report.submit",
        error_code=ErrorCode.REPORT_NOT_EDITABLE,
        message=_("The report is submitted or approved and cannot be edited."),
    )
    return report


def _announce(report: Report) -> None:
    """The report's approved figures changed (approved, or reopened): its unit and year, after commit."""
    events.records_changed(source=SOURCE, unit_ids=[report.unit_id], year=report.period_start.year)


def _reviewed(actor) -> dict:
    return {"reviewed_by": actor if getattr(actor, "pk", None) else None, "reviewed_at": timezone.now()}


@transaction.atomic
def report_approve(*, report: Report, actor) -> Report:
    """The township approves a submitted report; it is locked from then on."""
    report, _diff = transition(
        report,
        actor=actor,
        allowed_from=(ReportStatus.SUBMITTED,),
        to=ReportStatus.APPROVED,
        changes={"return_reason": ""},
        also=_reviewed(actor),
        guard=lambda locked: require(actor, APPROVE, locked, _("Only township staff may approve reports.")),
        related=("unit",),
        audit_action="report.approve",
        error_code=ErrorCode.REPORT_NOT_SUBMITTED_YET,
        message=_("The report is not waiting for review."),
    )
    _announce(report)
    events.emit(
        events.REPORT_APPROVED,
        unit_id=report.unit_id,
        data={"report": report.pk, "form": report.form_id, "period_start": report.period_start.isoformat()},
    )
    return report


@transaction.atomic
def report_send_back(*, report: Report, actor, reason: str) -> Report:
    """The township sends a submitted report back with the reason; the secretary edits and submits again."""
    message = _("Give the reason for sending the report back.")
    report, _diff = transition(
        report,
        actor=actor,
        allowed_from=(ReportStatus.SUBMITTED,),
        to=ReportStatus.RETURNED,
        changes={"return_reason": (reason or "").strip()},
        also=_reviewed(actor),
        guard=lambda locked: require(actor, APPROVE, locked, _("Only township staff may send reports back.")),
        check=lambda _locked: given(reason, message, code=CoreCode.REQUIRED, field="reason"),
        related=("unit",),
        audit_action="report.send_back",
        error_code=ErrorCode.REPORT_NOT_SUBMITTED_YET,
        message=_("The report is not waiting for review."),
    )
    return report


@transaction.atomic
def report_reopen(*, report: Report, actor, reason: str) -> Report:
    """The approver reopens an approved report for a correction (it goes back to the secretary as sent back).
    After the period's closing date a draft or sent-back report can be reopened too: the secretary may then fill it
    until they submit it again."""
    message = _("Give the reason for reopening the report.")
    allowed = (ReportStatus.APPROVED,)
    if timezone.localdate() > report.form.closes_on(report.period_end):
        allowed = (ReportStatus.APPROVED, *EDITABLE_STATUSES)
    report, _diff = transition(
        report,
        actor=actor,
        allowed_from=allowed,
        to=ReportStatus.RETURNED,
        changes={"return_reason": (reason or "").strip()},
        also=_reviewed(actor),
        guard=lambda locked: require(actor, REOPEN, locked, _("Only township staff may reopen an approved report.")),
        check=lambda _locked: given(reason, message, code=CoreCode.REQUIRED, field="reason"),
        related=("unit",),
        audit_action="report.reopen",
        error_code=ErrorCode.REPORT_NOT_APPROVED,
        message=_("Only an approved report, or one whose entry has closed, can be reopened."),
    )
    _announce(report)
    return report
