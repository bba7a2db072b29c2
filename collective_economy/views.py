"""Portal pages of the collective economy. Thin: scope, parse, call a service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import APPROVE, CHANGE, VIEW, can, can_at, restrict, units_for, units_queryset
from core.errors import ErrorCode as CoreCode
from core.params import parse_year
from core.views import add_service_errors, get_scoped_or_404, run_service, submit_form
from organizations.models import ABOVE_COUNTY, COUNTY_LEVEL, TOWNSHIP_LEVEL, OrganizationUnit, UnitKind

from . import charts, selectors, services
from .forms import (
    IncomeCorrectionForm,
    IncomeReportForm,
    IncomeReportSubmitForm,
    ProjectForm,
    ScoreForm,
    SendBackForm,
    TargetForm,
)
from .models import (
    COMPUTE,
    REPORT_EDIT_STATUSES,
    SUBMIT,
    IncomeReport,
    Project,
    ProjectCompetition,
    ProjectScore,
    ReportStatus,
    ThresholdTarget,
    VillageReward,
)

FIGURES = ("total_income", "operating_income", "income_sources", "development_model", "assets", "debt")


def _year(request) -> int:
    year = parse_year(request.GET) or parse_year(request.POST)  # not a year, or out of range: 400
    if year is not None:
        return year
    latest = IncomeReport.objects.filter(status=ReportStatus.APPROVED).order_by("-year").values_list("year", flat=True)
    return latest.first() or timezone.localdate().year - 1


def _unit(request, pk, kinds=None):
    qs = OrganizationUnit.objects.select_related("parent")
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return get_scoped_or_404(qs, request.user, pk=pk)


def _years_around(year):
    return list(range(year - 3, year + 2))


def _counties_for_upper_levels(roots):
    """A province or prefecture keeps no collective income of its own: it stands for its county-level units."""
    upper = [root for root in roots if root.kind in ABOVE_COUNTY]
    if not upper:
        return roots
    counties = OrganizationUnit.objects.filter(kind__in=COUNTY_LEVEL)
    counties = counties.filter(Q(*[Q(path__startswith=root.path) for root in upper], _connector=Q.OR))
    return [root for root in roots if root.kind not in ABOVE_COUNTY] + list(counties.order_by("path"))


@login_required
def index(request):
    """Each user lands on their scope: the city view, their township's table or their village."""
    roots = (
        OrganizationUnit.objects.filter(parent__isnull=True)
        if request.user.is_superuser
        else OrganizationUnit.objects.filter(path__in=units_for(request.user, OrganizationUnit, VIEW))
    )
    roots = _counties_for_upper_levels(list(roots.order_by("path")))
    if len(roots) == 1:
        root = roots[0]
        if root.kind in COUNTY_LEVEL:
            return redirect("collective_economy:city", pk=root.pk)
        if root.kind in TOWNSHIP_LEVEL:
            return redirect("collective_economy:township", pk=root.pk)
        if root.kind == UnitKind.VILLAGE:
            return redirect("collective_economy:village", pk=root.pk)
    return render(request, "collective_economy/index.html", {"roots": roots, "county_kinds": COUNTY_LEVEL})


@login_required
def township_table(request, pk):
    township = _unit(request, pk, TOWNSHIP_LEVEL)
    year = _year(request)
    table = selectors.income_table(user=request.user, scope=township, year=year)
    context = {
        "scope": township,
        "table": table,
        "year": year,
        "years": _years_around(year),
        "can_review": can_at(request.user, APPROVE, IncomeReport, township),
    }
    return render(request, "collective_economy/township.html", context)


@login_required
def city_view(request, pk):
    city = _unit(request, pk, COUNTY_LEVEL)
    year = _year(request)
    table, townships = selectors.city_overview(user=request.user, city=city, year=year)
    context = {"scope": city, "table": table, "townships": townships, "year": year, "years": _years_around(year)}
    return render(request, "collective_economy/city.html", context)


@login_required
def village_detail(request, pk):
    village = _unit(request, pk, [UnitKind.VILLAGE])
    history = selectors.village_history(user=request.user, village=village)
    context = {
        "village": village,
        "history": history,
        "chart": charts.income_bars(history),
        "versions": selectors.village_versions(user=request.user, village=village),
        "projects": Project.objects.restrict(request.user).filter(village=village),
        "is_secretary": can_at(request.user, SUBMIT, IncomeReport, village) and not request.user.is_superuser,
        "can_edit_projects": can_at(request.user, CHANGE, Project, village),
    }
    return render(request, "collective_economy/village.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def report_submit(request, village_pk):
    village = _unit(request, village_pk, [UnitKind.VILLAGE])
    if not can_at(request.user, SUBMIT, IncomeReport, village):
        raise PermissionDenied(_("Only the village's secretary may submit its income report."))
    # Less paperwork: start from last year's approved figures, the secretary changes what changed.
    last = IncomeReport.objects.filter(village=village, status=ReportStatus.APPROVED).order_by("-year").first()
    initial = {"year": (last.year + 1) if last else timezone.localdate().year - 1}
    if last:
        initial.update({name: getattr(last, name) for name in FIGURES})
    form = IncomeReportSubmitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            report = services.income_report_submit(village=village, year=data.pop("year"), actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Report submitted; the township will review it."))
            return redirect("collective_economy:report", pk=report.pk)
    return render(
        request,
        "collective_economy/report_form.html",
        {"form": form, "village": village, "title": _("Submit income report")},
    )


def _report(request, pk, action="view"):
    return get_scoped_or_404(
        IncomeReport.objects.select_related("village", "village__parent", "previous", "submitted_by", "reviewed_by"),
        request.user,
        action,
        pk=pk,
    )


def _changes(old, new) -> list[tuple[str, object, object]]:
    """The figures a correction changed, for the reviewer: (label, old value, new value)."""
    out = []
    for name in FIGURES:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            field = IncomeReport._meta.get_field(name)
            if field.choices:
                before, after = dict(field.choices).get(before, before), dict(field.choices).get(after, after)
            out.append((field.verbose_name, before, after))
    return out


@login_required
def report_detail(request, pk):
    report = _report(request, pk)
    village = report.village
    context = {
        "report": report,
        "can_review": report.status == ReportStatus.SUBMITTED and can(request.user, APPROVE, report),
        "can_edit": report.status in REPORT_EDIT_STATUSES and can(request.user, SUBMIT, report),
        "can_correct": report.status == ReportStatus.APPROVED and can(request.user, CHANGE, report),
        "send_back_form": SendBackForm(),
        "changes": _changes(report.previous, report) if report.previous_id else [],
        "versions": IncomeReport.objects.restrict(request.user)
        .filter(village=village, year=report.year)
        .order_by("-version"),
    }
    return render(request, "collective_economy/report_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request, pk):
    report = _report(request, pk, CHANGE)
    if not can(request.user, SUBMIT, report):
        raise PermissionDenied(_("Only the village's secretary may change its income report."))
    initial = {name: getattr(report, name) for name in FIGURES}
    form = IncomeReportForm(request.POST or None, initial=initial)
    message = _("Report submitted again; the township will review it.")
    if submit_form(request, form, services.income_report_update, message, report=report)[0]:
        return redirect("collective_economy:report", pk=report.pk)
    context = {"form": form, "village": report.village, "report": report, "title": _("Edit income report")}
    return render(request, "collective_economy/report_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def report_correct(request, pk):
    report = _report(request, pk, CHANGE)
    initial = {name: getattr(report, name) for name in FIGURES}
    form = IncomeCorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            new = services.income_report_correct(
                report=report, actor=request.user, reason=data.pop("correction_reason"), **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Correction recorded as version %(version)s.") % {"version": new.version})
            return redirect("collective_economy:report", pk=new.pk)
    context = {"form": form, "village": report.village, "report": report, "title": _("Correct an approved report")}
    return render(request, "collective_economy/report_form.html", context)


@login_required
@require_POST
def report_approve(request, pk):
    report = _report(request, pk, CHANGE)
    run_service(
        request,
        lambda: services.income_report_approve(report=report, actor=request.user),
        _("Report approved and locked."),
    )
    return redirect("collective_economy:report", pk=report.pk)


@login_required
@require_POST
def report_send_back(request, pk):
    report = _report(request, pk, CHANGE)
    form = SendBackForm(request.POST)

    def send_back():
        if not form.is_valid():
            raise ValidationError(_("Give the reason for sending the report back."), code=CoreCode.REQUIRED)
        return services.income_report_send_back(report=report, actor=request.user, reason=form.cleaned_data["reason"])

    run_service(request, send_back, _("Report sent back to the village."))
    return redirect("collective_economy:report", pk=report.pk)


@login_required
def review_queue(request):
    reports = selectors.reports_awaiting_review(user=request.user)
    return render(request, "collective_economy/review_queue.html", {"reports": reports})


def _city_of(request):
    units = (
        OrganizationUnit.objects.filter(kind__in=COUNTY_LEVEL)
        if request.user.is_superuser
        else restrict(OrganizationUnit.objects.filter(kind__in=[*COUNTY_LEVEL, *TOWNSHIP_LEVEL]), request.user)
    )
    return units.order_by("depth", "path").first()


@login_required
@require_http_methods(["GET", "POST"])
def rewards(request):
    scope = _city_of(request)
    if scope is None:
        raise PermissionDenied(_("Rewards are shown to city and township staff."))
    year = _year(request)
    if request.method == "POST":
        try:
            computed = services.rewards_compute(scope=scope, year=year, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Rewards computed for %(n)s villages.") % {"n": len(computed)})
        return redirect(f"{request.path}?year={year}")
    stored = list(selectors.rewards_for(user=request.user, scope=scope, year=year))
    scheme = selectors.scheme_for(scope=scope, year=year)
    context = {
        "scope": scope,
        "year": year,
        "years": _years_around(year),
        "scheme": scheme,
        "rules": list(scheme.rules.all()) if scheme else [],
        "rewards": stored,
        "totals": selectors.reward_totals(stored),
        "can_compute": can_at(request.user, COMPUTE, VillageReward, scope),
    }
    return render(request, "collective_economy/rewards.html", context)


@login_required
def project_list(request):
    projects = selectors.projects_visible(user=request.user).order_by("village__path", "name")
    competitions = ProjectCompetition.objects.restrict(request.user).select_related("unit")
    return render(request, "collective_economy/projects.html", {"projects": projects, "competitions": competitions})


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request, village_pk):
    village = _unit(request, village_pk, [UnitKind.VILLAGE])
    form = ProjectForm(request.POST or None)
    if submit_form(request, form, services.project_create, _("Project saved."), village=village)[0]:
        return redirect("collective_economy:village", pk=village.pk)
    return render(request, "collective_economy/project_form.html", {"form": form, "village": village})


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request, pk):
    project = get_scoped_or_404(Project.objects.select_related("village"), request.user, CHANGE, pk=pk)
    form = ProjectForm(request.POST or None, instance=project)
    if submit_form(request, form, services.project_update, _("Project saved."), project=project)[0]:
        return redirect("collective_economy:village", pk=project.village_id)
    context = {"form": form, "village": project.village, "project": project}
    return render(request, "collective_economy/project_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def competition_detail(request, pk):
    competition = get_scoped_or_404(ProjectCompetition.objects.select_related("unit"), request.user, pk=pk)
    projects = selectors.projects_visible(user=request.user).filter(village__path__startswith=competition.unit.path)
    form = ScoreForm(request.POST or None, projects=projects)
    can_score = can_at(request.user, CHANGE, ProjectScore, competition.unit)
    if request.method == "POST":
        if not can_score:
            raise PermissionDenied(_("Only staff of the unit holding the competition may score."))
        scored = submit_form(
            request, form, services.project_score_set, _("Score saved."), actor_arg="reviewer", competition=competition
        )
        if scored[0]:
            return redirect("collective_economy:competition", pk=competition.pk)
    ranking = selectors.competition_ranking(user=request.user, competition=competition)
    context = {"competition": competition, "ranking": ranking, "form": form, "can_score": can_score}
    return render(request, "collective_economy/competition.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def targets(request):
    """Threshold targets as data: those set in the user's jurisdiction, and a form for staff to set one."""
    scopes = units_queryset(request.user, ThresholdTarget, CHANGE).filter(kind__in=[*COUNTY_LEVEL, *TOWNSHIP_LEVEL])
    form = TargetForm(request.POST or None, scopes=scopes.order_by("path"))
    if request.method == "POST":
        if not units_for(request.user, ThresholdTarget, CHANGE):
            raise PermissionDenied(_("You may not set targets for this unit."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data.get("jingzhou_defaults"):
                    services.threshold_defaults_apply(unit=data["unit"], actor=request.user)
                else:
                    services.threshold_target_set(
                        unit=data["unit"],
                        year=data["year"],
                        threshold=data["threshold"],
                        target_share=data["target_share"],
                        actor=request.user,
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Target saved."))
                return redirect("collective_economy:targets")
    rows = selectors.targets_visible(user=request.user)
    return render(
        request, "collective_economy/targets.html", {"form": form, "targets": rows, "can_set": scopes.exists()}
    )
