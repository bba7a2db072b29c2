"""Workflow actions through the portal and the API: the same services, the same Chinese reasons."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.permissions import SYSTEM
from cadres import services
from cadres.models import DevelopmentStage, ReserveStage, TransferStatus
from tests.cadres import helpers as h

pytestmark = pytest.mark.django_db


def test_api_refuses_a_target_too_early_with_the_chinese_reason(county, users, api_for):
    record = h.activist(county["village_a1"], activist_days_ago=100)
    api = api_for(users["secretary_a1"])
    response = api.post(
        f"/api/v1/cadres/development/{record.pk}/propose/", {"effective_on": str(timezone.localdate())}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "waiting_time" and "至少一年" in body["errors"]["effective_on"][0]
    assert api.post(f"/api/v1/cadres/development/{record.pk}/approve/").status_code == 409  # nothing pending


def test_api_propose_then_approve_by_township_staff(county, users, api_for):
    record = h.activist(county["village_a1"], activist_days_ago=400)
    proposed = api_for(users["secretary_a1"]).post(
        f"/api/v1/cadres/development/{record.pk}/propose/", {"effective_on": str(timezone.localdate())}, format="json"
    )
    assert proposed.status_code == 200 and proposed.json()["steps"][-1]["status"] == "proposed"
    refused = api_for(users["secretary_a1"]).post(f"/api/v1/cadres/development/{record.pk}/approve/")
    assert refused.status_code == 403
    approved = api_for(users["staff_a"]).post(f"/api/v1/cadres/development/{record.pk}/approve/")
    assert approved.status_code == 200 and approved.json()["stage"] == DevelopmentStage.TARGET
    assert api_for(users["staff_b"]).post(f"/api/v1/cadres/development/{record.pk}/approve/").status_code == 404


def test_portal_transfer_arrive_and_receive_by_the_receiving_side(county, users, client_for):
    member = h.member(county["village_a1"], "转接党员")
    client = client_for(users["secretary_a1"])
    response = client.post(
        reverse("cadres:member_transfer", args=[member.pk]),
        {"to_unit_code": county["village_b1"].code, "out_on": "2024-05-01", "reason": "工作调动"},
    )
    assert response.status_code == 302
    transfer = member.transfers.get()
    receiver = client_for(users["staff_b"])
    receiver.post(reverse("cadres:transfer_action", args=[transfer.pk, "arrive"]), {"on": "2024-05-03"})
    receiver.post(reverse("cadres:transfer_action", args=[transfer.pk, "receive"]), {"on": "2024-05-04"})
    transfer.refresh_from_db()
    member.refresh_from_db()
    assert transfer.status == TransferStatus.RECEIVED and member.unit == county["village_b1"]


def test_portal_reserve_steps_and_drop_with_reason(county, users, client_for):
    reserve = services.reserve_nominate(
        person=h.person(county["village_a1"], age=25),
        unit=county["village_a1"],
        post_for="secretary",
        nomination="open",
        nominated_on=date(2024, 1, 5),
        actor=SYSTEM,
    )
    secretary = client_for(users["secretary_a1"])
    page = secretary.post(
        reverse("cadres:reserve_action", args=[reserve.pk, "advance"]), {"on": "2024-02-01"}, follow=True
    ).content.decode()
    assert "资格审查、考察和使用由乡镇（街道）工作人员决定。" in page
    staff = client_for(users["staff_a"])
    staff.post(reverse("cadres:reserve_action", args=[reserve.pk, "advance"]), {"on": "2024-02-01"})
    reserve.refresh_from_db()
    assert reserve.stage == ReserveStage.REVIEWED
    page = secretary.post(
        reverse("cadres:reserve_action", args=[reserve.pk, "drop"]), {"on": "2024-03-01"}, follow=True
    ).content.decode()
    reserve.refresh_from_db()
    assert reserve.stage == ReserveStage.REVIEWED and "必填" in page
    secretary.post(
        reverse("cadres:reserve_action", args=[reserve.pk, "drop"]), {"on": "2024-03-01", "reason": "考入公务员"}
    )
    reserve.refresh_from_db()
    assert reserve.stage == ReserveStage.DROPPED and reserve.dropped_reason == "考入公务员"


def test_secretary_registers_a_member_from_the_portal_with_masked_display(county, users, client_for):
    number = h.make_id()
    client = client_for(users["secretary_a1"])
    response = client.post(
        reverse("cadres:member_create"),
        {
            "name": "新登记",
            "id_number": number,
            "mobile": "13911112222",
            "unit": county["village_a1"].pk,
            "status": "probationary",
            "joined_on": "2024-07-01",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "新登记" in page and number not in page and "139****2222" in page
    duplicate = client.post(
        reverse("cadres:member_create"),
        {
            "name": "重复",
            "id_number": number,
            "unit": county["village_a1"].pk,
            "status": "full",
            "joined_on": "2020-07-01",
        },
    )
    assert "该身份证号码已登记。" in duplicate.content.decode()
