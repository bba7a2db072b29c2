"""Periodic reports on the workbench (core/workbench.py): reports to fill and submit (drafts and those sent back,
for the secretary) and reports to approve (township staff). Every queryset starts from `restrict()`."""

from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.permissions import APPROVE, holds_action
from core import workbench

from .models import EDITABLE_STATUSES, SUBMIT, Report, ReportStatus


def _item(report) -> workbench.Item:
    return workbench.Item(
        label=f"{report.form.name} · {report.unit.name} · {report.period_start:%Y-%m}",
        url=reverse("reporting:report", args=[report.pk]),
        note=report.return_reason,
    )


def _reports(user, action: str, statuses):
    return (
        Report.objects.restrict(user, action)
        .filter(status__in=statuses)
        .select_related("form", "unit")
        .order_by("period_start", "id")
    )


def reports_to_fill(user):
    return _reports(user, SUBMIT, EDITABLE_STATUSES)


def reports_waiting(user):
    return _reports(user, APPROVE, (ReportStatus.SUBMITTED,))


@workbench.queue(key="reports_to_submit", label=gettext_lazy("Reports to submit"), order=37)
def reports_to_submit(user):
    if not holds_action(user, Report, SUBMIT):
        return None
    return workbench.short(reports_to_fill(user), _item, reverse("reporting:index"))


@workbench.queue(key="reports_to_approve", label=gettext_lazy("Reports to approve"), order=38)
def reports_to_approve(user):
    if not holds_action(user, Report, APPROVE):
        return None
    return workbench.short(reports_waiting(user), _item, reverse("reporting:index"))
