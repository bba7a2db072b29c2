"""Reserve cadres: the pipeline's allowed and refused steps, and the under-30 rule per township."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.permissions import SYSTEM
from cadres import selectors, services
from cadres.models import ReserveStage
from tests.cadres import helpers as h

pytestmark = pytest.mark.django_db


def nominate(unit, age=26, post_for="secretary", on=None):
    return services.reserve_nominate(
        person=h.person(unit, age=age),
        unit=unit,
        post_for=post_for,
        nomination="open",
        nominated_on=on or h.days_ago(300),
        actor=SYSTEM,
    )


def to_stage(reserve, stage, actor=SYSTEM):
    while reserve.stage != stage:
        reserve = services.reserve_advance(reserve=reserve, on=h.days_ago(10), actor=actor)
    return reserve


def test_pipeline_from_nomination_to_appointment_keeps_each_step(county, users):
    reserve = nominate(county["village_a1"])
    reserve = services.reserve_advance(reserve=reserve, on=h.days_ago(200), actor=users["staff_a"])  # review
    reserve = services.reserve_advance(reserve=reserve, on=h.days_ago(150), actor=users["staff_a"])  # inspection
    reserve = services.reserve_advance(reserve=reserve, on=h.days_ago(100), actor=users["secretary_a1"])  # reserve
    reserve = services.reserve_advance(reserve=reserve, on=h.days_ago(50), actor=users["secretary_a1"])  # trained
    reserve = services.reserve_advance(reserve=reserve, on=h.days_ago(1), actor=users["staff_a"])  # appointed
    assert reserve.stage == ReserveStage.APPOINTED
    assert list(reserve.steps.values_list("to_stage", flat=True)) == [
        "nominated",
        "reviewed",
        "inspected",
        "in_reserve",
        "trained",
        "appointed",
    ]
    with pytest.raises(ValidationError):
        services.reserve_advance(reserve=reserve, on=h.days_ago(0), actor=users["staff_a"])


def test_review_inspection_and_appointment_are_township_decisions(county, users):
    reserve = nominate(county["village_a1"])
    with pytest.raises(PermissionDenied):
        services.reserve_advance(reserve=reserve, on=h.days_ago(5), actor=users["secretary_a1"])
    with pytest.raises(PermissionDenied):
        services.reserve_advance(reserve=reserve, on=h.days_ago(5), actor=users["staff_b"])
    reserve.refresh_from_db()
    assert reserve.stage == ReserveStage.NOMINATED


def test_steps_cannot_go_back_in_time(county):
    reserve = nominate(county["village_a1"], on=h.days_ago(30))
    with pytest.raises(ValidationError) as info:
        services.reserve_advance(reserve=reserve, on=h.days_ago(40), actor=SYSTEM)
    assert "on" in info.value.message_dict


def test_drop_needs_a_reason_and_closes_the_pipeline(county, users):
    reserve = to_stage(nominate(county["village_a1"]), ReserveStage.IN_RESERVE)
    with pytest.raises(ValidationError) as info:
        services.reserve_drop(reserve=reserve, on=h.days_ago(1), reason="", actor=users["secretary_a1"])
    assert "dropped_reason" in info.value.message_dict
    reserve = services.reserve_drop(
        reserve=reserve, on=h.days_ago(1), reason="外出务工，不再适合", actor=users["secretary_a1"]
    )
    assert reserve.stage == ReserveStage.DROPPED and reserve.steps.last().reason == "外出务工，不再适合"
    with pytest.raises(ValidationError):
        services.reserve_advance(reserve=reserve, on=h.days_ago(0), actor=SYSTEM)
    # Once dropped, the same person may be nominated again later.
    services.reserve_nominate(
        person=reserve.person,
        unit=reserve.unit,
        post_for="secretary",
        nomination="self",
        nominated_on=h.days_ago(0),
        actor=SYSTEM,
    )


def test_same_person_twice_in_the_pipeline_for_the_same_post_refused(county):
    reserve = nominate(county["village_a1"])
    with pytest.raises(ValidationError):
        services.reserve_nominate(
            person=reserve.person,
            unit=reserve.unit,
            post_for="secretary",
            nomination="self",
            nominated_on=h.days_ago(0),
            actor=SYSTEM,
        )


def test_villages_missing_a_reserve_under_30_listed_per_township(county, users, client_for):
    to_stage(nominate(county["village_a1"], age=26), ReserveStage.IN_RESERVE)  # covered
    to_stage(nominate(county["village_a2"], age=35), ReserveStage.TRAINED)  # too old
    nominate(county["village_a2"], age=25, post_for="other")  # under 30, but only nominated
    to_stage(nominate(county["village_a2"], age=24, post_for="other"), ReserveStage.IN_RESERVE)
    services.reserve_drop(
        reserve=county["village_a2"].reserve_cadres.get(stage="in_reserve"),
        on=h.days_ago(0),
        reason="调离",
        actor=SYSTEM,
    )  # dropped: no longer counts
    report = selectors.villages_missing_young_reserve(user=users["staff_a"], on=timezone.localdate())
    assert [(t.name, [v.name for v in vs]) for t, vs in report["groups"]] == [("甲镇", ["甲二村"])]
    assert (report["villages"], report["missing"]) == (2, 1)  # communities are not villages
    city = selectors.villages_missing_young_reserve(user=users["city_staff"], on=timezone.localdate())
    assert [(t.name, [v.name for v in vs]) for t, vs in city["groups"]] == [
        ("甲镇", ["甲二村"]),
        ("乙街道", ["乙一村"]),
    ]
    page = client_for(users["staff_a"]).get(reverse("cadres:under_30")).content.decode()
    assert "甲二村" in page and "甲一村" not in page and "乙一村" not in page


def test_under_30_report_in_the_api(county, users, api_for):
    body = api_for(users["city_staff"]).get("/api/v1/cadres/reserves/under-30/").json()
    assert body["missing"] == 3 and [t["name"] for t in body["townships"]] == ["甲镇", "乙街道"]
