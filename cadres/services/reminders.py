"""Deadline reminders of the cadres app (a beat job, SYSTEM): probations that end this month, told to the branch's
secretaries once a month, so the full-membership step is proposed on time."""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import SYSTEM
from accounts.roles import Role
from notifications.models import Event, Notification
from notifications.services import notify

from ..models import DevelopmentRecord, DevelopmentStage


def month_of(today: date) -> tuple[date, date]:
    first = today.replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1)


def probation_ends_in(first: date, after: date) -> Q:
    """Probationary records whose probation ends in [first, after): a year after admission, or the extension's end."""
    return Q(stage=DevelopmentStage.PROBATIONARY) & (
        Q(probation_extended_until__gte=first, probation_extended_until__lt=after)
        | Q(
            probation_extended_until__isnull=True,
            admitted_on__gte=first.replace(year=first.year - 1),
            admitted_on__lt=after.replace(year=after.year - 1),
        )
    )


def _secretaries(unit) -> list:
    parts = [part for part in unit.path.split(".") if part]
    paths = [".".join(parts[: i + 1]) + "." for i in range(len(parts))]
    return list(
        User.objects.filter(role_assignments__role=Role.SECRETARY, role_assignments__unit__path__in=paths).distinct()
    )


@transaction.atomic
def remind_probations(*, actor, today: date | None = None) -> int:
    """Tell the secretaries of each branch whose member's probation ends this month, once a month. A job: SYSTEM."""
    if actor is not SYSTEM:
        raise PermissionDenied(_("Only the system runs this job."))
    first, after = month_of(today or timezone.localdate())
    start = timezone.make_aware(datetime.combine(first, time.min))
    reminded = set(
        Notification.objects.filter(event=Event.DEADLINE_REMINDER, created__gte=start).values_list("url", flat=True)
    )
    told = 0
    records = DevelopmentRecord.objects.filter(probation_ends_in(first, after)).select_related("person", "unit")
    for record in records.order_by("id"):
        url = reverse("cadres:development_detail", args=[record.pk])
        if url in reminded:
            continue
        title = _("The probation of %(name)s ends this month: propose the full-membership step.") % {
            "name": record.person.name
        }
        notify(recipients=_secretaries(record.unit), event=Event.DEADLINE_REMINDER, title=title, url=url, actor=actor)
        told += 1
    return told
