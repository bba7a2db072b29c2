"""Closing of entry, completeness and timeliness (on time, late, missing; rolled up), and the reminder job."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.permissions import SYSTEM
from accounts.roles import Role
from notifications.models import Event, Notification
from organizations.models import OrganizationUnit, UnitKind
from reporting import selectors, services
from reporting.errors import ErrorCode
from reporting.models import ReportForm, ReportReminder, ReportStatus, closing_date, due_date
from reporting.services.reminders import open_periods, remind_reports, reminder_kind
from tests import factories

from .helpers import DAY, build_form

pytestmark = pytest.mark.django_db

# The May 2024 period of the monthly test form (due day 5, open 10 days): due on 6 June, closes after 15 June.
MAY = DAY
DUE, CLOSES = date(2024, 6, 5), date(2024, 6, 15)


def _filled(report, actor):
    return services.report_save_draft(report=report, actor=actor, values={"meetings": 2})


def _submitted(form, unit, actor=SYSTEM):
    report = services.report_open(form=form, unit=unit, day=MAY, actor=actor)
    _filled(report, actor)
    return services.report_submit(report=report, actor=actor)


def _code(error: ValidationError) -> set:
    return (
        {e.code for errors in error.error_dict.values() for e in errors}
        if hasattr(error, "error_dict")
        else {error.code}
    )


def test_form_dates():
    assert due_date(5, date(2024, 5, 31)) == DUE
    assert closing_date(5, 10, date(2024, 5, 31)) == CLOSES


def test_counts_on_time_late_and_missing_roll_up(county, users, clock):
    form = build_form(county["city"])
    closed = factories.unit("甲三村", UnitKind.VILLAGE, county["township_a"], code="VILA30001")
    OrganizationUnit.objects.filter(pk=closed.pk).update(is_active=False)  # closed: not expected
    clock(date(2024, 6, 3))
    _submitted(form, county["village_a1"], users["secretary_a1"])  # on time
    returned = _submitted(form, county["village_b1"])  # on time, then sent back: missing until submitted again
    services.report_send_back(report=returned, actor=users["staff_b"], reason="有误")
    draft = services.report_open(form=form, unit=county["community_a"], day=MAY, actor=SYSTEM)  # a draft: missing
    clock(date(2024, 6, 10))
    _submitted(form, county["village_a2"])  # after the due date, before closing: accepted, late

    city = selectors.completeness(form=form, unit=county["city"], day=MAY)
    assert (city.total.expected, city.total.on_time, city.total.late, city.total.missing) == (4, 1, 1, 2)
    assert (city.due_on, city.closes_on) == (DUE, CLOSES)
    rows = {row.name: row for row in city.children}
    assert set(rows) == {"甲镇", "乙街道"}  # the agency fills nothing: no row
    a, b = rows["甲镇"], rows["乙街道"]
    assert (a.expected, a.on_time, a.late, a.missing) == (3, 1, 1, 1)
    assert (a.on_time_rate, a.submitted_rate) == (33.3, 66.7)
    assert (b.expected, b.on_time, b.missing, b.on_time_rate, b.submitted_rate) == (1, 0, 1, 0.0, 0.0)
    assert {s.name for s in city.missing} == {"甲社区", "乙一村"}
    assert {s.report_id for s in city.missing} == {draft.pk, returned.pk}

    # Submitted again after the due date: judged by the first submission, still on time.
    services.report_save_draft(report=returned, actor=SYSTEM, values={"meetings": 3})
    services.report_submit(report=returned, actor=SYSTEM)
    township = selectors.completeness(form=form, unit=county["township_b"], day=MAY)
    assert (township.total.on_time, township.total.late, township.total.missing) == (1, 0, 0)
    assert township.children[0].name == "乙一村" and township.children[0].on_time_rate == 100.0

    # Township A drilled down: a row per village with its own counts.
    a_rows = {row.name: row for row in selectors.completeness(form=form, unit=county["township_a"], day=MAY).children}
    assert {name: (r.on_time, r.late, r.missing) for name, r in a_rows.items()} == {
        "甲一村": (1, 0, 0),
        "甲二村": (0, 1, 0),
        "甲社区": (0, 0, 1),
    }


def test_a_township_form_expects_only_its_units(county, users, clock):
    clock(date(2024, 6, 3))
    form = build_form(county["township_a"], code="town")
    at_city = selectors.completeness(form=form, unit=county["city"], day=MAY)
    assert at_city.total.expected == 3 and [row.name for row in at_city.children] == ["甲镇"]
    assert selectors.completeness(form=form, unit=county["township_b"], day=MAY).total.expected == 0


def test_query_count_does_not_grow_with_units(county, users, clock):
    clock(date(2024, 6, 3))
    form = build_form(county["city"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            result = selectors.completeness(form=form, unit=county["city"], day=MAY)
        return len(queries), result

    small, result = count()
    for t in range(3):
        town = factories.unit(f"新镇{t}", UnitKind.TOWNSHIP, county["city"], code=f"TOWNN{t}001")
        for v in range(4):
            village = factories.unit(f"新镇{t}村{v}", UnitKind.VILLAGE, town, code=f"VILN{t}{v}0001")
            if v % 2:
                _submitted(form, village)
    large, result = count()
    assert result.total.expected == 16 and len(result.children) == 5
    assert large == small <= 3


def test_closing_refuses_the_secretary(county, users, clock, api_for):
    form = build_form(county["city"])
    secretary = users["secretary_a1"]
    clock(date(2024, 6, 14))
    report = services.report_open(form=form, unit=county["village_a1"], day=MAY, actor=secretary)
    clock(CLOSES)
    _filled(report, secretary)  # the closing day itself is still open
    clock(date(2024, 6, 16))
    with pytest.raises(ValidationError) as refused:
        services.report_save_draft(report=report, actor=secretary, values={"meetings": 3})
    assert _code(refused.value) == {ErrorCode.REPORT_CLOSED}
    assert "2024年6月15日" in " ".join(refused.value.messages)
    with pytest.raises(ValidationError) as refused:
        services.report_submit(report=report, actor=secretary)
    assert _code(refused.value) == {ErrorCode.REPORT_CLOSED}
    with pytest.raises(ValidationError) as refused:  # a closed period's report cannot be opened
        services.report_open(form=form, unit=county["village_a1"], day=date(2024, 4, 2), actor=secretary)
    assert _code(refused.value) == {ErrorCode.REPORT_CLOSED}
    api = api_for(secretary)
    answer = api.post(f"/api/v1/reporting/reports/{report.pk}/draft/", {"values": {"meetings": 4}}, format="json")
    assert answer.status_code == 409 and answer.json()["code"] == "report_closed"
    assert api.post(f"/api/v1/reporting/reports/{report.pk}/submit/", format="json").status_code == 409
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_reopened_after_closing_stays_editable_until_resubmitted(county, users, clock, client_for):
    form = build_form(county["city"])
    secretary, staff = users["secretary_a1"], users["staff_a"]
    clock(date(2024, 6, 3))
    report = _submitted(form, county["village_a1"], secretary)
    services.report_approve(report=report, actor=staff)
    clock(date(2024, 6, 20))
    with pytest.raises(PermissionDenied):
        services.report_reopen(report=report, actor=secretary, reason="改")
    report = services.report_reopen(report=report, actor=staff, reason="需更正")
    services.report_save_draft(report=report, actor=secretary, values={"meetings": 5})
    page = client_for(secretary).get(f"/reports/{report.pk}/")
    assert page.status_code == 200 and "data-autosave-url" in page.content.decode()
    report = services.report_submit(report=report, actor=secretary)
    with pytest.raises(ValidationError):  # submitted again: locked
        services.report_save_draft(report=report, actor=secretary, values={"meetings": 6})
    # Counted as the first submission: on time.
    assert selectors.completeness(form=form, unit=county["village_a1"], day=MAY).total.on_time == 1

    # A draft left open at closing: shown read-only, then reopened by the approver.
    draft = services.report_open(form=form, unit=county["village_a1"], day=date(2024, 4, 10), actor=staff)
    body = client_for(secretary).get(f"/reports/{draft.pk}/").content.decode()
    assert "data-autosave-url" not in body and "请联系乡镇重新打开" in body
    draft = services.report_reopen(report=draft, actor=staff, reason="补报")
    _filled(draft, secretary)
    services.report_submit(report=draft, actor=secretary)
    april = selectors.completeness(form=form, unit=county["village_a1"], day=date(2024, 4, 10))
    assert (april.total.on_time, april.total.late) == (0, 1)


def test_reopen_of_a_draft_before_closing_is_refused(county, users, clock):
    form = build_form(county["city"])
    clock(date(2024, 6, 3))
    draft = services.report_open(form=form, unit=county["village_a1"], day=MAY, actor=users["secretary_a1"])
    with pytest.raises(ValidationError) as refused:
        services.report_reopen(report=draft, actor=users["staff_a"], reason="补报")
    assert _code(refused.value) == {ErrorCode.REPORT_NOT_APPROVED}


def test_completeness_page_and_api_are_scoped(county, users, clock, client_for, api_for):
    clock(date(2024, 6, 3))
    form = build_form(county["city"])
    _submitted(form, county["village_a1"], users["secretary_a1"])
    other = build_form(county["township_b"], code="town-b")
    client = client_for(users["staff_a"])
    index = client.get("/reports/").content.decode()
    assert "/reports/completeness/" in index
    page = client.get(f"/reports/completeness/?form={form.pk}&period=2024-05-01")
    body = page.content.decode()
    assert page.status_code == 200 and "甲一村" in body and "甲社区" in body and "乙一村" not in body
    assert "33.3%" in body  # on time 1 of 3
    assert client.get(f"/reports/completeness/?form={form.pk}&unit={county['village_a1'].pk}").status_code == 200
    assert client.get(f"/reports/completeness/?form={form.pk}&unit={county['township_b'].pk}").status_code == 404
    assert client.get(f"/reports/completeness/?form={other.pk}").status_code == 404
    assert client.get("/reports/completeness/?form=abc").status_code == 400
    assert client.get(f"/reports/completeness/?form={form.pk}&period=2024-13-01").status_code == 400
    assert "/reports/completeness/" not in client_for(users["secretary_a1"]).get("/reports/").content.decode()

    api = api_for(users["staff_a"])
    url = "/api/v1/reporting/completeness/"
    data = api.get(f"{url}{county['township_a'].pk}/?form={form.pk}&period=2024-05-01").json()
    assert (data["total"]["expected"], data["total"]["on_time"], data["total"]["missing"]) == (3, 1, 2)
    assert {row["unit_name"] for row in data["children"]} == {"甲一村", "甲二村", "甲社区"}
    assert {u["state"] for u in data["units"]} == {"on_time", "missing"}
    assert api.get(f"{url}{county['township_b'].pk}/?form={form.pk}").status_code == 404
    assert api.get(f"{url}{county['village_b1'].pk}/?form={form.pk}").status_code == 404
    assert api.get(f"{url}{county['township_a'].pk}/?form={other.pk}").status_code == 404
    missing = api.get(f"{url}{county['township_a'].pk}/")
    assert missing.status_code == 400 and missing.json()["code"] == "required"
    assert api.get(f"{url}{county['township_a'].pk}/?form={form.pk}&period=x").status_code == 400
    assert api.get(f"{url}99999999999999999999/?form={form.pk}").status_code == 404
    city = api_for(users["city_staff"]).get(f"{url}{county['city'].pk}/?form={form.pk}&period=2024-05-31").json()
    assert {row["unit_name"]: row["on_time_rate"] for row in city["children"]} == {"甲镇": 33.3, "乙街道": 0.0}


def _reminded(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user, event=Event.DEADLINE_REMINDER).values_list("title", "url"))


def test_reminder_job(county, users, clock):
    form = build_form(county["city"])
    town_form = build_form(county["township_a"], code="town")  # township B's secretaries never hear of it
    a1 = users["secretary_a1"]
    a2 = factories.user_with_role("secretary_a2", Role.SECRETARY, county["village_a2"])
    b1 = factories.user_with_role("secretary_b1", Role.SECRETARY, county["village_b1"])
    agency = factories.user_with_role("secretary_ag", Role.SECRETARY, county["agency"])  # fills no form
    staff = users["staff_a"]
    clock(date(2024, 6, 1))
    _submitted(form, county["village_a1"], a1)
    assert remind_reports(actor=SYSTEM, today=date(2024, 6, 1)) == 0  # four days before the due date: too early

    assert remind_reports(actor=SYSTEM, today=date(2024, 6, 2)) == 4  # form: a2, b1; town_form: a1, a2
    assert len(_reminded(a2)) == 2 and len(_reminded(b1)) == 1 and len(_reminded(a1)) == 1
    assert _reminded(agency) == [] and _reminded(staff) == []
    title, url = _reminded(b1)[0]
    assert url == "/reports/"
    assert form.name in title and "2024年5月" in title and "2024年6月5日" in title
    assert town_form.name in _reminded(a1)[0][0]  # a1 submitted the city's form only

    # Idempotent: the same day again, or the next day before the due date, sends nothing.
    assert remind_reports(actor=SYSTEM, today=date(2024, 6, 2)) == 0
    assert remind_reports(actor=SYSTEM, today=DUE) == 0
    assert ReportReminder.objects.count() == 4

    # After the due date: once; b1 submits late and is not reminded again.
    clock(date(2024, 6, 6))
    _submitted(form, county["village_b1"])
    assert remind_reports(actor=SYSTEM, today=date(2024, 6, 6)) == 3  # form: a2; town_form: a1, a2
    assert len(_reminded(b1)) == 1
    assert remind_reports(actor=SYSTEM, today=date(2024, 6, 7)) == 0
    overdue = _reminded(a2)[0][0]
    assert "到期" in overdue and "6月15日" in overdue
    # Before closing: once more; after closing: never.
    assert remind_reports(actor=SYSTEM, today=date(2024, 6, 13)) == 3
    assert remind_reports(actor=SYSTEM, today=date(2024, 6, 14)) == 0
    assert remind_reports(actor=SYSTEM, today=date(2024, 6, 16)) == 0
    with pytest.raises(PermissionDenied):
        remind_reports(actor=staff)


def test_reminder_windows():
    form = ReportForm(period_type="monthly", due_day=5, open_days=10)
    end = date(2024, 5, 31)
    kinds = {day: reminder_kind(form, end, date(2024, 6, day)) for day in range(1, 17)}
    assert [d for d, k in kinds.items() if k == "before_due"] == [2, 3, 4, 5]
    assert [d for d, k in kinds.items() if k == "overdue"] == [6, 7, 8, 9, 10, 11, 12]
    assert [d for d, k in kinds.items() if k == "closing"] == [13, 14, 15]
    assert kinds[1] is None and kinds[16] is None
    assert open_periods(form, date(2024, 6, 10)) == [(date(2024, 5, 1), date(2024, 5, 31))]
    assert open_periods(form, date(2024, 6, 20)) == []
    short = ReportForm(period_type="quarterly", due_day=20, open_days=1)
    assert reminder_kind(short, date(2024, 6, 30), date(2024, 7, 21)) == "closing"
