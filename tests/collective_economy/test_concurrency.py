"""Concurrent writes keep exactly one current approved version per village and year (real threads, real
connections)."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from collective_economy import services
from collective_economy.models import IncomeReport, ReportStatus

from .helpers import approved, figures

pytestmark = pytest.mark.django_db(transaction=True)


def _race(calls):
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait()
            outcomes.append(call())
        except Exception as exc:  # noqa: BLE001 — the outcome is what the test looks at
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def test_two_concurrent_corrections_leave_one_approved_version(county, users):
    old = approved(county["village_a1"], 2024, "100000.00")
    outcomes = _race(
        [
            lambda: services.income_report_correct(
                report=old, actor=users["staff_a"], reason="甲", total_income=Decimal("110000")
            ),
            lambda: services.income_report_correct(
                report=old, actor=users["city_staff"], reason="乙", total_income=Decimal("120000")
            ),
        ]
    )
    assert sum(isinstance(o, IncomeReport) for o in outcomes) == 1
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    assert IncomeReport.objects.filter(village=old.village, year=2024, status=ReportStatus.APPROVED).count() == 1
    assert IncomeReport.objects.filter(village=old.village, year=2024).count() == 2


def test_two_concurrent_submissions_make_one_report(county, users):
    submit = lambda: services.income_report_submit(  # noqa: E731
        village=county["village_a1"], year=2024, actor=users["secretary_a1"], **figures("5000")
    )
    outcomes = _race([submit, submit])
    assert sum(isinstance(o, IncomeReport) for o in outcomes) == 1
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    assert IncomeReport.objects.count() == 1
