"""Cadre posts, elevated management, vetting, degree study, ranking, and training coverage."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import NoReverseMatch, reverse

from accounts.permissions import SYSTEM
from cadres import selectors, services
from tests.cadres import helpers as h

pytestmark = pytest.mark.django_db


def test_one_sitting_secretary_per_unit_and_adjustment_keeps_history(county, users):
    first = h.secretary_post(county["village_a1"], "老书记")
    with pytest.raises(ValidationError) as info:
        h.secretary_post(county["village_a1"], "新书记")
    assert "post" in info.value.message_dict
    with pytest.raises(ValidationError):
        services.post_end(post=first, ended_on=date(2024, 1, 1), reason="", actor=users["staff_a"])
    services.post_end(post=first, ended_on=date(2024, 1, 1), reason="年龄原因", actor=users["staff_a"])
    second = h.secretary_post(county["village_a1"], "新书记")
    history = selectors.posts_list(user=users["staff_a"], post="secretary", current=False)
    assert [p.person.name for p in history] == ["老书记", "新书记"] and second.ended_on is None


def test_one_shoulder_only_for_the_secretary(county):
    with pytest.raises(ValidationError):
        services.post_create(
            person=h.person(county["village_a1"]),
            unit=county["village_a1"],
            post="member",
            term_start_year=2021,
            started_on=date(2021, 5, 1),
            is_one_shoulder=True,
            actor=SYSTEM,
        )


def test_elevated_management_for_sitting_secretaries_by_staff_only(county, users):
    post = h.secretary_post(county["village_a1"])
    member_post = services.post_create(
        person=h.person(county["village_a1"]),
        unit=county["village_a1"],
        post="member",
        term_start_year=2021,
        started_on=date(2021, 5, 1),
        actor=SYSTEM,
    )
    kwargs = {
        "direction": "negative",
        "reason": "软弱涣散整顿",
        "started_on": date(2024, 3, 1),
        "review_on": date(2025, 3, 1),
    }
    with pytest.raises(PermissionDenied):
        services.elevation_create(post=post, actor=users["secretary_a1"], **kwargs)
    with pytest.raises(ValidationError):
        services.elevation_create(post=member_post, actor=users["staff_a"], **kwargs)
    services.elevation_create(post=post, actor=users["staff_a"], **kwargs)
    with pytest.raises(ValidationError):
        services.elevation_create(post=post, actor=users["staff_a"], **kwargs)


def test_only_passed_vetting_can_be_filed(county, users):
    person = h.person(county["village_a1"])
    with pytest.raises(ValidationError) as info:
        services.vetting_create(
            person=person,
            unit=county["village_a1"],
            vetted_on=date(2024, 4, 1),
            result="failed",
            filed_on=date(2024, 4, 2),
            actor=users["staff_a"],
        )
    assert "filed_on" in info.value.message_dict


def test_yearly_ranking_orders_secretaries_by_score(county, users, api_for):
    for unit, score in (("village_a1", 81), ("village_a2", 93.5), ("community_a", 81), ("village_b1", 99)):
        services.assessment_record(
            person=h.person(county[unit], f"书记{unit}"),
            unit=county[unit],
            year=2024,
            score=Decimal(str(score)),
            actor=SYSTEM,
        )
    ranking = [(a.rank, a.unit.name) for a in selectors.assessment_ranking(user=users["staff_a"], year=2024)]
    assert ranking[0] == (1, "甲二村") and {r for r, _name in ranking[1:]} == {2}
    body = api_for(users["city_staff"]).get("/api/v1/cadres/assessments/ranking/", {"year": 2024}).json()
    assert [row["rank"] for row in body] == [1, 2, 3, 3]


def test_college_share_and_one_shoulder_rate(county, users):
    h.secretary_post(county["village_a1"])  # one shoulder
    services.post_create(
        person=h.person(county["village_a2"], education="bachelor"),
        unit=county["village_a2"],
        post="secretary",
        term_start_year=2021,
        started_on=date(2021, 5, 1),
        actor=SYSTEM,
    )
    figures = selectors.cadre_figures(user=users["staff_a"], year=2024)
    assert (figures["secretaries"], figures["one_shoulder"], figures["college"]) == (2, 1, 1)
    assert figures["one_shoulder_rate"] == 50.0 and figures["college_share"] == 50.0


def test_training_person_times_and_secretaries_not_trained(county, users, client_for):
    trained = h.secretary_post(county["village_a1"], "参训书记")
    h.secretary_post(county["village_a2"], "未训书记")
    session = services.training_create(
        topic="书记培训班",
        organizer=county["township_a"],
        level="township",
        starts_on=date(2024, 3, 1),
        ends_on=date(2024, 3, 2),
        actor=users["staff_a"],
    )
    added = services.training_add_attendees(
        session=session, people=[trained.person, h.person(county["village_a1"])], actor=users["staff_a"]
    )
    assert added == 2
    assert services.training_add_attendees(session=session, people=[trained.person], actor=users["staff_a"]) == 0
    assert selectors.training_figures(user=users["staff_a"], year=2024)["person_times"] == 2
    report = selectors.secretaries_not_trained(user=users["staff_a"], year=2024)
    assert [p.person.name for p in report["missing"]] == ["未训书记"] and report["total"] == 2
    page = client_for(users["staff_a"]).get(reverse("cadres:training_coverage"), {"year": 2024}).content.decode()
    assert "未训书记" in page and "参训书记" not in page
    with pytest.raises(PermissionDenied):
        services.training_add_attendees(session=session, people=[trained.person], actor=users["secretary_a1"])


def test_every_page_renders_for_staff_and_secretary(county, users, client_for):
    member = h.member(county["village_a1"])
    record = h.activist(county["village_a1"])
    post = h.secretary_post(county["village_a2"])
    reserve = services.reserve_nominate(
        person=h.person(county["village_a1"]),
        unit=county["village_a1"],
        post_for="other",
        nomination="self",
        nominated_on=date(2024, 1, 1),
        actor=SYSTEM,
    )
    session = services.training_create(
        topic="培训",
        organizer=county["township_a"],
        level="township",
        starts_on=date(2024, 3, 1),
        ends_on=date(2024, 3, 1),
        actor=SYSTEM,
    )
    transfer = services.transfer_start(
        member=member, to_unit=county["village_a2"], out_on=date(2024, 5, 1), actor=SYSTEM
    )
    names = [
        "index",
        "person_list",
        "person_create",
        "member_list",
        "member_create",
        "birthdays",
        "transfer_list",
        "development_list",
        "development_create",
        "post_list",
        "post_create",
        "elevation_list",
        "vetting_list",
        "vetting_create",
        "study_list",
        "study_create",
        "assessment_list",
        "assessment_create",
        "reserve_list",
        "reserve_create",
        "under_30",
        "training_list",
        "training_create",
        "training_coverage",
    ]
    detail = [
        ("person_detail", member.person_id),
        ("member_detail", member.pk),
        ("member_edit", member.pk),
        ("member_transfer", member.pk),
        ("transfer_detail", transfer.pk),
        ("development_detail", record.pk),
        ("post_detail", post.pk),
        ("reserve_detail", reserve.pk),
        ("training_detail", session.pk),
    ]
    client = client_for(users["staff_a"])
    for name in names:
        assert client.get(reverse(f"cadres:{name}")).status_code == 200, name
    for name, pk in detail:
        assert client.get(reverse(f"cadres:{name}", args=[pk])).status_code == 200, name
    for kind in ("members", "posts", "reserves"):
        assert client.get(reverse("imports:start", args=[kind])).status_code == 200
        assert client.get(reverse("sheets:export", args=[kind, "xlsx"])).status_code == 200
    secretary = client_for(users["secretary_a1"])
    assert secretary.get(reverse("cadres:member_list")).status_code == 200
    assert secretary.get(reverse("cadres:post_detail", args=[post.pk])).status_code == 404  # another village


def test_member_list_and_api_query_counts_do_not_grow_with_rows(
    county, users, client_for, api_for, django_assert_max_num_queries
):
    for _ in range(3):
        h.member(county["village_a1"])
    client, api = client_for(users["staff_a"]), api_for(users["staff_a"])
    client.get(reverse("cadres:member_list"))  # warm the session
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("cadres:member_list"))
        api.get("/api/v1/cadres/members/")
    for _ in range(12):
        h.member(county["village_a2"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("cadres:member_list"))
        api.get("/api/v1/cadres/members/")


def test_back_office_points_to_the_one_import_page(county, users, client_for):
    changelist = client_for(users["staff_a"]).get(reverse("admin:cadres_partymember_changelist"))
    assert changelist.status_code == 200 and reverse("imports:start", args=["members"]) in changelist.content.decode()
    with pytest.raises(NoReverseMatch):  # no second import path in the admin
        reverse("admin:cadres_partymember_import")
