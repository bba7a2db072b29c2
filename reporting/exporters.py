"""The sheet of a report form's answers for a period (`reporting.sheets`): one row per unit expected to fill the
form under the chosen unit — or across the user's whole jurisdiction —, blank for a unit whose report was never
opened. Written by the engine's writer (`core.sheets.export`: xlsx or CSV) and read back by the form's import
(`reporting.importers`). Its queries are fixed whatever the number of units or fields: the units, the reports of
the period, their answers.

(Not an `Exporter` of the engine's registry: its columns come from the form, and its rows are the units expected to
report, with or without a report.)
"""

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from django.utils.translation import gettext as _

from accounts.permissions import VIEW, restrict
from core.sheets.spec import SheetSpec
from organizations.models import OrganizationUnit, UnitKind

from .models import Answer, FormField, Report, ReportForm
from .sheets import PERIOD, STATUS, UNIT_CODE, UNIT_NAME, build_spec, field_key, sheet_fields, to_cell

# The units that fill a form naming no kinds (`ReportForm.filled_by` empty): villages and communities.
DEFAULT_KINDS = (UnitKind.VILLAGE, UnitKind.COMMUNITY)


def expected_units(form: ReportForm, user, root: OrganizationUnit | None = None):
    """The active units under the form's unit (and under `root`, when given) of the kinds that fill it, among those
    the user may view, in tree order."""
    units = OrganizationUnit.objects.filter(
        kind__in=form.filled_by or DEFAULT_KINDS, is_active=True, path__startswith=form.unit.path
    )
    if root is not None:
        units = units.filter(path__startswith=root.path)
    return restrict(units, user, VIEW).order_by("path")


def answer_rows(form: ReportForm, fields: list[FormField], start: date, units) -> Iterator[dict]:
    """A row per unit of `units` (a queryset): code, name, period, status and each field's answer."""
    units = list(units.only("pk", "code", "name", "path"))
    reports = {
        report.unit_id: report
        for report in Report.objects.filter(form=form, period_start=start, unit__in=[u.pk for u in units]).only(
            "pk", "unit_id", "status"
        )
    }
    answers: dict[int, dict] = defaultdict(dict)
    rows = Answer.objects.filter(report__in=[r.pk for r in reports.values()]).values_list(
        "report_id", "field__code", "value"
    )
    for report_id, code, value in rows.iterator(chunk_size=5000):
        answers[report_id][code] = value
    fields = sheet_fields(fields)
    not_opened = _("Not opened")
    for unit in units:
        report = reports.get(unit.pk)
        row = {
            UNIT_CODE: unit.code,
            UNIT_NAME: unit.name,
            PERIOD: start,
            STATUS: str(report.get_status_display()) if report else not_opened,
        }
        values = answers.get(report.pk, {}) if report else {}
        for field in fields:
            row[field_key(field.code)] = to_cell(field, values.get(field.code))
        yield row


def answer_sheet(form: ReportForm, fields: list[FormField], start: date, units) -> tuple[SheetSpec, Iterator[dict]]:
    return build_spec(form, fields), answer_rows(form, fields, start, units)


def filename(form: ReportForm, start: date, root: OrganizationUnit | None) -> str:
    parts = [form.name, root.name if root is not None else "", start.isoformat()]
    return "-".join(part for part in parts if part)
