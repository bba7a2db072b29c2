"""The collective economy's queues on the workbench (core/workbench.py): income reports awaiting approval (township
staff) and reports sent back to their village (secretaries). Every queryset starts from `restrict()`."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import APPROVE, holds_action
from core import workbench

from .models import SUBMIT, IncomeReport, ReportStatus


def _item(report) -> workbench.Item:
    return workbench.Item(
        label=_("%(village)s, %(year)s") % {"village": report.village.name, "year": report.year},
        url=reverse("collective_economy:report", args=[report.pk]),
        note=report.return_reason,
    )


def _reports(user, action: str, status: str):
    return (
        IncomeReport.objects.restrict(user, action)
        .filter(status=status)
        .select_related("village")
        .order_by("submitted_at", "id")
    )


def reports_to_approve(user):
    return _reports(user, APPROVE, ReportStatus.SUBMITTED)


@workbench.queue(key="income_reports_approval", label=gettext_lazy("Income reports to approve"), order=35)
def income_reports_approval(user):
    if not holds_action(user, IncomeReport, APPROVE):
        return None
    return workbench.short(reports_to_approve(user), _item, reverse("collective_economy:index"))


def reports_returned(user):
    return _reports(user, SUBMIT, ReportStatus.RETURNED)


@workbench.queue(key="income_reports_returned", label=gettext_lazy("Income reports sent back"), order=36)
def income_reports_returned(user):
    if not holds_action(user, IncomeReport, SUBMIT):
        return None
    return workbench.short(reports_returned(user), _item, reverse("collective_economy:index"))
