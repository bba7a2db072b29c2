"""Portal pages of the annual goal dashboards. Thin: scope, parse, call a selector or service, render."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import CHANGE, can_at
from core.params import BadParameter, parse_year
from core.views import add_service_errors, get_scoped_or_404, run_service
from organizations.models import OrganizationUnit

from . import exports, selectors, services
from . import indicators as registry
from .defaults import table_for
from .errors import ErrorCode
from .forms import TargetForm
from .models import ReportConfirmation, Target

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HISTORY_YEARS = 5
MISSING_PAGE = 100


def _unit_or_404(request, pk):
    return get_scoped_or_404(
        OrganizationUnit.objects.filter(kind__in=services.DASHBOARD_KINDS).select_related("parent"),
        request.user,
        pk=pk,
    )


def _year(request, unit) -> int:
    """The year asked for, else the latest year the unit has figures for, else the current year."""
    year = parse_year(request.GET)  # not a year, or out of range: 400
    if year is None:
        return selectors.latest_year(unit=unit) or timezone.localdate().year
    return year


def _context(request, unit, *, names_missing: bool = True):
    year = _year(request, unit)
    missing = selectors.MISSING_SHOWN if names_missing else 0
    rows = selectors.dashboard_rows(user=request.user, unit=unit, year=year, missing=missing)
    computable = [row.indicator for row in rows if row.indicator.has_source]
    rank_by = request.GET.get("rank")
    if rank_by not in {i.key for i in computable}:
        ratios = [i.key for i in computable if i.aggregation == registry.Aggregation.RATIO]
        rank_by = (ratios or [i.key for i in computable] or [""])[0]
    years = list(range(year - HISTORY_YEARS + 1, year + 1))
    children = selectors.children_table(user=request.user, unit=unit, year=year, rank_by=rank_by)
    history = selectors.history(user=request.user, unit=unit, years=years)
    sources = {}
    for row in rows:
        if row.completeness is not None:
            sources.setdefault(row.indicator.source, row.completeness)
    return {
        "unit": unit,
        "year": year,
        "years": selectors.years_available(unit=unit),
        "rows": rows,
        "computable": computable,
        "rank_by": rank_by,
        "children": children,
        "not_reporting": selectors.children_not_reporting(
            unit=unit, year=year, children=[child for child, _values in children]
        ),
        "computed_at": selectors.computed_at(rows, unit=unit, year=year),
        "breadcrumbs": list(selectors.dashboard_units(user=request.user).ancestors_of(unit, include_self=True)),
        "sources": [(registry.source_label(key), key, c) for key, c in sources.items()],
        "chart_data": {
            "years": years,
            "series": {
                key: {**data, "name": registry.label(key), "percent": registry.get(key).measure == "percent"}
                for key, data in history.items()
            },
        },
        "can_set_targets": unit.kind in services.TARGET_KINDS and can_at(request.user, CHANGE, Target, unit),
        "can_confirm": unit.kind in services.REPORTING_KINDS and can_at(request.user, CHANGE, ReportConfirmation, unit),
    }


@login_required
def home(request):
    unit = selectors.dashboard_home_unit(user=request.user)
    if unit is None:
        raise Http404
    return redirect("goals:dashboard", pk=unit.pk)


@login_required
def dashboard(request, pk):
    unit = _unit_or_404(request, pk)
    return render(request, "goals/dashboard.html", _context(request, unit))


@login_required
def dashboard_print(request, pk):
    unit = _unit_or_404(request, pk)
    return render(request, "goals/dashboard_print.html", _context(request, unit))


@login_required
def dashboard_export(request, pk):
    unit = _unit_or_404(request, pk)
    ctx = _context(request, unit, names_missing=False)
    body = exports.dashboard_workbook(
        unit=unit, year=ctx["year"], rows=ctx["rows"], children=ctx["children"], computed_at=ctx["computed_at"]
    )
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="goals-{unit.code}-{ctx["year"]}.xlsx"'
    return response


@login_required
def missing(request, pk):
    """The units under a dashboard unit that have not reported one source for the year, page by page."""
    unit = _unit_or_404(request, pk)
    year = _year(request, unit)
    source = request.GET.get("source") or next(iter(registry.SOURCES))
    if source not in registry.SOURCES:
        raise BadParameter("source", _("Unknown data source."), code=ErrorCode.UNKNOWN_SOURCE)
    units = selectors.missing_units(unit=unit, year=year, source=source)
    page = Paginator(units.only("pk", "name", "code", "kind"), MISSING_PAGE).get_page(request.GET.get("page"))
    context = {
        "unit": unit,
        "year": year,
        "source_label": registry.source_label(source),
        "page": page,
        "querystring": urlencode({"year": year, "source": source}),
    }
    return render(request, "goals/missing.html", context)


@login_required
@require_POST
def report_confirm(request, pk):
    unit = _unit_or_404(request, pk)
    year = _year(request, unit)
    run_service(
        request,
        lambda: services.report_confirm(
            source=request.POST.get("source", ""), unit=unit, year=year, actor=request.user
        ),
        _("Report confirmed for %(year)s.") % {"year": year},
    )
    return redirect(f"{reverse('goals:dashboard', args=[unit.pk])}?year={year}")


@login_required
@require_http_methods(["GET", "POST"])
def targets(request, pk):
    """A scope unit's targets for a year; organization-department staff set them here."""
    unit = _unit_or_404(request, pk)
    year = _year(request, unit)
    can_set = unit.kind in services.TARGET_KINDS and can_at(request.user, CHANGE, Target, unit)
    form = TargetForm(request.POST or None, initial={"year": year})
    if request.method == "POST":
        if not can_set:
            raise PermissionDenied(_("Only organization-department staff may set targets here."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.target_set(
                    indicator=data["indicator"],
                    unit=unit,
                    year=data["year"],
                    value=data["value"],
                    note=data["note"],
                    actor=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Target saved."))
                return redirect(f"{reverse('goals:targets', args=[unit.pk])}?year={data['year']}")
    items = selectors.targets_visible(user=request.user).filter(unit=unit, year=year)
    context = {
        "unit": unit,
        "year": year,
        "has_defaults": table_for(unit.kind) is not None,
        "items": [
            (t, registry.label(t.indicator))
            for t in sorted(items, key=lambda t: registry.get(t.indicator).sort if registry.get(t.indicator) else 999)
        ],
        "form": form,
        "can_set": can_set,
    }
    return render(request, "goals/targets.html", context)


@login_required
@require_POST
def targets_defaults(request, pk):
    """Load the default table that fits this scope's level (the Jingzhou plan, or a county's share of it)."""
    unit = _unit_or_404(request, pk)
    if unit.kind not in services.TARGET_KINDS or not can_at(request.user, CHANGE, Target, unit):
        raise PermissionDenied(_("Only organization-department staff may set targets here."))
    try:
        count = services.targets_load_defaults(unit=unit, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)s default targets loaded from the Jingzhou plan.") % {"n": count})
    return redirect(f"{reverse('goals:targets', args=[unit.pk])}?year={_year(request, unit)}")


@login_required
def target_list(request):
    """Every target in the user's jurisdiction, filtered by year."""
    items = selectors.targets_visible(user=request.user).order_by("-year", "unit__path", "indicator")
    year = parse_year(request.GET)
    if year is not None:
        items = items.filter(year=year)
    rows = [(t, registry.label(t.indicator)) for t in items[:1000]]
    return render(request, "goals/target_list.html", {"rows": rows, "year": year or ""})


@login_required
@require_POST
def target_delete(request, pk):
    target = get_scoped_or_404(Target.objects.select_related("unit"), request.user, pk=pk)
    services.target_delete(target=target, actor=request.user)
    messages.success(request, _("Target deleted."))
    return redirect(f"{reverse('goals:targets', args=[target.unit_id])}?year={target.year}")
