"""Portal pages of the annual goal dashboards. Thin: scope, parse, call a selector or service, render."""

from decimal import Decimal
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

from accounts.permissions import CHANGE, can, can_at
from core.params import BadParameter, parse_year
from core.views import add_service_errors, get_scoped_or_404, run_service
from organizations.models import OrganizationUnit

from . import bases, exports, selectors, services
from . import indicators as registry
from .defaults import has_table
from .errors import ErrorCode
from .forms import HandDownForm, TargetForm
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
    rank_by = request.GET.get("rank") or ""
    years = list(range(year - HISTORY_YEARS + 1, year + 1))
    children = selectors.children_table(user=request.user, unit=unit, year=year, rank_by=rank_by)
    columns = selectors.children_columns(unit=unit, children=[child for child, _values in children])
    if rank_by not in {i.key for i in columns}:
        ratios = [i.key for i in columns if i.aggregation == registry.Aggregation.RATIO]
        rank_by = (ratios or [i.key for i in columns] or [""])[0]
        children = selectors.rank_children(children, rank_by)
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
        "columns": columns,
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
            "series": {key: {**data, **_chart_labels(registry.get(key))} for key, data in history.items()},
            "children": _children_chart(unit, year, rank_by, children),
        },
        "can_set_targets": unit.kind in services.TARGET_KINDS and can_at(request.user, CHANGE, Target, unit),
        "can_confirm": unit.kind in services.REPORTING_KINDS and can_at(request.user, CHANGE, ReportConfirmation, unit),
    }


def _chart_labels(indicator) -> dict:
    # What the charts write on the value axis: 人, 个, 元, 人次, or % (a percentage's axis runs to 100).
    return {
        "name": str(indicator.name),
        "percent": indicator.measure == registry.Measure.PERCENT,
        "axis": "%" if indicator.measure == registry.Measure.PERCENT else indicator.measure_label,
    }


def _children_chart(unit, year, rank_by, children) -> dict | None:
    """The ranked indicator's values of the children, as the bars of a chart whose bars lead to their dashboards."""
    indicator = registry.get(rank_by)
    if indicator is None or not children:
        return None
    return {
        "key": rank_by,
        **_chart_labels(indicator),
        "units": [
            {
                "name": child.name,
                "url": f"{reverse('goals:dashboard', args=[child.pk])}?year={year}",
                "value": None if values.get(rank_by) is None else float(values[rank_by]),
            }
            for child, values in children
        ],
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
        unit=unit,
        year=ctx["year"],
        rows=ctx["rows"],
        columns=ctx["columns"],
        children=ctx["children"],
        computed_at=ctx["computed_at"],
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
    form = TargetForm(request.POST or None, initial={"year": year}, kind=unit.kind, unit=unit)
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
        "has_defaults": has_table(unit.kind),
        "items": [
            (t, registry.label(t.indicator))
            for t in sorted(items, key=lambda t: registry.get(t.indicator).sort if registry.get(t.indicator) else 999)
        ],
        "form": form,
        "can_set": can_set,
        "hand_down_keys": _hand_down_keys(unit) if can_set else set(),
    }
    return render(request, "goals/targets.html", context)


def _hand_down_keys(unit) -> set[str]:
    """The indicators whose target at `unit` can be handed down: a target fits one of its children's kinds."""
    kinds = set(
        OrganizationUnit.objects.filter(parent=unit, is_active=True, kind__in=services.TARGET_KINDS)
        .order_by()
        .values_list("kind", flat=True)
        .distinct()
    )
    return {i.key for i in registry.all_indicators() if any(i.targets_at(kind) for kind in kinds)}


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


@login_required
@require_http_methods(["GET", "POST"])
def target_hand_down(request, pk):
    """Hand a scope's target down to its children: shared by their base figure (a count) or the same percentage,
    or a value for each child; the children's current targets are shown beside."""
    target = get_scoped_or_404(Target.objects.select_related("unit"), request.user, pk=pk)
    if not can(request.user, CHANGE, target):
        raise PermissionDenied(_("Only organization-department staff may set targets here."))
    definition = registry.get(target.indicator)
    if definition is None:
        raise Http404
    children = services.hand_down_children(target)
    percent = definition.measure == registry.Measure.PERCENT
    base = request.POST.get("base") or definition.base
    base = base if base in bases.BASES else definition.base
    figures = bases.counts(base, children) if children and not percent else {}
    if percent:
        proposed = {child.pk: target.value for child in children}
    elif figures and sum(figures.values()):
        step = Decimal("0.01") if definition.measure == registry.Measure.YUAN else Decimal(1)
        proposed = services.split(target.value, figures, step)
    else:
        proposed = {}
    initial = {"base": definition.base, **{f"value_{pk}": value for pk, value in proposed.items()}}
    form = HandDownForm(request.POST or None, initial=initial, children=children, percent=percent)
    if request.method == "POST" and form.is_valid():
        try:
            written = services.target_hand_down(
                target=target,
                actor=request.user,
                rule=form.cleaned_data["rule"],
                base=form.cleaned_data.get("base") or None,
                values=form.child_values(children),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Target handed down to %(n)s units.") % {"n": len(written)})
            return redirect(f"{reverse('goals:targets', args=[target.unit_id])}?year={target.year}")
    current = {
        t.unit_id: t
        for t in selectors.targets_visible(user=request.user).filter(
            indicator=target.indicator, year=target.year, unit__in=children
        )
    }
    context = {
        "target": target,
        "unit": target.unit,
        "name": registry.label(target.indicator),
        "measure": "%" if percent else definition.measure_label,
        "base_label": bases.label(base),
        "form": form,
        "rows": [
            (child, figures.get(child.pk), proposed.get(child.pk), current.get(child.pk), form[f"value_{child.pk}"])
            for child in children
        ],
    }
    return render(request, "goals/hand_down.html", context)
