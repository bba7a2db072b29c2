"""Demo periodic reports (issue 14): a monthly community work report (社区月度工作报表), a quarterly village report
(村级季度报表) and a community duties list (社区工作事项清单, the three lists) defined by Shishou's organization
department through the form builder's services, and several periods filled in.

The demo is dated 2024 like the rest of the county: its "today" is `DEMO_TODAY` (20 December 2024). The monthly
report is filled for July–November by the 50 communities and the quarterly one for Q1–Q3 by the 153 villages:
most approved on time, some submitted late (after the due day, within the open days), some missing, the latest
period's partly awaiting review; the demo community's November and the demo village's Q3 reports were sent back,
and their current period's (December, Q4) is a draft the township opened on their behalf. Half of each form's
fields (three quarters of the monthly one) are bound to prefill sources.

The hundreds of past reports are written by `reports_bulk_create`, a demo-only bulk builder: their prefilled values
are computed here from the records in a few queries (`Figures`, the same definitions as `reporting/sources.py`;
`tests/reporting/test_demo.py` checks a sample against the sources), one audit row a form. The current drafts,
the send-back and the duties lists go through the services a user calls. Draws come from a generator of this
module's own, so the other apps' demo draws are unchanged.
"""

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.permissions import CHANGE, require_at
from cadres.models import ACTIVE_RESERVE_STAGES, DevelopmentRecord, PartyMember, ReserveCadre, TrainingAttendance
from collective_economy.models import IncomeReport
from collective_economy.models import ReportStatus as IncomeStatus
from core import audit
from grid_woodpecker.models import Clue, Woodpecker, WoodpeckerStatus
from organizations.models import OrganizationUnit, UnitKind

from . import prefill, rules, services
from .models import (
    Answer,
    AnswerOrigin,
    FieldKind,
    PeriodType,
    Report,
    ReportForm,
    ReportStatus,
    Severity,
    period_bounds,
    previous_period_start,
)

DEMO_TODAY = date(2024, 12, 20)
MONTHLY, QUARTERLY, DUTIES = "community-monthly", "village-quarterly", "community-duties"
MONTHS = tuple(date(2024, month, 1) for month in range(7, 12))  # July–November: filled; December is current
QUARTERS = (date(2024, 1, 1), date(2024, 4, 1), date(2024, 7, 1))  # Q1–Q3: filled; Q4 is current
MISSING, LATE, WAITING = 0.06, 0.1, 0.15  # shares of the unit-periods: not filed, filed late, awaiting review (last)

FOCUS = ["党建引领", "基层治理", "便民服务", "平安建设", "文明创建"]
INDUSTRIES = ["粮食种植", "稻虾共作", "畜禽养殖", "农产品加工", "乡村旅游", "光伏发电"]
HIGHLIGHTS = [
    "开展“党员进网格”活动，网格员每日巡查，问题及时上报处置。",
    "组织在职党员到社区报到服务，认领微心愿。",
    "召开居民议事会，协商解决小区停车难问题。",
    "开展主题党日活动，集中学习党的二十届三中全会精神。",
    "组织志愿者开展环境卫生整治和文明劝导。",
    "走访慰问困难党员和群众，落实帮扶措施。",
]
# (code, label, kind, prefill, attributes) per section title.
MONTHLY_FIELDS = {
    "党员队伍": [
        ("members", "党员总数", FieldKind.INTEGER, "members", {"unit_label": "人"}),
        ("developed", "本月发展党员", FieldKind.INTEGER, "members_developed", {"unit_label": "人"}),
        ("activists", "入党积极分子", FieldKind.INTEGER, "activists", {"unit_label": "人"}),
        ("young_reserves", "30岁以下后备力量", FieldKind.INTEGER, "young_reserves", {"unit_label": "人"}),
        ("reported_members", "在职党员到社区报到人数", FieldKind.INTEGER, prefill.PREVIOUS, {"unit_label": "人"}),
    ],
    "学习教育": [
        ("training", "党员教育培训人次", FieldKind.INTEGER, "training_person_times", {"unit_label": "人次"}),
        ("theme_days", "开展主题党日次数", FieldKind.INTEGER, "", {"unit_label": "次", "required": True}),
        ("three_meetings", "本月“三会一课”按期开展", FieldKind.YES_NO, "", {"required": True}),
    ],
    "基层治理": [
        ("woodpeckers", "网格啄木鸟人数", FieldKind.INTEGER, "woodpeckers", {"unit_label": "人"}),
        ("clues_filed", "本月收集线索", FieldKind.INTEGER, "clues_filed", {"unit_label": "条"}),
        ("clues_handled", "本月办结线索", FieldKind.INTEGER, "clues_handled", {"unit_label": "条"}),
        ("clues_overdue", "超期未办结线索", FieldKind.INTEGER, "clues_overdue", {"unit_label": "条"}),
        ("visits", "走访群众户数", FieldKind.INTEGER, "", {"unit_label": "户", "required": True}),
    ],
    "服务阵地": [
        ("workers", "社区专职工作者人数", FieldKind.INTEGER, prefill.PREVIOUS, {"unit_label": "人"}),
        ("volunteers", "注册志愿者人数", FieldKind.INTEGER, prefill.PREVIOUS, {"unit_label": "人"}),
        ("center_area", "党群服务中心面积", FieldKind.DECIMAL, prefill.PREVIOUS, {"unit_label": "㎡"}),
        ("partners", "共驻共建单位数", FieldKind.INTEGER, prefill.PREVIOUS, {"unit_label": "个"}),
        ("estates", "居民小区数", FieldKind.INTEGER, prefill.PREVIOUS, {"unit_label": "个"}),
        ("focus", "本月重点工作", FieldKind.CHOICE, "", {"choices": FOCUS, "required": True}),
        ("highlights", "工作亮点及存在问题", FieldKind.TEXT, "", {}),
    ],
}
QUARTERLY_FIELDS = {
    "党员队伍": [
        ("members", "党员总数", FieldKind.INTEGER, "members", {"unit_label": "人"}),
        ("developed", "本季度发展党员", FieldKind.INTEGER, "members_developed", {"unit_label": "人"}),
        ("activists", "入党积极分子", FieldKind.INTEGER, "activists", {"unit_label": "人"}),
        ("young_reserves", "30岁以下后备力量", FieldKind.INTEGER, "young_reserves", {"unit_label": "人"}),
        ("committee", "村“两委”成员人数", FieldKind.INTEGER, prefill.PREVIOUS, {"unit_label": "人"}),
    ],
    "集体经济": [
        ("income", "本年集体经济收入（已审定）", FieldKind.DECIMAL, "collective_income", {"unit_label": "元"}),
        ("new_income", "本季度新增经营性收入", FieldKind.DECIMAL, "", {"unit_label": "万元"}),
        ("projects", "在建集体经济项目个数", FieldKind.INTEGER, "", {"unit_label": "个"}),
        ("industry", "主导产业", FieldKind.CHOICE, "", {"choices": INDUSTRIES, "required": True}),
    ],
    "基层治理": [
        ("clues_filed", "本季度收集线索", FieldKind.INTEGER, "clues_filed", {"unit_label": "条"}),
        ("clues_handled", "本季度办结线索", FieldKind.INTEGER, "clues_handled", {"unit_label": "条"}),
        ("disputes", "调处矛盾纠纷件数", FieldKind.INTEGER, "", {"unit_label": "件"}),
    ],
    "组织生活": [
        ("theme_days", "开展主题党日次数", FieldKind.INTEGER, "", {"unit_label": "次", "required": True}),
        ("visits", "走访群众户数", FieldKind.INTEGER, "", {"unit_label": "户", "required": True}),
        ("funds_ok", "村级组织运转经费足额到位", FieldKind.YES_NO, "", {}),
        ("highlights", "工作亮点及存在问题", FieldKind.TEXT, "", {}),
    ],
}
# The 12 duties a community performs by law (依法履职事项), the first of the three lists.
DUTY_FIELDS = {
    "依法履职事项": [
        ("d01", "召开居民（代表）会议次数", FieldKind.INTEGER, "", {"unit_label": "次"}),
        ("d02", "开展社区议事协商次数", FieldKind.INTEGER, "", {"unit_label": "次"}),
        ("d03", "居务公开按期进行", FieldKind.YES_NO, "", {}),
        ("d04", "人民调解矛盾纠纷件数", FieldKind.INTEGER, "", {"unit_label": "件"}),
        ("d05", "组织平安巡防次数", FieldKind.INTEGER, "", {"unit_label": "次"}),
        ("d06", "组织环境卫生整治次数", FieldKind.INTEGER, "", {"unit_label": "次"}),
        ("d07", "开展群众性文体活动次数", FieldKind.INTEGER, "", {"unit_label": "次"}),
        ("d08", "走访关爱困难群众户数", FieldKind.INTEGER, "", {"unit_label": "户"}),
        ("d09", "组织志愿服务活动次数", FieldKind.INTEGER, "", {"unit_label": "次"}),
        ("d10", "居民公约修订完善", FieldKind.YES_NO, "", {}),
        ("d11", "指导监督业主委员会和物业服务", FieldKind.YES_NO, "", {}),
        ("d12", "培育社区社会组织个数", FieldKind.INTEGER, "", {"unit_label": "个"}),
    ],
}
# Duties some communities do not carry (no estates with a property manager, patrols by the police station, …).
OPTIONAL_DUTIES = ("d05", "d10", "d11", "d12")


def _form(city, actor, *, code, name, period_type, filled_by, due_day, open_days, sections, rule_specs):
    form = services.form_create(
        unit=city,
        actor=actor,
        code=code,
        name=name,
        period_type=period_type,
        filled_by=filled_by,
        due_day=due_day,
        open_days=open_days,
    )
    version = services.version_draft(form=form, actor=actor)
    order = 0
    for number, (title, fields) in enumerate(sections.items(), start=1):
        section = services.section_add(version=version, actor=actor, title=title, order=number)
        for code_, label, kind, source, attrs in fields:
            order += 1
            services.field_add(
                section=section, actor=actor, code=code_, label=label, kind=kind, prefill=source, order=order, **attrs
            )
    for message, structure in rule_specs:
        services.rule_add(version=version, actor=actor, message=message, **structure)
    services.form_publish(form=form, actor=actor)
    return form


def build_forms(city, actor) -> dict[str, ReportForm]:
    monthly = _form(
        city,
        actor,
        code=MONTHLY,
        name="社区月度工作报表",
        period_type=PeriodType.MONTHLY,
        filled_by=[UnitKind.COMMUNITY],
        due_day=5,
        open_days=10,
        sections=MONTHLY_FIELDS,
        rule_specs=[
            ("本月发展党员数不能超过党员总数", {"left": "developed", "operator": "<=", "right_field": "members"}),
            (
                "走访户数超过上月3倍，请说明原因",
                {"left": "visits", "growth_factor": Decimal(3), "severity": Severity.WARNING},
            ),
            (
                "每月应至少开展1次主题党日",
                {"left": "theme_days", "operator": ">=", "right_constant": Decimal(1), "severity": Severity.WARNING},
            ),
        ],
    )
    quarterly = _form(
        city,
        actor,
        code=QUARTERLY,
        name="村级季度报表",
        period_type=PeriodType.QUARTERLY,
        filled_by=[UnitKind.VILLAGE],
        due_day=10,
        open_days=15,
        sections=QUARTERLY_FIELDS,
        rule_specs=[
            ("本季度发展党员数不能超过党员总数", {"left": "developed", "operator": "<=", "right_field": "members"}),
            ("每季度至少开展3次主题党日", {"left": "theme_days", "operator": ">=", "right_constant": Decimal(3)}),
            (
                "走访户数超过上季度3倍，请说明原因",
                {"left": "visits", "growth_factor": Decimal(3), "severity": Severity.WARNING},
            ),
            (
                "新增经营性收入超过上季度3倍，请说明来源",
                {"left": "new_income", "growth_factor": Decimal(3), "severity": Severity.WARNING},
            ),
        ],
    )
    duties = _form(
        city,
        actor,
        code=DUTIES,
        name="社区工作事项清单",
        period_type=PeriodType.HALF_YEARLY,
        filled_by=[UnitKind.COMMUNITY],
        due_day=15,
        open_days=15,
        sections=DUTY_FIELDS,
        rule_specs=[],
    )
    return {MONTHLY: monthly, QUARTERLY: quarterly, DUTIES: duties}


def _moment(day: date, *, end: bool) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max if end else time.min))


class Figures:
    """The registry sources' figures for many units and periods, from one read of each record table: the same
    definitions as `reporting/sources.py`, counted in Python over the demo county's few thousand records."""

    def __init__(self, units):
        self.units = {unit.path: unit for unit in units}
        self.lengths = sorted({len(path) for path in self.units})
        self.members = self._bucket(PartyMember.objects.values_list("unit_path", "joined_on"))
        self.development = self._bucket(
            DevelopmentRecord.objects.values_list(
                "unit__path", "admitted_on", "activist_on", "target_on", "disqualified_on"
            )
        )
        self.training = self._bucket(TrainingAttendance.objects.values_list("person__unit__path", "session__starts_on"))
        self.woodpeckers = self._bucket(
            Woodpecker.objects.filter(status=WoodpeckerStatus.ACTIVE).values_list("grid__path", "confirmed_at")
        )
        self.clues = self._bucket(Clue.objects.values_list("grid_path", "submitted_at", "resolved_at", "deadline"))
        self.income = self._bucket(
            IncomeReport.objects.filter(status=IncomeStatus.APPROVED).values_list(
                "village__path", "year", "total_income"
            )
        )
        self.reserves = self._bucket(
            ReserveCadre.objects.filter(stage__in=ACTIVE_RESERVE_STAGES).values_list(
                "unit__path", "stage_on", "person__birth_date"
            )
        )

    def _bucket(self, rows) -> dict[str, list]:
        buckets = defaultdict(list)
        for path, *values in rows:
            for length in self.lengths:
                if path and path[:length] in self.units:
                    buckets[path[:length]].append(values)
        return buckets

    def compute(self, unit, start: date, end: date) -> dict[str, object]:
        """{source key: value} for the unit and period, as each registered source computes it."""
        path, first, last = unit.path, _moment(start, end=False), _moment(end, end=True)
        clues = self.clues[path]
        born_after = date(end.year - 30, end.month, min(end.day, 28))
        income = [total for year, total in self.income[path] if year == end.year]
        return {
            "members": sum(1 for (joined,) in self.members[path] if joined and joined <= end),
            "members_developed": sum(1 for a, *_ in self.development[path] if a and start <= a <= end),
            "activists": sum(
                1
                for _a, activist, target, out in self.development[path]
                if activist and activist <= end and (target is None or target > end) and (out is None or out > end)
            ),
            "training_person_times": sum(1 for (day,) in self.training[path] if day and start <= day <= end),
            "woodpeckers": sum(1 for (at,) in self.woodpeckers[path] if at and at <= last),
            "clues_filed": sum(1 for filed, *_ in clues if filed and first <= filed <= last),
            "clues_handled": sum(1 for _f, done, _d in clues if done and first <= done <= last),
            "clues_overdue": sum(
                1 for _f, done, deadline in clues if (done is None or done > last) and deadline and deadline < last
            ),
            "collective_income": str(sum(income, Decimal("0.00"))),
            "young_reserves": sum(
                1
                for stage_on, born in self.reserves[path]
                if stage_on and stage_on <= end and born and born > born_after
            ),
        }


def reports_bulk_create(*, form: ReportForm, rows: list[dict], actor) -> list[Report]:
    """Write many already-consistent reports of `form` at once (the demo's past periods): each row has unit,
    period_start, status, submitted_at, reviewed_at, the users and `answers` ({field code: (value, computed, origin,
    comment)}); the counts are taken from the answers. One audit row for the batch."""
    require_at(actor, CHANGE, Report, list({row["unit"].pk: row["unit"] for row in rows}.values()))
    version = form.current_version()
    fields = {field.code: field for field in version.fields.all()}
    reports, answers = [], []
    for row in rows:
        start, end = period_bounds(form.period_type, row["period_start"])
        given = row["answers"]
        reports.append(
            Report(
                form=form,
                version=version,
                unit=row["unit"],
                period_start=start,
                period_end=end,
                status=row["status"],
                prefilled_count=sum(1 for _v, computed, _o, _c in given.values() if computed is not None),
                confirmed_count=sum(1 for _v, _c, origin, _m in given.values() if origin == AnswerOrigin.CONFIRMED),
                typed_count=sum(
                    1 for value, _c, origin, _m in given.values() if origin == AnswerOrigin.TYPED and value is not None
                ),
                return_reason=row.get("return_reason", ""),
                submitted_by=row.get("submitted_by"),
                submitted_at=row.get("submitted_at"),
                first_submitted_at=row.get("submitted_at"),
                reviewed_by=row.get("reviewed_by"),
                reviewed_at=row.get("reviewed_at"),
            )
        )
    with transaction.atomic():
        Report.objects.bulk_create(reports, batch_size=500)
        for report, row in zip(reports, rows, strict=True):
            for code, (value, computed, origin, comment) in row["answers"].items():
                answers.append(
                    Answer(
                        report=report,
                        field=fields[code],
                        value=value,
                        computed=computed,
                        origin=origin,
                        comment=comment,
                    )
                )
        Answer.objects.bulk_create(answers, batch_size=2000)
        if reports:
            audit.record(
                actor=actor,
                action="report.bulk_create",
                obj=reports[0],
                unit=form.unit,
                changes={"form": form.code, "reports": len(reports), "answers": len(answers)},
            )
    return reports


class _Filler:
    """Draws the past reports of one form: statuses, dates and the typed values of each unit, period by period."""

    def __init__(self, rng, form, figures, users, typed):
        self.rng, self.form, self.figures, self.users, self.typed = rng, form, figures, users, typed
        self.fields = list(form.current_version().fields.all())
        self.rules = list(form.current_version().rules.all())
        self.last: dict[int, tuple[date, dict]] = {}  # unit pk -> (period start, values) of its last filed report

    def _when(self, due: date, late: bool) -> datetime:
        days = self.rng.randint(1, self.form.open_days - 1) if late else -self.rng.randint(0, 4)
        day = due + timedelta(days=days)
        return timezone.make_aware(datetime.combine(day, time(self.rng.randint(8, 17), self.rng.randint(0, 59))))

    def row(self, unit, start: date, *, status, late: bool, reviewer) -> dict:
        end = period_bounds(self.form.period_type, start)[1]
        computed = self.figures.compute(unit, start, end)
        last_start, last = self.last.get(unit.pk, (None, None))
        # `previous` answers and the growth rules read the period just before only (`services.reports`).
        before = last if last_start == previous_period_start(self.form.period_type, start) else None
        typed = self.typed(self.rng, unit, last)
        answers, values = {}, {}
        for field in self.fields:
            if field.prefill == prefill.PREVIOUS:
                value_before = before.get(field.code) if before else None
                value = value_before if value_before is not None else typed[field.code]
                origin = AnswerOrigin.CONFIRMED if value_before is not None else AnswerOrigin.TYPED
                answer = [value, value_before, origin]
            elif field.prefill:
                answer = [computed[field.prefill], computed[field.prefill], AnswerOrigin.CONFIRMED]
            else:
                answer = [typed.get(field.code), None, AnswerOrigin.TYPED]
            answers[field.code] = [*answer, ""]
            values[field.code] = answer[0]
        comments = {}
        growth = typed.pop("_comment", None)
        if growth:
            code, comment = growth
            answers[code][3] = comment
            comments[code] = comment
        findings = rules.check(self.rules, values, before or {}, comments)
        if any(finding.blocking for finding in findings):
            raise ValueError(f"demo report of {unit} {start} breaks a blocking rule: {findings}")
        self.last[unit.pk] = (start, values)
        due = self.form.due_on(end)
        submitted = self._when(due, late)
        row = {
            "unit": unit,
            "period_start": start,
            "status": status,
            "answers": {code: tuple(answer) for code, answer in answers.items()},
            "submitted_at": submitted,
            "submitted_by": self.users.get(unit.pk),
        }
        if status in (ReportStatus.APPROVED, ReportStatus.RETURNED):
            row["reviewed_at"] = submitted + timedelta(days=self.rng.randint(1, 3), hours=self.rng.randint(1, 5))
            row["reviewed_by"] = reviewer
        return row


def _community_values(rng, unit, before):
    base = before or {}
    visits = base.get("visits") or rng.randint(60, 240)
    values = {
        "theme_days": rng.choice([1, 1, 1, 2, 2, 3]),
        "three_meetings": rng.random() > 0.05,
        "visits": max(10, round(visits * rng.uniform(0.8, 1.25))),
        "reported_members": rng.randint(15, 120),
        "workers": rng.randint(6, 18),
        "volunteers": rng.randint(40, 400),
        "center_area": str(Decimal(rng.randint(200, 1200)).quantize(Decimal("0.01"))),
        "partners": rng.randint(2, 15),
        "estates": rng.randint(3, 30),
        "focus": rng.choice(FOCUS),
        "highlights": rng.choice(HIGHLIGHTS) if rng.random() < 0.6 else None,
    }
    if before and rng.random() < 0.01:
        values["visits"] = before["visits"] * 4
        values["_comment"] = ("visits", "本月开展“千名干部进万家”大走访活动，走访户数大幅增加。")
    return values


def _village_values(rng, unit, before):
    base = before or {}
    visits = base.get("visits") or rng.randint(100, 400)
    new_income = Decimal(rng.randint(0, 800)) / 100
    return {
        "committee": rng.randint(5, 9),
        "new_income": str(new_income.quantize(Decimal("0.01"))) if rng.random() < 0.85 else None,
        "projects": rng.randint(0, 4),
        "industry": base.get("industry") or rng.choice(INDUSTRIES),
        "disputes": rng.randint(0, 12),
        "theme_days": rng.randint(3, 6),
        "visits": max(20, round(visits * rng.uniform(0.8, 1.25))),
        "funds_ok": rng.random() > 0.08,
        "highlights": rng.choice(HIGHLIGHTS) if rng.random() < 0.5 else None,
    }


def _past_reports(rng, form, units, periods, figures, *, users, reviewers, keep_open, typed) -> list[dict]:
    """The rows of every unit's past reports: most approved on time, some late, some missing; in the last period
    some await review. `keep_open` (the demo unit): its last period is left submitted (sent back afterwards)."""
    filler = _Filler(rng, form, figures, users, typed)
    rows = []
    for start in periods:
        last = start == periods[-1]
        for unit in units:
            draw = rng.random()
            if unit.pk != keep_open and draw < MISSING:
                continue
            late = MISSING <= draw < MISSING + LATE
            waiting = last and (rng.random() < WAITING or unit.pk == keep_open)
            status = ReportStatus.SUBMITTED if waiting else ReportStatus.APPROVED
            rows.append(filler.row(unit, start, status=status, late=late, reviewer=reviewers[unit.parent_id]))
    return rows


def _reviewers(units, township, township_user, orgdept):
    return {unit.parent_id: (township_user if unit.parent_id == township.pk else orgdept) for unit in units}


def build(ctx):
    city, users = ctx.city, ctx.users
    orgdept, township_user = users["orgdept"], users["township"]
    community_user, secretary_user = users["community"], users["secretary"]
    rng = random.Random(f"reporting:{city.code}")  # nosec B311: its own generator (demo data), not a secret
    forms = build_forms(city, orgdept)
    units = list(
        OrganizationUnit.objects.filter(path__startswith=city.path, kind__in=(UnitKind.COMMUNITY, UnitKind.VILLAGE))
        .select_related("parent")
        .order_by("code")
    )
    communities = [u for u in units if u.kind == UnitKind.COMMUNITY]
    villages = [u for u in units if u.kind == UnitKind.VILLAGE]
    demo_community = next(u for u in communities if community_user.role_assignments.filter(unit=u).exists())
    demo_village = next(u for u in villages if secretary_user.role_assignments.filter(unit=u).exists())
    township = demo_community.parent
    secretaries = {demo_community.pk: community_user, demo_village.pk: secretary_user}
    figures = Figures(units)

    monthly_rows = _past_reports(
        rng,
        forms[MONTHLY],
        communities,
        MONTHS,
        figures,
        users=secretaries,
        reviewers=_reviewers(communities, township, township_user, orgdept),
        keep_open=demo_community.pk,
        typed=_community_values,
    )
    quarterly_rows = _past_reports(
        rng,
        forms[QUARTERLY],
        villages,
        QUARTERS,
        figures,
        users=secretaries,
        reviewers=_reviewers(villages, township, township_user, orgdept),
        keep_open=demo_village.pk,
        typed=_village_values,
    )
    monthly = reports_bulk_create(form=forms[MONTHLY], rows=monthly_rows, actor=orgdept)
    quarterly = reports_bulk_create(form=forms[QUARTERLY], rows=quarterly_rows, actor=orgdept)

    # The township sends the demo units' latest reports back and opens their current period's report on their
    # behalf (township staff: the demo's 2024 periods have long closed to secretaries, not to those who reopen).
    for reports, unit, reason in (
        (monthly, demo_community, "走访群众户数与走访台账不一致，请核实后重新上报。"),
        (quarterly, demo_village, "主导产业填写有误，请与村集体经济台账核对。"),
    ):
        latest = max((r for r in reports if r.unit_id == unit.pk), key=lambda r: r.period_start)
        services.report_send_back(report=latest, actor=township_user, reason=reason)
    draft = services.report_open(form=forms[MONTHLY], unit=demo_community, day=date(2024, 12, 1), actor=township_user)
    services.report_save_draft(report=draft, actor=township_user, values={"theme_days": 1, "visits": 96})
    services.report_open(form=forms[QUARTERLY], unit=demo_village, day=date(2024, 10, 1), actor=township_user)

    lists = _duty_lists(rng, forms[DUTIES], communities, orgdept)
    if ctx.stdout:
        ctx.stdout.write(
            f"Reporting: 3 forms, {len(monthly)} monthly community and {len(quarterly)} quarterly village reports, "
            f"{lists} community duty lists."
        )


def _duty_lists(rng, form, communities, actor) -> int:
    """Per-community duty lists (三张清单): two communities in three carry a list without some optional duties;
    their first half-year is filled and approved through the list."""
    codes = [code for code, *_ in DUTY_FIELDS["依法履职事项"]]
    listed = 0
    for unit in communities:
        if rng.random() < 2 / 3:
            dropped = set(rng.sample(OPTIONAL_DUTIES, rng.randint(1, 3)))
            services.unit_items_set(form=form, unit=unit, codes=[c for c in codes if c not in dropped], actor=actor)
            listed += 1
    start, end = period_bounds(form.period_type, date(2024, 1, 1))
    submitted = timezone.make_aware(datetime.combine(form.due_on(end) - timedelta(days=2), time(10)))
    for unit in communities:
        report = services.report_open(form=form, unit=unit, day=start, actor=actor)
        answers = list(report.answers.select_related("field"))
        for answer in answers:
            answer.value = rng.random() > 0.1 if answer.field.kind == FieldKind.YES_NO else rng.randint(1, 24)
        Answer.objects.bulk_update(answers, ["value"])
        Report.objects.filter(pk=report.pk).update(
            status=ReportStatus.APPROVED,
            typed_count=len(answers),
            submitted_at=submitted,
            first_submitted_at=submitted,
            reviewed_at=submitted + timedelta(days=1),
            reviewed_by=actor,
        )
    return listed
