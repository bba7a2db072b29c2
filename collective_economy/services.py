"""Write use-cases of the collective economy. Each runs in one transaction, checks who may act (role and
jurisdiction), validates with full_clean, writes an audit entry, and announces the change to the dashboards."""

import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import APPROVE, CHANGE, can, require, require_at
from core import audit, events
from core.errors import Conflict, Invalid
from core.errors import ErrorCode as CoreCode
from core.logs import timed
from core.services import given, save_new, transition, update_fields
from notifications.services import notify_decision
from organizations.models import COUNTY_LEVEL, TOWNSHIP_LEVEL, OrganizationUnit, UnitKind

from . import audit_labels, selectors  # noqa: F401 (audit_labels: the action labels, registered on import)
from .errors import ErrorCode
from .models import (
    COMPUTE,
    SUBMIT,
    DoublingPlan,
    IncomeReport,
    Project,
    ProjectCompetition,
    ProjectScore,
    ReportStatus,
    RewardRule,
    RewardScheme,
    ThresholdTarget,
    VillageReward,
)

SOURCE = "collective_economy"
REPORT_FIELDS = ("total_income", "operating_income", "income_sources", "development_model", "assets", "debt")
PROJECT_FIELDS = ("name", "development_model", "investment", "partners", "status", "start_year", "description")

# Jingzhou's three-year plan: share of villages over 200,000 yuan (docs/domain.md "Village collective economy").
JINGZHOU_DEFAULTS = [
    (2022, Decimal("200000.00"), Decimal("50.00")),
    (2023, Decimal("200000.00"), Decimal("60.00")),
    (2024, Decimal("200000.00"), Decimal("70.00")),
]


# Ids, years, counts and timings only: never a person's data (core/logs.py).
logger = logging.getLogger(__name__)
# A reward computation or a bulk record slower than this (seconds) is logged as a warning.
SLOW_SECONDS = 5.0


def _user(actor):
    """The user to store as submitter or reviewer: none for the SYSTEM actor (the audit row says "system")."""
    return actor if getattr(actor, "pk", None) else None


def _check_village(village):
    if village is None or village.kind != UnitKind.VILLAGE:
        raise Invalid(
            _("Collective income is reported by administrative villages, not by communities or other units."),
            code=ErrorCode.NOT_A_VILLAGE,
            field="village",
        )


def _check_figures(report: IncomeReport):
    errors = {}
    for name in ("total_income", "operating_income", "assets", "debt"):
        value = getattr(report, name)
        if value is not None and value < 0:
            errors[name] = ValidationError(_("The amount cannot be negative."), code=ErrorCode.NEGATIVE_AMOUNT)
    if (
        "operating_income" not in errors
        and report.operating_income is not None
        and report.total_income is not None
        and report.operating_income > report.total_income
    ):
        errors["operating_income"] = ValidationError(
            _("Operating income cannot exceed the total collective income."), code=ErrorCode.OPERATING_EXCEEDS_TOTAL
        )
    if errors:
        raise ValidationError(errors)


def _lock_village(village):
    """Serialize writes of one village's reports, so two concurrent submissions cannot both pass the checks."""
    OrganizationUnit.objects.select_for_update().filter(pk=village.pk).values_list("pk", flat=True).get()


def _save_report(report: IncomeReport):
    _check_figures(report)
    report.full_clean()
    report.save()


def _changed(report):
    events.records_changed(source=SOURCE, unit_ids=[report.village_id], year=report.year)


@transaction.atomic
def income_report_submit(*, village: OrganizationUnit, year: int, actor, **figures) -> IncomeReport:
    """The village secretary submits the village's income report for a year; it waits for the township's review."""
    _check_village(village)
    require_at(actor, SUBMIT, IncomeReport, village, _("Only the village's secretary may submit its income report."))
    _lock_village(village)
    if IncomeReport.objects.filter(village=village, year=year, status=ReportStatus.APPROVED).exists():
        raise Conflict(
            _("The report for this year is already approved; submit a correction with a reason instead."),
            code=ErrorCode.REPORT_ALREADY_APPROVED,
            field="year",
        )
    if IncomeReport.objects.filter(village=village, year=year, status__in=["submitted", "returned"]).exists():
        raise Conflict(
            _("A report for this year is already waiting for review; edit it instead."),
            code=ErrorCode.REPORT_PENDING,
            field="year",
        )
    last = IncomeReport.objects.filter(village=village, year=year).order_by("-version").first()
    report = IncomeReport(
        village=village,
        year=year,
        version=(last.version + 1) if last else 1,
        status=ReportStatus.SUBMITTED,
        submitted_by=_user(actor),
        **{k: v for k, v in figures.items() if k in REPORT_FIELDS},
    )
    _save_report(report)
    audit.record(actor=actor, action="income_report.submit", obj=report, unit=village, changes={"year": year})
    return report


@transaction.atomic
def income_report_update(*, report: IncomeReport, actor, **figures) -> IncomeReport:
    """The secretary changes a report that is not yet approved; a sent-back report is submitted again."""

    def guard(report):
        require(actor, SUBMIT, report, _("Only the village's secretary may change its income report."))
        if report.is_locked:
            raise Conflict(
                _("An approved report is locked. Submit a correction with a reason instead."),
                code=ErrorCode.REPORT_LOCKED,
                field="status",
            )

    report, _changes = update_fields(
        report,
        actor=actor,
        fields=figures,
        allowed=REPORT_FIELDS + ("correction_reason",),
        also={"status": ReportStatus.SUBMITTED, "submitted_by": _user(actor), "submitted_at": timezone.now()},
        audit_action="income_report.update",
        unit=lambda report: report.village,
        related=("village",),
        guard=guard,
        check=_check_figures,
    )
    return report


def _supersede(report: IncomeReport) -> None:
    """Mark superseded the approved version `report` replaces (kept, and linked as its `previous`), before `report`
    takes the single approved place (same transaction)."""
    current = (
        IncomeReport.objects.select_for_update()
        .filter(village_id=report.village_id, year=report.year, status=ReportStatus.APPROVED)
        .exclude(pk=report.pk)
        .first()
    )
    if current is not None:
        current.status = ReportStatus.SUPERSEDED
        current.save(update_fields=["status", "updated_at"])
        report.previous = report.previous or current


def _review(actor) -> dict:
    """Who reviewed a report and when: set on the report, not audited (the audit row has the actor)."""
    return {"reviewed_by": _user(actor), "reviewed_at": timezone.now()}


def _approve(report: IncomeReport, actor):
    """Make the new version `report` (a correction, a township's record) the current approved one."""
    _supersede(report)
    report.status = ReportStatus.APPROVED
    report.reviewed_by, report.reviewed_at = _review(actor).values()
    report.return_reason = ""
    report.full_clean()
    report.save()


def _review_submitted(report: IncomeReport, *, actor, denied: str, **options) -> IncomeReport:
    """The township's decision on a submitted report: approve it or send it back."""
    report, _diff = transition(
        report,
        actor=actor,
        allowed_from=(ReportStatus.SUBMITTED,),
        related=("village",),
        guard=lambda report: require(actor, APPROVE, report, denied),
        unit=lambda report: report.village,
        error_code=ErrorCode.REPORT_NOT_SUBMITTED,
        **options,
    )
    return report


@transaction.atomic
def income_report_approve(*, report: IncomeReport, actor) -> IncomeReport:
    """The township approves a submitted report; from then on it is locked. A correction replaces the old version."""
    report = _review_submitted(
        report,
        actor=actor,
        to=ReportStatus.APPROVED,
        also={**_review(actor), "return_reason": ""},
        check=_supersede,
        audit_action="income_report.approve",
        denied=_("Only township staff may approve income reports."),
        message=_("Only a submitted report can be approved."),
    )
    _changed(report)
    notify_decision(submitter=report.submitted_by, approved=True, what=_title(report), url=_url(report), actor=actor)
    return report


@transaction.atomic
def income_report_send_back(*, report: IncomeReport, actor, reason: str) -> IncomeReport:
    """The township sends a submitted report back to the secretary with the reason."""
    message = _("Give the reason for sending the report back.")
    report = _review_submitted(
        report,
        actor=actor,
        to=ReportStatus.RETURNED,
        changes={"return_reason": (reason or "").strip()},
        also=_review(actor),
        check=lambda _report: given(reason, message, code=CoreCode.REQUIRED, field="reason"),
        audit_action="income_report.send_back",
        denied=_("Only township staff may send income reports back."),
        message=_("Only a submitted report can be sent back."),
    )
    notify_decision(
        submitter=report.submitted_by,
        approved=False,
        what=_title(report),
        url=_url(report),
        actor=actor,
        reason=report.return_reason,
    )
    return report


def _title(report: IncomeReport) -> str:
    return _("The %(year)s income report of %(village)s") % {"year": report.year, "village": report.village.name}


def _url(report) -> str:
    return reverse("collective_economy:report", args=[report.pk])


@transaction.atomic
def income_report_correct(*, report: IncomeReport, actor, reason: str, **figures) -> IncomeReport:
    """Correct an approved report: a new version with the reason; the old one is kept. Township staff's correction
    is approved at once; a secretary's waits for the township's review like any submission."""
    report = IncomeReport.objects.select_for_update().select_related("village").get(pk=report.pk)
    is_staff = can(actor, APPROVE, report)
    if not is_staff:
        require(actor, CHANGE, report, _("You may not correct this village's income report."))
    if report.status != ReportStatus.APPROVED:
        raise Conflict(
            _("Only the current approved report can be corrected."), code=ErrorCode.REPORT_NOT_CURRENT, field="status"
        )
    reason = given(reason, _("Give the reason for the correction."), code=CoreCode.REQUIRED, field="correction_reason")
    if IncomeReport.objects.filter(
        village=report.village, year=report.year, status__in=["submitted", "returned"]
    ).exists():
        raise Conflict(
            _("A correction of this report is already waiting for review."),
            code=ErrorCode.REPORT_PENDING,
            field="status",
        )
    last = IncomeReport.objects.filter(village=report.village, year=report.year).order_by("-version").first()
    values = {name: getattr(report, name) for name in REPORT_FIELDS}
    values.update({k: v for k, v in figures.items() if k in REPORT_FIELDS})
    new = IncomeReport(
        village=report.village,
        year=report.year,
        version=last.version + 1,
        status=ReportStatus.SUBMITTED,
        correction_reason=reason,
        previous=report,
        submitted_by=_user(actor),
        **values,
    )
    _check_figures(new)
    new.full_clean(validate_constraints=False)
    new.save()
    if is_staff:
        _approve(new, actor)
        _changed(new)
    audit.record(
        actor=actor,
        action="income_report.correct",
        obj=new,
        unit=report.village,
        changes={"previous": report.pk, "reason": reason, "approved": is_staff},
    )
    return new


@transaction.atomic
def income_report_record_approved(*, village: OrganizationUnit, year: int, actor, reason: str = "", **figures):
    """Township staff record a village's figures from their own sheet (the township's import): a first approved
    version, or a correction of the approved one when the figures differ. Returns (report, action)."""
    _check_village(village)
    require_at(actor, APPROVE, IncomeReport, village, _("Only township staff may record approved income figures."))
    _lock_village(village)
    current = IncomeReport.objects.filter(village=village, year=year, status=ReportStatus.APPROVED).first()
    values = {k: v for k, v in figures.items() if k in REPORT_FIELDS}
    if current is not None:
        if all(getattr(current, k) == v for k, v in values.items()):
            return current, "unchanged"
        return income_report_correct(
            report=current, actor=actor, reason=reason or _("Corrected by import"), **values
        ), "corrected"
    if IncomeReport.objects.filter(village=village, year=year, status__in=["submitted", "returned"]).exists():
        raise Conflict(
            _("A report for this year is waiting for review; review it first."),
            code=ErrorCode.REPORT_PENDING,
            field="year",
        )
    last = IncomeReport.objects.filter(village=village, year=year).order_by("-version").first()
    report = IncomeReport(
        village=village, year=year, version=(last.version + 1) if last else 1, submitted_by=_user(actor), **values
    )
    _check_figures(report)
    report.full_clean(validate_constraints=False)
    report.save()
    _approve(report, actor)
    audit.record(actor=actor, action="income_report.record", obj=report, unit=village, changes={"year": year})
    _changed(report)
    return report, "created"


def recording_villages(rows, actor) -> dict:
    """The rows' villages by id, each checked and all where the actor may record figures (the bulk writes' check)."""
    villages = {row["village"].pk: row["village"] for row in rows}
    for village in villages.values():
        _check_village(village)
    require_at(
        actor,
        APPROVE,
        IncomeReport,
        list(villages.values()),
        _("Only township staff may record approved income figures."),
    )
    return villages


@transaction.atomic
def income_reports_bulk_record(*, rows: list[dict], actor) -> list[IncomeReport]:
    """Record many approved first versions at once (the demo's years of history): each row validated, one insert,
    one audit entry. Rows are dicts of village, year and the report figures."""
    reports = []
    now = timezone.now()
    recording_villages(rows, actor)
    user = _user(actor)
    for row in rows:
        report = IncomeReport(
            status=ReportStatus.APPROVED, version=1, reviewed_by=user, reviewed_at=now, submitted_by=user, **row
        )
        _check_figures(report)
        report.full_clean(exclude=["village"], validate_unique=False, validate_constraints=False)
        reports.append(report)
    with timed(logger, "bulk income record", warn_after=SLOW_SECONDS, rows=len(reports)):
        created = IncomeReport.objects.bulk_create(reports, batch_size=500)
    if created:
        audit.record(actor=actor, action="income_report.bulk_record", obj=created[0], changes={"count": len(created)})
        for year in sorted({r.year for r in created}):
            events.records_changed(source=SOURCE, unit_ids=[r.village_id for r in created if r.year == year], year=year)
    return created


# Projects


def _projects_message():
    return _("Only the village's secretary or township staff may change its projects.")


@transaction.atomic
def project_create(*, village: OrganizationUnit, actor, **fields) -> Project:
    """Record a project behind the village's collective income."""
    _check_village(village)
    require_at(actor, CHANGE, Project, village, _projects_message())
    project = Project(village=village, **{k: v for k, v in fields.items() if k in PROJECT_FIELDS})
    save_new(project, actor=actor, audit_action="project.create", unit=village)
    return project


@transaction.atomic
def project_update(*, project: Project, actor, **fields) -> Project:
    """Change a project's name, model, investment, partners or status."""
    project, _changes = update_fields(
        project,
        actor=actor,
        fields=fields,
        allowed=PROJECT_FIELDS,
        audit_action="project.update",
        unit=lambda project: project.village,
        related=("village",),
        guard=lambda project: require(actor, CHANGE, project, _projects_message()),
    )
    return project


@transaction.atomic
def project_delete(*, project: Project, actor) -> None:
    """Delete a project that has not been scored in a competition."""
    project = Project.objects.select_for_update().select_related("village").get(pk=project.pk)
    require(actor, CHANGE, project, _projects_message())
    if project.scores.exists():
        raise Conflict(
            _("A project scored in a competition cannot be deleted."), code=ErrorCode.PROJECT_SCORED, field="project"
        )
    audit.record(actor=actor, action="project.delete", obj=project, unit=project.village)
    project.delete()


# Targets and plans


def _check_scope_kind(unit):
    if unit.kind not in (*COUNTY_LEVEL, *TOWNSHIP_LEVEL):
        raise Invalid(_("Targets are set for the city or a township."), code=ErrorCode.SCOPE_UNIT_KIND, field="unit")


def _not_here():
    return _("You may not set targets for this unit.")


@transaction.atomic
def threshold_target_set(*, unit, year: int, threshold: Decimal, target_share: Decimal, actor) -> ThresholdTarget:
    """Set (or change) the target share of villages over `threshold` yuan for a scope and year."""
    _check_scope_kind(unit)
    require_at(actor, CHANGE, ThresholdTarget, unit, _not_here())
    target = ThresholdTarget.objects.select_for_update().filter(unit=unit, year=year, threshold=threshold).first()
    before = target.target_share if target else None
    target = target or ThresholdTarget(unit=unit, year=year, threshold=threshold)
    target.target_share = target_share
    target.full_clean()
    target.save()
    audit.record(
        actor=actor,
        action="threshold_target.set",
        obj=target,
        unit=unit,
        changes={"target_share": [str(before), str(target_share)]},
    )
    events.records_changed(source=SOURCE, unit_ids=[unit.pk], year=year)
    return target


@transaction.atomic
def threshold_target_delete(*, target: ThresholdTarget, actor) -> None:
    """Remove a target; the scope falls back on the one set above it."""
    require(actor, CHANGE, target, _not_here())
    audit.record(actor=actor, action="threshold_target.delete", obj=target, unit=target.unit)
    events.records_changed(source=SOURCE, unit_ids=[target.unit_id], year=target.year)
    target.delete()


def threshold_defaults_apply(*, unit, actor) -> list[ThresholdTarget]:
    """Set the Jingzhou defaults (over 200,000 yuan: 50% / 60% / 70% for 2022 / 2023 / 2024) for a scope."""
    return [
        threshold_target_set(unit=unit, year=year, threshold=threshold, target_share=share, actor=actor)
        for year, threshold, share in JINGZHOU_DEFAULTS
    ]


@transaction.atomic
def doubling_plan_set(*, unit, base_year: int, target_year: int, multiple: Decimal = Decimal("2.00"), actor):
    """Set the doubling plan for a scope: incomes in the target year against the base year."""
    _check_scope_kind(unit)
    require_at(actor, CHANGE, DoublingPlan, unit, _not_here())
    plan = DoublingPlan.objects.filter(unit=unit, base_year=base_year).first() or DoublingPlan(
        unit=unit, base_year=base_year
    )
    plan.target_year, plan.multiple = target_year, multiple
    save_new(plan, actor=actor, audit_action="doubling_plan.set", unit=unit)
    return plan


# Rewards


@transaction.atomic
def reward_scheme_create(
    *, unit, name: str, effective_year: int, rules: list[dict], actor, village_cap: Decimal | None = None
) -> RewardScheme:
    """The city's organization department sets a reward scheme and its rules, in force from `effective_year`."""
    _check_scope_kind(unit)
    require_at(actor, CHANGE, RewardScheme, unit, _not_here())
    if not rules:
        raise Invalid(_("A reward scheme needs at least one rule."), code=ErrorCode.RULES_REQUIRED, field="rules")
    scheme = RewardScheme(unit=unit, name=name, effective_year=effective_year, village_cap=village_cap)
    scheme.full_clean()
    scheme.save()
    for order, rule in enumerate(rules):
        item = RewardRule(scheme=scheme, sort_order=order, **rule)
        item.full_clean()
        item.save()
    audit.record(actor=actor, action="reward_scheme.create", obj=scheme, unit=unit, changes={"rules": len(rules)})
    return scheme


@transaction.atomic
def rewards_compute(*, scope, year: int, actor) -> list[VillageReward]:
    """Compute every village's reward for `year` under the scheme in force and store it with its explanation,
    replacing an earlier computation for the same villages and year."""
    require_at(actor, COMPUTE, VillageReward, scope, _("Only the organization department may compute rewards."))
    with timed(logger, "reward computation", warn_after=SLOW_SECONDS, scope=scope.pk, year=year) as log:
        scheme, lines = selectors.rewards_preview(user=actor, scope=scope, year=year)
        log["villages"] = len(lines)
    if scheme is None:
        raise Conflict(_("No reward scheme is in force for this year."), code=ErrorCode.NO_REWARD_SCHEME, field="year")
    village_ids = [line.village.pk for line in lines]
    VillageReward.objects.filter(year=year, village_id__in=village_ids).delete()
    rewards = VillageReward.objects.bulk_create(
        [
            VillageReward(
                village=line.village,
                year=year,
                scheme=scheme,
                amount=line.amount,
                explanation=line.lines,
                computed_by=_user(actor),
            )
            for line in lines
            if line.amount > 0
        ]
    )
    audit.record(
        actor=actor,
        action="rewards.compute",
        obj=scheme,
        unit=scope,
        changes={
            "year": year,
            "villages": len(rewards),
            "amount": str(sum((r.amount for r in rewards), Decimal("0.00"))),
        },
    )
    events.records_changed(source=SOURCE, unit_ids=village_ids, year=year)
    return rewards


# Project competition


@transaction.atomic
def competition_create(*, unit, year: int, name: str, actor) -> ProjectCompetition:
    """Open a project competition 擂台比武 held by the city or a township."""
    _check_scope_kind(unit)
    require_at(actor, CHANGE, ProjectCompetition, unit, _not_here())
    competition = ProjectCompetition(unit=unit, year=year, name=name)
    save_new(competition, actor=actor, audit_action="competition.create", unit=unit)
    return competition


@transaction.atomic
def project_score_set(
    *, competition: ProjectCompetition, project: Project, reviewer, score: Decimal, comment: str = ""
) -> ProjectScore:
    """A reviewer (staff of the unit holding the competition) scores a project under it, 0 to 100."""
    if not project.village.path.startswith(competition.unit.path):
        raise Invalid(
            _("The project's village is not under the unit holding the competition."),
            code=ErrorCode.PROJECT_OUTSIDE_COMPETITION,
            field="project",
        )
    # Both units the score refers to lie in the reviewer's scope: the competition's and the project's village.
    require_at(
        reviewer,
        CHANGE,
        ProjectScore,
        [competition.unit, project.village],
        _("Only staff of the unit holding the competition may score."),
    )
    item = ProjectScore.objects.filter(competition=competition, project=project, reviewer=reviewer).first()
    item = item or ProjectScore(competition=competition, project=project, reviewer=reviewer)
    item.score, item.comment = score, comment
    item.full_clean()
    item.save()
    audit.record(
        actor=reviewer, action="project_score.set", obj=item, unit=project.village, changes={"score": str(score)}
    )
    return item
