"""Many approved income figures recorded in one use case (the township's sheet, the bulk API): the rules of
`services.income_report_record_approved`, in a few statements for any number of new records."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, events
from core.errors import Conflict
from organizations.models import OrganizationUnit

from .errors import ErrorCode
from .models import IncomeReport, ReportStatus
from .services import (
    REPORT_FIELDS,
    SOURCE,
    _check_figures,
    _user,
    income_report_correct,
    income_report_record_approved,
    recording_villages,
)


def _stored(villages, years):
    """Of the villages and years: the approved report by (village id, year), the keys with a report waiting for
    review, and the latest version number by key."""
    current, pending, last = {}, set(), {}
    for report in IncomeReport.objects.filter(village_id__in=villages, year__in=years):
        key = (report.village_id, report.year)
        last[key] = max(last.get(key, 0), report.version)
        if report.status == ReportStatus.APPROVED:
            current[key] = report
        elif report.status in (ReportStatus.SUBMITTED, ReportStatus.RETURNED):
            pending.add(key)
    return current, pending, last


def _new_approved(*, village, year: int, version: int, user, now, values: dict) -> IncomeReport:
    """A new approved version, checked as `income_report_record_approved` checks it (not yet saved)."""
    report = IncomeReport(
        village=village,
        year=year,
        version=version,
        status=ReportStatus.APPROVED,
        submitted_by=user,
        reviewed_by=user,
        reviewed_at=now,
        return_reason="",
        **values,
    )
    _check_figures(report)
    # The village and the users are the checked and locked ones: no query per row to validate them again.
    excluded = ["village", "submitted_by", "reviewed_by", "previous"]
    report.full_clean(exclude=excluded, validate_unique=False, validate_constraints=False)
    return report


@transaction.atomic
def income_reports_record_many(*, items: list[dict], actor, reason: str = "") -> list[str]:
    """`income_report_record_approved` for many rows at once (the township's sheet, the bulk API): each item a dict of
    village, year and the figures; returns each item's action ("created", "unchanged" or "corrected"), in order.
    The same rules, checks and outcome as one call per item, in a few statements for any number of new records: the
    villages checked, locked and loaded once, the new approved versions inserted and audited in bulk, the roll-ups
    announced once per year. A correction (rare) goes through `income_report_correct` as one call does; an item
    repeating a village and year of the same call is recorded after the earlier ones, as one call would."""
    villages = recording_villages(items, actor)
    list(OrganizationUnit.objects.select_for_update().filter(pk__in=sorted(villages)).order_by("pk").values_list("pk"))
    current, pending, last = _stored(villages, {int(item["year"]) for item in items})
    user, now = _user(actor), timezone.now()
    actions: list[str] = []
    new: dict[tuple[int, int], IncomeReport] = {}

    def flush():
        created = IncomeReport.objects.bulk_create(list(new.values()), batch_size=500)
        audit.record_many(
            actor=actor,
            action="income_report.record",
            items=[(report, villages[report.village_id], {"year": report.year}) for report in created],
        )
        for year in sorted({report.year for report in created}):
            events.records_changed(source=SOURCE, unit_ids=[r.village_id for r in created if r.year == year], year=year)
        new.clear()

    one_by_one: set[tuple[int, int]] = set()  # keys already written by this call: the next item sees them stored
    for item in items:
        village, year = item["village"], int(item["year"])
        key, values = (village.pk, year), {k: v for k, v in item.items() if k in REPORT_FIELDS}
        if key in new:
            flush()
            one_by_one.add(key)
        if key in one_by_one:
            _report, action = income_report_record_approved(
                village=village, year=year, actor=actor, reason=reason, **values
            )
            actions.append(action)
            continue
        if key in pending and key not in current:  # as one call: an approved version is corrected regardless
            raise Conflict(
                _("A report for this year is waiting for review; review it first."),
                code=ErrorCode.REPORT_PENDING,
                field="year",
            )
        report = current.get(key)
        if report is not None:
            if all(getattr(report, k) == v for k, v in values.items()):
                actions.append("unchanged")
                continue
            income_report_correct(report=report, actor=actor, reason=reason or _("Corrected by import"), **values)
            one_by_one.add(key)
            actions.append("corrected")
            continue
        new[key] = _new_approved(
            village=village, year=year, version=last.get(key, 0) + 1, user=user, now=now, values=values
        )
        actions.append("created")
    if new:
        flush()
    return actions
