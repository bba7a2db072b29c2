"""The periodic reports pages (thin: the services do the work, `restrict()` chooses the rows): the list of reports
(with the forms a secretary's unit has due), the fill page with its autosave endpoint, and the township's review."""

import re
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import APPROVE, CHANGE, IMPORT, VIEW, can, holds_action, units_for
from core.views.helpers import get_scoped_or_404
from organizations.models import OrganizationUnit

from . import prefill, services
from .models import REOPEN, SUBMIT, FieldKind, Report, ReportForm, ReportStatus, period_bounds
from .services.reports import closed_since, findings


def _due(user) -> list[dict]:
    """For each unit where the user submits reports: the active published forms above it that its kind fills, with
    the last finished period (the one due now) and the report if it was opened."""
    paths = units_for(user, Report, SUBMIT)
    if not paths:
        return []
    units = list(OrganizationUnit.objects.filter(path__in=paths).order_by("path")[:50])
    forms = list(ReportForm.objects.filter(is_active=True, versions__published_at__isnull=False).distinct())
    last_period_day = timezone.localdate()
    due = []
    for unit in units:
        for form in forms:
            if unit.path.startswith(form.unit.path) and (not form.filled_by or unit.kind in form.filled_by):
                start, _end = period_bounds(form.period_type, last_period_day)
                day = start - timedelta(days=1)
                due.append({"form": form, "unit": unit, "day": day, "start": period_bounds(form.period_type, day)[0]})
    opened = {
        (r.form_id, r.unit_id, r.period_start): r
        for r in Report.objects.filter(unit__in=units, period_start__in={d["start"] for d in due})
    }
    for item in due:
        item["report"] = opened.get((item["form"].pk, item["unit"].pk, item["start"]))
    return due


@login_required
def index(request):
    """The reports in the user's jurisdiction by status, and the forms the user's units have due."""
    reports = (
        Report.objects.restrict(request.user)
        .select_related("form", "unit")
        .order_by("-period_start", "unit__path", "pk")[:200]
    )
    groups = {status: [] for status in ReportStatus.values}
    for report in reports:
        groups[report.status].append(report)
    context = {
        "groups": [(ReportStatus(s).label, r) for s, r in groups.items()],
        "due": _due(request.user),
        "show_completeness": bool(units_for(request.user, Report, APPROVE)),
    }
    context["can_sheets"] = holds_action(request.user, Report, IMPORT)
    return render(request, "reporting/index.html", context)


@login_required
@require_POST
def report_open(request):
    """Open (or find) the report of a unit for a form's period, prefilled, and go to its fill page."""
    try:
        unit_pk, form_pk = int(request.POST.get("unit", "")), int(request.POST.get("form", ""))
        day = date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        raise Http404 from None
    unit = get_scoped_or_404(OrganizationUnit.objects.all(), request.user, VIEW, pk=unit_pk)
    form = ReportForm.objects.filter(pk=form_pk, is_active=True).select_related("unit").first()
    if form is None or not unit.path.startswith(form.unit.path):
        raise Http404
    try:
        report = services.report_open(form=form, unit=unit, day=day, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reporting:index")
    return redirect("reporting:report", pk=report.pk)


def _report(request, pk, action=VIEW) -> Report:
    return get_scoped_or_404(Report.objects.select_related("form", "unit", "version"), request.user, action, pk=pk)


_CELL = re.compile(r"^cell-(?P<code>[a-z][a-z0-9_-]{0,39})-(?P<row>\d{1,4})-(?P<column>[a-z][a-z0-9_]{0,29})$")
BLANK_ROWS = 3  # the blank rows a table field offers (the page works without JavaScript; 添加一行 adds more)


def _table_rows(request) -> dict[str, list[dict]]:
    """{field code: [row dicts]} from the cells `cell-<code>-<row>-<column>` of a table field, in row order."""
    tables: dict[str, dict[int, dict]] = {}
    for key, value in request.POST.items():
        match = _CELL.match(key)
        if match:
            rows = tables.setdefault(match["code"], {})
            rows.setdefault(int(match["row"]), {})[match["column"]] = value
    return {code: [rows[i] for i in sorted(rows)] for code, rows in tables.items()}


def _posted(request, report) -> tuple[dict, dict, dict]:
    """The values, comments and uploaded files in the POST, by field code (only the fields the form sent). A file
    field keeps its file unless a new one is uploaded or 删除文件 is ticked."""
    values, comments, files = {}, {}, {}
    tables = _table_rows(request)
    for answer in report.answers.select_related("field"):
        code, kind = answer.field.code, answer.field.kind
        if kind == FieldKind.FILE:
            if request.FILES.get(f"value-{code}"):
                files[code] = request.FILES[f"value-{code}"]
            elif request.POST.get(f"clear-{code}"):
                values[code] = None
        elif kind == FieldKind.TABLE:
            if code in tables or f"present-{code}" in request.POST:
                values[code] = tables.get(code, [])
        elif f"value-{code}" in request.POST or f"present-{code}" in request.POST:
            if kind == FieldKind.MULTIPLE:
                values[code] = request.POST.getlist(f"value-{code}")
            else:
                values[code] = request.POST.get(f"value-{code}", "")
        if f"comment-{code}" in request.POST:
            comments[code] = request.POST.get(f"comment-{code}", "")
    return values, comments, files


def _grid(field, value, editable: bool) -> list[list[tuple[dict, object]]]:
    """A table field's rows as [(column, cell value)] lists, with blank rows to type into when editable."""
    rows = [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []
    if editable:
        rows = rows + [{}] * BLANK_ROWS
    return [[(column, row.get(column["code"])) for column in field.columns] for row in rows]


def _errors(exc: ValidationError) -> dict:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def _rows(report, errors: dict, posted: dict, editable: bool = False):
    by_field: dict = {}
    for finding in findings(report):
        by_field.setdefault(finding.field, []).append(finding)
    rows, section = [], None
    for answer in report.answers.select_related("field__section").order_by("field__section__order", "field__order"):
        field = answer.field
        rows.append(
            {
                "answer": answer,
                "field": field,
                "section": field.section.title if field.section_id != section else None,
                "value": posted.get(field.code, answer.value),
                "grid": _grid(field, posted.get(field.code, answer.value), editable)
                if field.kind == FieldKind.TABLE
                else None,
                "source": prefill.label(field.prefill) if field.prefill else "",
                "findings": by_field.get(field.code, []),
                "errors": errors.get(field.code, []),
            }
        )
        section = field.section_id
    return rows


@login_required
def report_detail(request, pk):
    """The fill page (draft or sent back, for who may fill it), else the report as filed, with the review buttons."""
    report = _report(request, pk)
    editable = report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED) and can(request.user, CHANGE, report)
    closed = closed_since(report.form, report.unit, report.period_end, request.user, report) if editable else None
    editable = editable and closed is None
    errors, posted = {}, {}
    if request.method == "POST":
        if not can(request.user, CHANGE, report):
            raise PermissionDenied(_("You may not fill this report."))
        if not editable:
            return redirect("reporting:report", pk=report.pk)
        posted, comments, files = _posted(request, report)
        try:
            services.report_save_draft(report=report, actor=request.user, values=posted, comments=comments, files=files)
            if "submit" in request.POST:
                services.report_submit(report=report, actor=request.user)
                messages.success(request, _("The report is submitted."))
            return redirect("reporting:report", pk=report.pk)
        except ValidationError as exc:
            errors = _errors(exc)
        report.refresh_from_db()
    context = {
        "report": report,
        "editable": editable,
        "rows": _rows(report, errors, posted, editable),
        "general_errors": errors.get("__all__", []),
        "total": report.answers.count(),
        "can_submit": can(request.user, SUBMIT, report),
        "can_review": report.status == ReportStatus.SUBMITTED and can(request.user, APPROVE, report),
        "can_reopen": can(request.user, REOPEN, report)
        and (
            report.status == ReportStatus.APPROVED
            or (report.status != ReportStatus.SUBMITTED and timezone.localdate() > report.closes_on)
        ),
        "closed_on": closed,
    }
    return render(request, "reporting/report.html", context, status=400 if errors else 200)


@login_required
@require_POST
def report_draft(request, pk):
    """The autosave (static/js/report_autosave.js): save what was typed, answer the rules' messages as JSON."""
    report = _report(request, pk)
    values, comments, files = _posted(request, report)
    try:
        services.report_save_draft(report=report, actor=request.user, values=values, comments=comments, files=files)
    except ValidationError as exc:
        return JsonResponse({"saved": False, "errors": _errors(exc)}, status=400)
    found: dict = {}
    for finding in findings(report):
        found.setdefault(finding.field, []).append({"message": finding.message, "blocking": finding.blocking})
    return JsonResponse({"saved": True, "findings": found})


def _review(request, pk, step):
    report = _report(request, pk)
    try:
        if step == "approve":
            services.report_approve(report=report, actor=request.user)
        elif step == "send_back":
            services.report_send_back(report=report, actor=request.user, reason=request.POST.get("reason", ""))
        else:
            services.report_reopen(report=report, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("reporting:report", pk=report.pk)


@login_required
@require_POST
def report_approve(request, pk):
    return _review(request, pk, "approve")


@login_required
@require_POST
def report_send_back(request, pk):
    return _review(request, pk, "send_back")


@login_required
@require_POST
def report_reopen(request, pk):
    return _review(request, pk, "reopen")
