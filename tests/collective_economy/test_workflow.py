"""Submission by the secretary, review by the township, the approval lock and versioned corrections."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.permissions import SYSTEM
from collective_economy import services
from collective_economy.models import IncomeReport, ReportStatus
from core import events
from core.models import AuditEntry

from .helpers import figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(county, users):
    return services.income_report_submit(
        village=county["village_a1"], year=2024, actor=users["secretary_a1"], **figures("180000.00", debt="5000")
    )


@pytest.fixture
def announced():
    calls = []

    def listener(**kwargs):
        calls.append(kwargs)

    events.subscribe(listener)
    yield calls
    events._subscribers.remove(listener)


def test_secretary_submits_for_own_village_only(county, users, submitted):
    assert submitted.status == ReportStatus.SUBMITTED and submitted.version == 1
    with pytest.raises(PermissionDenied):
        services.income_report_submit(
            village=county["village_a2"], year=2024, actor=users["secretary_a1"], **figures("1")
        )
    with pytest.raises(PermissionDenied):  # township staff review, they do not submit
        services.income_report_submit(village=county["village_a2"], year=2024, actor=users["staff_a"], **figures("1"))


def test_a_community_cannot_report_collective_income(county, users):
    with pytest.raises(ValidationError) as exc:
        services.income_report_submit(village=county["community_a"], year=2024, actor=SYSTEM, **figures("1"))
    assert "village" in exc.value.message_dict


def test_negative_and_inconsistent_amounts_refused(county, users):
    with pytest.raises(ValidationError) as exc:
        services.income_report_submit(
            village=county["village_a1"], year=2024, actor=users["secretary_a1"], **figures("-1.00")
        )
    assert "total_income" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.income_report_submit(
            village=county["village_a1"], year=2024, actor=users["secretary_a1"], **figures("100", operating="101")
        )
    assert "operating_income" in exc.value.message_dict
    assert not IncomeReport.objects.exists()


def test_only_township_staff_in_scope_approve(users, submitted, announced, django_capture_on_commit_callbacks):
    with pytest.raises(PermissionDenied):
        services.income_report_approve(report=submitted, actor=users["secretary_a1"])
    with pytest.raises(PermissionDenied):
        services.income_report_approve(report=submitted, actor=users["staff_b"])
    with django_capture_on_commit_callbacks(execute=True):
        report = services.income_report_approve(report=submitted, actor=users["staff_a"])
    assert report.status == ReportStatus.APPROVED and report.reviewed_by == users["staff_a"]
    assert announced == [{"source": "collective_economy", "unit_ids": [report.village_id], "year": 2024}]


def test_send_back_needs_a_reason_and_secretary_resubmits(users, submitted):
    with pytest.raises(ValidationError):
        services.income_report_send_back(report=submitted, actor=users["staff_a"], reason="  ")
    report = services.income_report_send_back(report=submitted, actor=users["staff_a"], reason="经营性收入缺少凭证")
    assert report.status == ReportStatus.RETURNED and report.return_reason == "经营性收入缺少凭证"
    report = services.income_report_update(
        report=report, actor=users["secretary_a1"], operating_income=Decimal("90000")
    )
    assert report.status == ReportStatus.SUBMITTED and report.operating_income == Decimal("90000.00")


def test_approved_report_is_locked(users, submitted):
    report = services.income_report_approve(report=submitted, actor=users["staff_a"])
    with pytest.raises(ValidationError) as exc:
        services.income_report_update(report=report, actor=users["secretary_a1"], total_income=Decimal("1"))
    assert "status" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.income_report_submit(
            village=report.village, year=2024, actor=users["secretary_a1"], **figures("200000")
        )
    report.refresh_from_db()
    assert report.total_income == Decimal("180000.00")


def test_staff_correction_is_a_new_approved_version_and_keeps_the_old(
    users, submitted, announced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the approval commits before any correction
        old = services.income_report_approve(report=submitted, actor=users["staff_a"])
    with pytest.raises(ValidationError):
        services.income_report_correct(report=old, actor=users["staff_a"], reason="", total_income=Decimal("1"))
    announced.clear()
    with django_capture_on_commit_callbacks(execute=True):
        new = services.income_report_correct(
            report=old, actor=users["staff_a"], reason="漏报租金", total_income=Decimal("192000.00")
        )
    old.refresh_from_db()
    assert (old.status, old.total_income) == (ReportStatus.SUPERSEDED, Decimal("180000.00"))
    assert (new.status, new.version, new.previous, new.correction_reason) == (ReportStatus.APPROVED, 2, old, "漏报租金")
    assert new.operating_income == old.operating_income  # unchanged figures carried over
    approved = IncomeReport.objects.filter(village=old.village, year=2024, status=ReportStatus.APPROVED)
    assert list(approved) == [new]
    assert announced == [{"source": "collective_economy", "unit_ids": [old.village_id], "year": 2024}]
    assert AuditEntry.objects.filter(action="income_report.correct", object_id=str(new.pk)).exists()


def test_secretary_correction_waits_for_review(users, submitted):
    old = services.income_report_approve(report=submitted, actor=users["staff_a"])
    pending = services.income_report_correct(
        report=old, actor=users["secretary_a1"], reason="年底补记收入", total_income=Decimal("185000")
    )
    assert pending.status == ReportStatus.SUBMITTED
    old.refresh_from_db()
    assert old.status == ReportStatus.APPROVED  # still the current figure until the township approves
    services.income_report_approve(report=pending, actor=users["staff_a"])
    old.refresh_from_db()
    assert old.status == ReportStatus.SUPERSEDED
    assert IncomeReport.objects.filter(village=old.village, year=2024).count() == 2


def test_database_holds_one_approved_version_per_village_year(users, submitted):
    report = services.income_report_approve(report=submitted, actor=users["staff_a"])
    duplicate = IncomeReport(village=report.village, year=2024, version=2, status=ReportStatus.APPROVED, **figures("1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_database_refuses_negative_income(county):
    with pytest.raises(IntegrityError), transaction.atomic():
        IncomeReport.objects.create(village=county["village_a1"], year=2024, **figures("-5"))
