"""The Excel export of a dashboard: the same figures the page shows (one sheet per section)."""

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from . import indicators as registry


def _num(value):
    return None if value is None else float(value)


def _heading(indicator) -> str:
    # The indicator's name and the unit its column counts in: 发展党员（人）, 示范村（个）, …（%）.
    unit = "%" if indicator.measure == registry.Measure.PERCENT else indicator.measure_label
    return f"{indicator.name}（{unit}）"


def dashboard_workbook(*, unit, year, rows, columns, children, computed_at) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Indicators")
    sheet.append([_("%(unit)s annual goals %(year)s") % {"unit": unit.name, "year": year}])
    sheet["A1"].font = Font(bold=True, size=14)
    when = timezone.localtime(computed_at).strftime("%Y-%m-%d %H:%M") if computed_at else "—"
    sheet.append([_("Figures computed at"), when])
    sheet.append([])
    header = [
        _("indicator"),
        _("unit of measure"),
        _("value"),
        _("numerator"),
        _("denominator"),
        _("target"),
        _("status"),
        _("data source"),
        _("units reported"),
        _("units expected"),
    ]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        rollup = row.rollup
        sheet.append(
            [
                str(row.indicator.name),
                str(registry.Measure(row.indicator.measure).label),
                _num(row.value),
                _num(rollup.numerator) if rollup else None,
                _num(rollup.denominator) if rollup else None,
                _num(row.target.value) if row.target else None,
                str(row.status_label),
                registry.source_label(row.indicator.source),
                row.completeness.reported if row.completeness else None,
                row.completeness.expected if row.completeness else None,
            ]
        )
    sheet.column_dimensions["A"].width = 48
    table = book.create_sheet(_("Units under it"))
    table.append([_("unit"), _("code")] + [_heading(i) for i in columns])
    for cell in table[1]:
        cell.font = Font(bold=True)
    for child, values in children:
        table.append([child.name, child.code] + [_num(values.get(i.key)) for i in columns])
    table.column_dimensions["A"].width = 24
    missing = book.create_sheet(_("Not reported"))
    missing.append([_("data source"), _("unit"), _("code")])
    seen = set()
    for row in rows:
        if row.completeness is None or row.indicator.source in seen:
            continue
        seen.add(row.indicator.source)
        for item in row.completeness.missing:
            missing.append([registry.source_label(row.indicator.source), item.name, item.code])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
