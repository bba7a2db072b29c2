"""Figures read from periodic reports (issue 14): the indicators staff declare on a numeric field of a form
(`goals.FormIndicator`), loaded into the registry at run time as `form:<id>`.

A unit's figure for a year comes from the answers of its approved reports of the form whose period starts in the
year: the sum of the periods (a flow: members developed) or the latest approved period that answered the field (a
stock: members at period end). An integer answer is stored as a JSON number, a decimal as a string with two places
(`reporting.services.values`): both are read as numbers in SQL (`AnswerNumber`), anything else is skipped.
One grouped query per compute, whatever the number of units or periods.
"""

from datetime import date

from django.db.models import DecimalField, Func, OuterRef, Subquery, Sum

from reporting.models import NUMERIC_KINDS, Answer, Report, ReportStatus

from ..indicators import EVERY_LEVEL, FROM_COUNTY, FROM_TOWNSHIP, Aggregation, Figure, Indicator, dynamic, reported
from ..models import FormIndicator, PeriodValue, ShownLevels
from .base import within

SOURCE = "reporting"
PREFIX = "form:"
# After the indicators declared in code (their sorts run to about 60).
SORT = 200
LEVELS = {ShownLevels.EVERY: EVERY_LEVEL, ShownLevels.TOWNSHIP: FROM_TOWNSHIP, ShownLevels.COUNTY: FROM_COUNTY}
NUMBER = DecimalField(max_digits=18, decimal_places=2)


class AnswerNumber(Func):
    """An answer's JSON value as a number: a JSON number, or a string holding one (a decimal answer); NULL for
    anything else (an empty answer, text left by an older version of the field)."""

    output_field = NUMBER

    def as_postgresql(self, compiler, connection, **extra_context):
        template = (
            "(CASE WHEN jsonb_typeof(%(expressions)s) = 'number' THEN (%(expressions)s #>> '{}')::numeric "
            "WHEN jsonb_typeof(%(expressions)s) = 'string' AND (%(expressions)s #>> '{}') ~ '^-?[0-9]+(\\.[0-9]+)?$' "
            "THEN (%(expressions)s #>> '{}')::numeric END)"
        )
        return self.as_sql(compiler, connection, template=template, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        template = (
            "(CASE WHEN json_type(%(expressions)s) IN ('integer', 'real') THEN json_extract(%(expressions)s, '$') "
            "WHEN json_type(%(expressions)s) = 'text' AND json_extract(%(expressions)s, '$') GLOB '*[0-9]*' "
            "AND json_extract(%(expressions)s, '$') NOT GLOB '*[^0-9.-]*' "
            "THEN CAST(json_extract(%(expressions)s, '$') AS NUMERIC) END)"
        )
        return self.as_sql(compiler, connection, template=template, **extra_context)


def year_answers(form_id: int, field_code: str, year: int):
    """The answers of the field in the form's approved reports whose period starts in `year`."""
    return Answer.objects.filter(
        report__form_id=form_id,
        report__status=ReportStatus.APPROVED,
        report__period_start__gte=date(year, 1, 1),
        report__period_start__lte=date(year, 12, 31),
        field__code=field_code,
        field__kind__in=NUMERIC_KINDS,
        value__isnull=False,
    )


def form_figures(declared: FormIndicator, scope, year: int) -> dict[str, Figure]:
    """{unit path: Figure} of a form-backed indicator in `scope` (a unit, None or `Units`) for `year`."""
    answers = year_answers(declared.form_id, declared.field_code, year)
    if declared.period_value == PeriodValue.LATEST:
        latest = (
            year_answers(declared.form_id, declared.field_code, year)
            .filter(report__unit_id=OuterRef("report__unit_id"))
            .order_by("-report__period_start")
            .values("pk")[:1]
        )
        answers = answers.filter(pk=Subquery(latest))
    rows = (
        within(answers, "report__unit__path", scope)
        .values("report__unit__path")
        .annotate(total=Sum(AnswerNumber("value")))
        .order_by()
    )
    return {row["report__unit__path"]: Figure(row["total"]) for row in rows if row["total"] is not None}


def as_indicator(declared: FormIndicator) -> Indicator:
    def compute(scope, year):
        return form_figures(declared, scope, year)

    return Indicator(
        f"{PREFIX}{declared.pk}",
        declared.name,
        declared.measure,
        Aggregation.SUM,
        SOURCE,
        compute,
        description=f"{declared.form.name} · {declared.field_code}",
        sort=SORT + declared.pk,
        levels=LEVELS[ShownLevels(declared.levels)],
        line=declared.form.unit.path,
    )


@dynamic
def declared_indicators() -> list[Indicator]:
    """The active form-backed indicators: one query."""
    return [as_indicator(d) for d in FormIndicator.objects.filter(is_active=True).select_related("form__unit")]


@reported(SOURCE)
def reporting_units(unit, year):
    """Units under `unit` with an approved periodic report of a period starting in the year."""
    return Report.objects.filter(
        status=ReportStatus.APPROVED,
        period_start__gte=date(year, 1, 1),
        period_start__lte=date(year, 12, 31),
        unit__path__startswith=unit.path,
    ).values_list("unit_id", flat=True)
