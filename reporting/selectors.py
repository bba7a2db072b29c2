"""Reads of periodic reports that are more than a filter: completeness and timeliness (DHIS2's reporting rate).

For a form and a period under a unit: the units expected to report (the active units of the kinds the form is
filled by, in the subtree of both the form's unit and the asked unit), each on time (submitted or approved, first
submitted on or before the due date), late (first submitted after it) or missing (no report, a draft, or a report
sent back and not submitted again); the counts and rates of the asked unit and of each of its children. Three
queries whatever the number of units (the units, the reports, the children).
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import scope_paths
from organizations.models import PATH_STEP, VILLAGE_LEVEL, OrganizationUnit

from .models import PeriodType, Report, ReportForm, ReportStatus, period_bounds, previous_period_start

ON_TIME, LATE, MISSING = "on_time", "late", "missing"
SUBMITTED_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


def period_label(period_type: str, start: date) -> str:
    """ "2024年5月", "2024年第2季度", "2024年上半年", "2024年度"."""
    if period_type == PeriodType.MONTHLY:
        return _("%(year)s-%(month)s") % {"year": start.year, "month": start.month}
    if period_type == PeriodType.QUARTERLY:
        return _("%(year)s Q%(quarter)s") % {"year": start.year, "quarter": (start.month - 1) // 3 + 1}
    if period_type == PeriodType.HALF_YEARLY:
        if start.month == 1:
            return _("%(year)s first half") % {"year": start.year}
        return _("%(year)s second half") % {"year": start.year}
    return _("%(year)s (year)") % {"year": start.year}


def recent_periods(form: ReportForm, today: date, count: int = 12) -> list[tuple[date, date]]:
    """The last `count` periods of the form that have ended by `today`, latest first."""
    start = previous_period_start(form.period_type, period_bounds(form.period_type, today)[0])
    periods = []
    for _i in range(count):
        periods.append(period_bounds(form.period_type, start))
        start = previous_period_start(form.period_type, start)
    return periods


def forms_for(user):
    """The active forms that concern the user's jurisdiction: defined at a unit above it or inside it."""
    forms = ReportForm.objects.filter(is_active=True, versions__published_at__isnull=False).distinct()
    if user.is_superuser:
        return forms
    q = Q(pk__in=[])
    for path in scope_paths(user):
        prefixes = [path[:end] for end in range(PATH_STEP, len(path) + 1, PATH_STEP)]
        q |= Q(unit__path__startswith=path) | Q(unit__path__in=prefixes)
    return forms.filter(q)


def expected_kinds(form: ReportForm) -> list[str]:
    """The unit kinds that fill the form (every village-level kind when the form names none)."""
    return list(form.filled_by) or list(VILLAGE_LEVEL)


def expected_units(form: ReportForm, unit):
    """The active units expected to report on `form` under `unit` (a queryset; empty when the subtrees are apart)."""
    if unit.path.startswith(form.unit.path):
        root = unit.path
    elif form.unit.path.startswith(unit.path):
        root = form.unit.path
    else:
        return OrganizationUnit.objects.none()
    return OrganizationUnit.objects.filter(path__startswith=root, is_active=True, kind__in=expected_kinds(form))


@dataclass
class UnitState:
    unit_id: int
    name: str
    code: str
    path: str
    state: str
    report_id: int | None = None
    status: str = ""
    first_submitted_at: object = None
    parent_name: str = ""


@dataclass
class Counts:
    unit_id: int
    name: str
    code: str
    kind: str
    expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0

    @property
    def submitted(self) -> int:
        return self.on_time + self.late

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.expected, 1) if self.expected else None

    @property
    def submitted_rate(self) -> float | None:
        return round(100 * self.submitted / self.expected, 1) if self.expected else None

    def add(self, state: str) -> None:
        self.expected += 1
        setattr(self, state, getattr(self, state) + 1)


@dataclass
class Completeness:
    form: ReportForm
    unit: OrganizationUnit
    period_start: date
    period_end: date
    due_on: date
    closes_on: date
    total: Counts
    children: list[Counts] = field(default_factory=list)
    units: list[UnitState] = field(default_factory=list)

    @property
    def missing(self) -> list[UnitState]:
        return [state for state in self.units if state.state == MISSING]

    @property
    def label(self) -> str:
        return period_label(self.form.period_type, self.period_start)


def _state(report: dict | None, due: date) -> str:
    if report is None or report["status"] not in SUBMITTED_STATUSES:
        return MISSING
    first = report["first_submitted_at"] or report["submitted_at"]
    if first is None or timezone.localdate(first) <= due:
        return ON_TIME
    return LATE


def completeness(*, form: ReportForm, unit, day: date) -> Completeness:
    """The completeness of `form` for the period holding `day` under `unit` (the caller has found `unit` and `form`
    in the user's scope: `get_scoped_or_404`, `forms_for`)."""
    start, end = period_bounds(form.period_type, day)
    due = form.due_on(end)
    units = list(
        expected_units(form, unit).order_by("path").values("pk", "name", "code", "path", "parent__name")
    )  # one query (the parent's name by a join)
    reports = {
        row["unit_id"]: row
        for row in Report.objects.filter(
            form=form, period_start=start, unit__in=expected_units(form, unit).values("pk")
        ).values("pk", "unit_id", "status", "first_submitted_at", "submitted_at")
    }
    children = {
        child.path: Counts(child.pk, child.name, child.code, child.kind)
        for child in OrganizationUnit.objects.filter(parent=unit).order_by("sort_order", "path")
    }
    total = Counts(unit.pk, unit.name, unit.code, unit.kind)
    states = []
    width = len(unit.path) + PATH_STEP
    for row in units:
        report = reports.get(row["pk"])
        state = _state(report, due)
        total.add(state)
        child = children.get(row["path"][:width])
        if child is not None:
            child.add(state)
        states.append(
            UnitState(
                unit_id=row["pk"],
                name=row["name"],
                code=row["code"],
                path=row["path"],
                state=state,
                report_id=report["pk"] if report else None,
                status=report["status"] if report else "",
                first_submitted_at=(report["first_submitted_at"] or report["submitted_at"]) if report else None,
                parent_name=row["parent__name"] or "",
            )
        )
    return Completeness(
        form=form,
        unit=unit,
        period_start=start,
        period_end=end,
        due_on=due,
        closes_on=form.closes_on(end),
        total=total,
        children=[counts for counts in children.values() if counts.expected],
        units=states,
    )


def missing_units(form: ReportForm, start: date) -> list[dict]:
    """The expected units of the whole form (its unit's subtree) without a submitted or approved report for the
    period starting `start` (the reminder job's recipients' units): [{"pk", "name"}], two queries."""
    done = Report.objects.filter(form=form, period_start=start, status__in=SUBMITTED_STATUSES).values("unit_id")
    return list(expected_units(form, form.unit).exclude(pk__in=done).order_by("path").values("pk", "name"))
