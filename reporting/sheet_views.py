"""The report sheets pages (thin): choose a form, a unit (a township, the county, the city — or the whole
jurisdiction) and a period, download the form's answers as a sheet (`reporting.exporters`, xlsx or CSV), and go to
the form's import (`reporting.importers` on the engine's pages, kind "report_<form id>").

For staff: IMPORT on reports somewhere (`accounts.permissions.units_for`), else 403. A form that concerns none of the
user's jurisdiction, or a unit outside it, is not found (404).
"""

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.permissions import IMPORT, VIEW, units_for, units_queryset
from core.errors import ErrorCode
from core.params import ID_MAX, BadParameter, parse_date, parse_int
from core.sheets.export import csv_response, xlsx_response
from core.views.helpers import get_scoped_or_404
from organizations.models import OrganizationUnit, UnitKind

from .exporters import answer_sheet, expected_units, filename
from .models import Report, ReportForm, period_bounds
from .sheets import form_visible, kind_of

# The units a sheet may be asked for: those above villages and communities.
ROOT_KINDS = (
    UnitKind.PROVINCE,
    UnitKind.PREFECTURE,
    UnitKind.CITY,
    UnitKind.DISTRICT,
    UnitKind.COUNTY,
    UnitKind.TOWNSHIP,
    UnitKind.STREET,
    UnitKind.DEVELOPMENT_ZONE,
)
PERIODS_SHOWN = 12
ROOTS_SHOWN = 300
FORMATS = ("xlsx", "csv")


def _staff(user) -> None:
    if not units_for(user, Report, IMPORT):
        raise PermissionDenied(_("Only township and organization-department staff export report sheets."))


def _chosen_form(request):
    """The form of `?form=` with its published version, or None when none is asked; 404 outside the jurisdiction."""
    pk = parse_int(request.GET, "form", min_value=1, max_value=ID_MAX)
    if pk is None:
        return None, None
    form = ReportForm.objects.filter(pk=pk, is_active=True).select_related("unit").first()
    if form is None or not form_visible(request.user, form):
        raise Http404
    version = form.current_version()
    if version is None:
        raise Http404
    return form, version


def _root(request):
    pk = parse_int(request.GET, "unit", min_value=1, max_value=ID_MAX)
    if pk is None:
        return None
    return get_scoped_or_404(OrganizationUnit.objects.all(), request.user, VIEW, pk=pk)


def last_finished(period_type: str, today: date) -> date:
    """The start of the last period that has ended (the one whose report is due now)."""
    current = period_bounds(period_type, today)[0]
    return period_bounds(period_type, current - timedelta(days=1))[0]


def _period(request, form) -> date:
    day = parse_date(request.GET, "period")
    return period_bounds(form.period_type, day)[0] if day else last_finished(form.period_type, timezone.localdate())


def _periods(form, today: date) -> list[tuple[date, date]]:
    """The current period and the ones before it, latest first."""
    found, day = [], today
    for _i in range(PERIODS_SHOWN):
        start, end = period_bounds(form.period_type, day)
        found.append((start, end))
        day = start - timedelta(days=1)
    return found


def _roots(user, form):
    """The units above the reporting level, in the user's jurisdiction, that the form concerns."""
    path = form.unit.path
    above = [path[:i] for i in range(1, len(path))]
    units = units_queryset(user, Report, VIEW).filter(kind__in=ROOT_KINDS, is_active=True)
    return units.filter(Q(path__startswith=path) | Q(path__in=above)).order_by("path")[:ROOTS_SHOWN]


@login_required
@require_GET
def sheets(request):
    """The forms the user's jurisdiction fills; for the one chosen, the unit and period of its sheet and its import."""
    _staff(request.user)
    form, _version = _chosen_form(request)
    forms = ReportForm.objects.filter(is_active=True, versions__published_at__isnull=False).distinct()
    context = {"forms": [f for f in forms.select_related("unit").order_by("name") if form_visible(request.user, f)]}
    if form is not None:
        today = timezone.localdate()
        context.update(
            chosen=form,
            roots=list(_roots(request.user, form)),
            periods=_periods(form, today),
            default_period=last_finished(form.period_type, today),
            kind=kind_of(form),
        )
    return render(request, "reporting/sheets.html", context)


@login_required
@require_GET
def sheet_export(request):
    """`?form=&unit=&period=&fmt=xlsx|csv`: the form's answers for the period, one row per unit expected to fill it
    under `unit` (default: the user's whole jurisdiction)."""
    _staff(request.user)
    form, version = _chosen_form(request)
    if form is None:
        raise Http404
    fmt = request.GET.get("fmt") or "xlsx"
    if fmt not in FORMATS:
        raise BadParameter("fmt", _("Choose xlsx or csv."), code=ErrorCode.INVALID_CHOICE)
    root = _root(request)
    start = _period(request, form)
    fields = list(version.fields.order_by("section__order", "order", "pk"))
    spec, rows = answer_sheet(form, fields, start, expected_units(form, request.user, root))
    name = f"{filename(form, start, root)}.{fmt}"
    if fmt == "csv":
        return csv_response(spec, rows, name)
    return xlsx_response(spec, rows, name)
