"""Report reminders (a daily beat job, SYSTEM): the secretaries of the units that have not submitted a form's
report are told, through the portal's notifications, at most once of each kind per unit and period:

- `before_due`: in the `BEFORE_DUE_DAYS` days before the due date (and on it);
- `overdue`: after the due date, while entry stays open (up to `CLOSING_DAYS` days before closing);
- `closing`: in the last `CLOSING_DAYS` days before entry closes (the closing day included).

The windows do not overlap, so a unit hears at most three reminders a period, one of each kind; a day the job
did not run is caught up the next day inside the same window. A `ReportReminder` row (unique on form, unit, period
and kind) records each reminder sent, so running the job twice a day sends nothing new."""

import logging
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment
from accounts.permissions import SYSTEM
from accounts.roles import Role
from notifications.models import Event
from notifications.services import notify

from .. import selectors
from ..models import ReminderKind, ReportForm, ReportReminder, period_bounds, previous_period_start

logger = logging.getLogger(__name__)

BEFORE_DUE_DAYS = 3
CLOSING_DAYS = 2
# A form whose entry stays open longer than this many periods after their end is still reminded of only the
# latest ones (a safety bound on the walk back).
MAX_PERIODS = 24


def reminder_kind(form: ReportForm, period_end: date, today: date) -> str | None:
    """The kind of reminder due `today` for the period ending `period_end`, or None."""
    due, closes = form.due_on(period_end), form.closes_on(period_end)
    if due - timedelta(days=BEFORE_DUE_DAYS) <= today <= due:
        return ReminderKind.BEFORE_DUE
    if due < today <= closes:
        if today >= closes - timedelta(days=CLOSING_DAYS):
            return ReminderKind.CLOSING
        return ReminderKind.OVERDUE
    return None


def open_periods(form: ReportForm, today: date) -> list[tuple[date, date]]:
    """The ended periods of `form` whose entry is still open on `today`, latest first."""
    periods = []
    start = previous_period_start(form.period_type, period_bounds(form.period_type, today)[0])
    for _i in range(MAX_PERIODS):
        start, end = period_bounds(form.period_type, start)
        if form.closes_on(end) < today:
            break
        periods.append((start, end))
        start = previous_period_start(form.period_type, start)
    return periods


def _title(form: ReportForm, kind: str, start: date, end: date) -> str:
    values = {
        "form": form.name,
        "period": selectors.period_label(form.period_type, start),
        "due": formats.date_format(form.due_on(end), "DATE_FORMAT"),
        "closes": formats.date_format(form.closes_on(end), "DATE_FORMAT"),
    }
    if kind == ReminderKind.BEFORE_DUE:
        return _("Please submit “%(form)s” for %(period)s by %(due)s.") % values
    if kind == ReminderKind.OVERDUE:
        return _("“%(form)s” for %(period)s was due on %(due)s: please submit it (entry closes after %(closes)s).") % (
            values
        )
    return _("Entry of “%(form)s” for %(period)s closes after %(closes)s (due on %(due)s): please submit it.") % values


def _remind(form: ReportForm, start: date, end: date, kind: str, actor) -> int:
    """Remind the secretaries of the form's units missing the period's report; the number of units reminded."""
    missing = {row["pk"] for row in selectors.missing_units(form, start)}
    if not missing:
        return 0
    told = set(
        ReportReminder.objects.filter(form=form, period_start=start, kind=kind, unit_id__in=missing).values_list(
            "unit_id", flat=True
        )
    )
    assignments = RoleAssignment.objects.filter(role=Role.SECRETARY, unit_id__in=missing - told).select_related("user")
    by_unit: dict[int, list] = {}
    for assignment in assignments:
        if assignment.user.is_active:
            by_unit.setdefault(assignment.unit_id, []).append(assignment.user)
    if not by_unit:
        return 0
    try:
        with transaction.atomic():
            # The unique key refuses a second reminder of the same kind even from a concurrent run (rolled back).
            ReportReminder.objects.bulk_create(
                ReportReminder(form=form, unit_id=unit_id, period_start=start, kind=kind) for unit_id in sorted(by_unit)
            )
            notify(
                recipients=[user for users in by_unit.values() for user in users],
                event=Event.DEADLINE_REMINDER,
                title=_title(form, kind, start, end),
                url=reverse("reporting:index"),
                actor=actor,
            )
    except IntegrityError:
        logger.warning("report reminders: form %s period %s %s sent by a concurrent run", form.pk, start, kind)
        return 0
    logger.info("report reminders: form %s period %s %s, %d units", form.pk, start, kind, len(by_unit))
    return len(by_unit)


def remind_reports(*, actor, today: date | None = None) -> int:
    """Send the reminders due today for every active published form; the number of units reminded. A job: SYSTEM.
    Each form's period is its own transaction, so one failing never holds back the others' reminders."""
    if actor is not SYSTEM:
        raise PermissionDenied(_("Only the system runs this job."))
    today = today or timezone.localdate()
    forms = ReportForm.objects.filter(is_active=True, versions__published_at__isnull=False).distinct()
    reminded = 0
    for form in forms.select_related("unit").order_by("pk"):
        for start, end in open_periods(form, today):
            kind = reminder_kind(form, end, today)
            if kind is not None:
                reminded += _remind(form, start, end, kind, actor)
    return reminded
