"""The cadres' queues on the workbench (core/workbench.py): development steps awaiting approval, reserve steps due,
and the deadlines of this month (probations that end). Every queryset starts from `restrict()`."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy

from accounts.permissions import APPROVE, CHANGE, holds_action
from core import workbench

from .models import DevelopmentRecord, DevelopmentStage, DevelopmentStep, ReserveCadre, ReserveStage, StepStatus
from .services.reminders import month_of, probation_ends_in

# A selection step of a reserve (review, inspection, placing in reserve) is due this many days after the last one.
RESERVE_STEP_DAYS = 30
RESERVE_SELECTION = (ReserveStage.NOMINATED, ReserveStage.REVIEWED, ReserveStage.INSPECTED)


def steps_to_approve(user):
    return (
        DevelopmentStep.objects.filter(
            status=StepStatus.PROPOSED, record__in=DevelopmentRecord.objects.restrict(user, APPROVE)
        )
        .select_related("record__person", "record__unit")
        .order_by("effective_on", "id")
    )


def _step_item(step) -> workbench.Item:
    return workbench.Item(
        label=f"{step.record.person.name} · {step.get_to_stage_display()}",
        url=reverse("cadres:development_detail", args=[step.record_id]),
        note=step.record.unit.name,
    )


@workbench.queue(key="development_approval", label=gettext_lazy("Development steps to approve"), order=30)
def development_approval(user):
    if not holds_action(user, DevelopmentRecord, APPROVE):
        return None
    url = reverse("cadres:development_list") + "?pending=1"
    return workbench.short(steps_to_approve(user), _step_item, url)


def reserves_due(user, today: date | None = None):
    today = today or timezone.localdate()
    return (
        ReserveCadre.objects.restrict(user, CHANGE)
        .filter(stage__in=RESERVE_SELECTION, stage_on__lte=today - timedelta(days=RESERVE_STEP_DAYS))
        .select_related("person", "unit")
        .order_by("stage_on", "id")
    )


def _reserve_item(reserve) -> workbench.Item:
    return workbench.Item(
        label=f"{reserve.person.name} · {reserve.get_stage_display()}",
        url=reverse("cadres:reserve_detail", args=[reserve.pk]),
        note=date_format(reserve.stage_on, "SHORT_DATE_FORMAT"),
    )


@workbench.queue(key="reserve_due", label=gettext_lazy("Reserve steps due"), order=40)
def reserve_due(user):
    if not holds_action(user, ReserveCadre, CHANGE):
        return None
    return workbench.short(reserves_due(user), _reserve_item, reverse("cadres:reserve_list"))


def probations_ending(user, today: date | None = None):
    """Probationary members whose probation ends this month (a year after admission, or the extension's end)."""
    return (
        DevelopmentRecord.objects.restrict(user, CHANGE)
        .filter(probation_ends_in(*month_of(today or timezone.localdate())))
        .select_related("person", "unit")
        .order_by("admitted_on", "id")
    )


def _probation_item(record) -> workbench.Item:
    return workbench.Item(
        label=f"{record.person.name} · {record.unit.name}",
        url=reverse("cadres:development_detail", args=[record.pk]),
        note=gettext_lazy("Probation ends"),
    )


@workbench.queue(key="deadlines_month", label=gettext_lazy("Deadlines this month: probations ending"), order=50)
def deadlines_month(user):
    if not holds_action(user, DevelopmentRecord, CHANGE):
        return None
    url = reverse("cadres:development_list") + f"?stage={DevelopmentStage.PROBATIONARY}"
    return workbench.short(probations_ending(user), _probation_item, url)
