import pytest

from accounts.permissions import SYSTEM
from reporting import services

from .helpers import DAY, build_form

# The tests' periods (2024) are still open for entry on the frozen day (tests/reporting/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
URL = "/api/v1/reporting/reports/"


@pytest.fixture
def report(county):
    return services.report_open(form=build_form(county["city"]), unit=county["village_a1"], day=DAY, actor=SYSTEM)


def test_draft_submit_and_review_through_the_api(report, users, api_for):
    secretary = api_for(users["secretary_a1"])
    body = secretary.get(f"{URL}{report.pk}/").json()
    assert body["status"] == "draft" and body["prefilled_count"] == 3
    assert {a["code"]: a["origin"] for a in body["answers"]}["members"] == "prefilled"
    bad = secretary.post(f"{URL}{report.pk}/draft/", {"values": {"meetings": "abc"}}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "bad_answer"
    refused = secretary.post(f"{URL}{report.pk}/draft/", {"values": {"developed": 4, "meetings": 1}}, format="json")
    assert refused.status_code == 200
    blocked = secretary.post(f"{URL}{report.pk}/submit/", format="json")
    assert blocked.status_code == 400 and blocked.json()["code"] == "rule_failed"
    assert "发展党员数不能超过入党积极分子数" in str(blocked.json())
    secretary.post(f"{URL}{report.pk}/draft/", {"values": {"developed": 0}}, format="json")
    assert secretary.post(f"{URL}{report.pk}/submit/", format="json").json()["status"] == "submitted"
    assert secretary.post(f"{URL}{report.pk}/approve/", format="json").status_code == 403
    staff = api_for(users["staff_a"])
    assert staff.post(f"{URL}{report.pk}/approve/", format="json").json()["status"] == "approved"
    locked = secretary.post(f"{URL}{report.pk}/draft/", {"values": {"meetings": 2}}, format="json")
    assert locked.status_code == 409
    reopened = staff.post(f"{URL}{report.pk}/reopen/", {"reason": "需更正"}, format="json")
    assert reopened.json()["status"] == "returned"


def test_another_townships_report_is_404(report, users, api_for):
    staff_b = api_for(users["staff_b"])
    assert staff_b.get(f"{URL}{report.pk}/").status_code == 404
    assert staff_b.post(f"{URL}{report.pk}/approve/", format="json").status_code == 404
    assert report.pk not in {row["id"] for row in staff_b.get(URL).json()["results"]}


def test_fill_page_autosave_and_review(report, users, client_for):
    from django.urls import reverse

    from reporting.models import Report

    client = client_for(users["secretary_a1"])
    page = client.get(reverse("reporting:report", args=[report.pk])).content.decode()
    assert "本表 5 项中 3 项已自动填写" in page
    assert "自动填写来源：期末党员数" in page
    assert 'src="/static/js/report_autosave.js"' in page and "<script>" not in page
    saved = client.post(
        reverse("reporting:report_draft", args=[report.pk]), {"value-developed": "3", "value-meetings": "2"}
    )
    assert saved.json()["findings"]["developed"][0]["message"] == "发展党员数不能超过入党积极分子数"
    page = client.get(reverse("reporting:report", args=[report.pk])).content.decode()
    assert 'name="value-meetings" value="2"' in page  # a reload keeps what was typed
    assert "发展党员数不能超过入党积极分子数" in page
    refused = client.post(
        reverse("reporting:report", args=[report.pk]), {"present-developed": "1", "value-developed": "3", "submit": "1"}
    )
    assert refused.status_code == 400 and "发展党员数不能超过入党积极分子数" in refused.content.decode()
    client.post(reverse("reporting:report", args=[report.pk]), {"value-developed": "0", "submit": "1"})
    assert Report.objects.get(pk=report.pk).status == "submitted"
    staff = client_for(users["staff_a"])
    staff.post(reverse("reporting:report_send_back", args=[report.pk]), {"reason": "请核实"})
    assert Report.objects.get(pk=report.pk).status == "returned"


def test_secretary_sees_the_form_due_and_opens_it(county, users, client_for):
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from reporting.models import Report

    build_form(county["city"], code="due")
    client = client_for(users["secretary_a1"])
    page = client.get(reverse("reporting:index")).content.decode()
    assert "填报" in page
    day = (timezone.localdate().replace(day=1) - timedelta(days=1)).isoformat()
    form_pk = Report._meta.get_field("form").related_model.objects.get(code="due").pk
    response = client.post(reverse("reporting:open"), {"form": form_pk, "unit": county["village_a1"].pk, "day": day})
    report = Report.objects.get(form_id=form_pk)
    assert response.url == reverse("reporting:report", args=[report.pk])
    other = client.post(reverse("reporting:open"), {"form": form_pk, "unit": county["village_b1"].pk, "day": day})
    assert other.status_code == 404


def test_workbench_queues(report, users):
    from reporting import workbench

    assert workbench.reports_to_submit(users["secretary_a1"]).count == 1
    assert workbench.reports_to_approve(users["secretary_a1"]) is None
    services.report_save_draft(report=report, actor=SYSTEM, values={"meetings": 1})
    services.report_submit(report=report, actor=users["secretary_a1"])
    assert workbench.reports_to_approve(users["staff_a"]).count == 1
    assert workbench.reports_to_approve(users["staff_b"]).count == 0
