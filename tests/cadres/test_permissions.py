"""The cadres app on the one permission path: for each action the right role in scope succeeds, a role without the
action is refused (PermissionDenied / 403), and outside the view scope the record is not found (404)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.permissions import APPROVE, CHANGE, IMPORT, REVEAL, SYSTEM, can, can_at, units_for
from accounts.roles import Role
from cadres import forms, services
from cadres.demo import builders
from cadres.models import (
    DevelopmentRecord,
    DevelopmentStage,
    PartyMember,
    Person,
    PersonalDataReveal,
    ReserveStage,
    StepStatus,
    TrainingSession,
)
from tests.cadres import helpers as h
from tests.factories import user_with_role

API = "/api/v1/cadres/"


@pytest.fixture
def roles(county):
    return {
        "gridworker": user_with_role("gw_perm", Role.GRID_WORKER, county["grid_a1"]),
        "handler": user_with_role("hd_perm", Role.DEPARTMENT_HANDLER, county["agency"]),
    }


def proposed(unit):
    record = services.development_start(person=h.person(unit), unit=unit, applied_on=h.days_ago(30), actor=SYSTEM)
    step = services.development_propose(record=record, effective_on=h.days_ago(1), actor=SYSTEM)
    return record, step


# --- APPROVE: development steps and reserve decisions ---------------------------------------------------------------


def test_approve_development_right_role_succeeds_secretary_403_sibling_404(api_for, county, users):
    record, _step = proposed(county["village_a1"])
    assert can(users["secretary_a1"], CHANGE, record) and not can(users["secretary_a1"], APPROVE, record)
    assert api_for(users["secretary_a1"]).post(f"{API}development/{record.pk}/approve/").status_code == 403
    assert api_for(users["staff_b"]).post(f"{API}development/{record.pk}/approve/").status_code == 404
    assert DevelopmentRecord.objects.get(pk=record.pk).stage == DevelopmentStage.APPLICANT
    response = api_for(users["staff_a"]).post(f"{API}development/{record.pk}/approve/")
    assert response.status_code == 200
    assert DevelopmentRecord.objects.get(pk=record.pk).stage == DevelopmentStage.ACTIVIST


def test_approve_page_refuses_the_secretary_and_hides_the_button(client_for, county, users):
    record, step = proposed(county["village_a1"])
    url = reverse("cadres:development_approve", args=[step.pk])
    assert client_for(users["secretary_a1"]).post(url).status_code == 403
    assert client_for(users["staff_b"]).post(url).status_code == 404
    page = client_for(users["secretary_a1"]).get(reverse("cadres:development_detail", args=[record.pk]))
    assert page.context["can_approve"] is False and url not in page.content.decode()
    page = client_for(users["staff_a"]).get(reverse("cadres:development_detail", args=[record.pk]))
    assert page.context["can_approve"] is True
    step.refresh_from_db()
    assert step.status == StepStatus.PROPOSED


def test_reserve_review_is_a_township_decision(county, users):
    reserve = services.reserve_nominate(
        person=h.person(county["village_a1"], age=25),
        unit=county["village_a1"],
        post_for="secretary",
        nomination="self",
        nominated_on=h.days_ago(10),
        actor=users["secretary_a1"],
    )
    with pytest.raises(PermissionDenied):
        services.reserve_advance(reserve=reserve, on=h.days_ago(5), actor=users["secretary_a1"])
    services.reserve_advance(reserve=reserve, on=h.days_ago(5), actor=users["staff_a"])
    reserve.refresh_from_db()
    assert reserve.stage == ReserveStage.REVIEWED


# --- REVEAL and CHANGE on a person ----------------------------------------------------------------------------------


def test_reveal_by_role_in_scope_only(api_for, county, users, roles):
    person = h.person(county["grid_a1"], mobile="13900001111")
    assert can(users["secretary_a1"], REVEAL, person) and not can(roles["gridworker"], REVEAL, person)
    denied = api_for(roles["gridworker"]).post(f"{API}people/{person.pk}/reveal/", {"field": "mobile"})
    assert denied.status_code == 403
    assert api_for(users["staff_b"]).post(f"{API}people/{person.pk}/reveal/", {"field": "mobile"}).status_code == 404
    assert not PersonalDataReveal.objects.filter(person=person).exists()
    shown = api_for(users["secretary_a1"]).post(f"{API}people/{person.pk}/reveal/", {"field": "mobile"})
    assert shown.status_code == 200 and shown.json()["value"] == "13900001111"
    assert PersonalDataReveal.objects.filter(person=person, actor=users["secretary_a1"]).count() == 1
    with pytest.raises(PermissionDenied):  # a reveal is logged against a person: the system reveals nothing
        services.person_reveal(person=person, field="mobile", actor=SYSTEM)


def test_people_are_written_by_the_declared_roles_in_their_unit(county, users, roles):
    person = h.person(county["grid_a1"])
    services.person_update(person=person, name="改名一", actor=roles["gridworker"])  # a woodpecker's grid worker
    for user in (roles["handler"], users["woodpecker_ac"], users["staff_b"]):
        with pytest.raises(PermissionDenied):
            services.person_update(person=person, name="改名二", actor=user)
    with pytest.raises(PermissionDenied):
        services.person_create(name="甲", id_number=h.make_id(), unit=county["village_a2"], actor=roles["gridworker"])
    assert Person.objects.get(pk=person.pk).name == "改名一"


# --- CHANGE on either side of a record between two units -----------------------------------------------------------


def test_only_the_home_side_changes_a_floating_member(client_for, county, users):
    member = h.member(
        county["village_a1"], is_floating=True, floating_location="深圳", floating_managing_unit=county["village_b1"]
    )
    assert can(users["staff_b"], CHANGE, member)  # visible and changeable from the managing side by the model…
    assert not can_at(users["staff_b"], CHANGE, PartyMember, member.unit)  # …but the services ask the home side
    with pytest.raises(PermissionDenied):
        services.member_update(member=member, actor=users["staff_b"], status="full")
    assert client_for(users["staff_b"]).get(reverse("cadres:member_edit", args=[member.pk])).status_code == 403
    page = client_for(users["staff_b"]).get(reverse("cadres:member_detail", args=[member.pk]))
    assert page.status_code == 200 and page.context["can_change"] is False and page.context["home_side"] is False
    assert client_for(users["staff_a"]).get(reverse("cadres:member_edit", args=[member.pk])).status_code == 200


def test_transfer_steps_belong_to_their_side(county, users):
    member = h.member(county["village_a1"])
    transfer = services.transfer_start(
        member=member, to_unit=county["village_b1"], out_on=date(2024, 5, 1), actor=users["secretary_a1"]
    )
    with pytest.raises(PermissionDenied):
        services.transfer_arrive(transfer=transfer, on=date(2024, 5, 2), actor=users["staff_a"])
    with pytest.raises(PermissionDenied):
        services.transfer_cancel(transfer=transfer, actor=users["staff_b"])
    services.transfer_arrive(transfer=transfer, on=date(2024, 5, 2), actor=users["staff_b"])


# --- forms, API unit choices and imports ask units_queryset / units_for ----------------------------------------


def test_unit_choices_are_the_units_where_the_user_may_write_the_model(county, users):
    training = forms.TrainingForm(user=users["secretary_a1"]).fields["organizer"].queryset
    assert not training.exists()  # training is organized by staff
    assert set(forms.TrainingForm(user=users["staff_a"]).fields["organizer"].queryset) == {
        u for u in county.values() if u.path.startswith(county["township_a"].path)
    }
    members = forms.MemberForm(user=users["secretary_a1"]).fields["unit"].queryset
    assert county["village_a1"] in members and county["village_a2"] not in members


def test_api_refuses_a_unit_where_the_model_may_not_be_written(api_for, county, users):
    body = {"topic": "党课", "organizer_code": county["village_a1"].code, "level": "township"}
    body.update(starts_on="2024-05-01", ends_on="2024-05-02")
    response = api_for(users["secretary_a1"]).post(f"{API}trainings/", body, format="json")
    assert response.status_code == 400 and "organizer_code" in response.json()["errors"]
    assert not TrainingSession.objects.exists()
    created = api_for(users["staff_a"]).post(f"{API}trainings/", body, format="json")
    assert created.status_code == 201


def test_import_page_follows_the_declared_import_action(client_for, users, roles):
    url = reverse("imports:start", args=["members"])
    assert not units_for(roles["gridworker"], PartyMember, IMPORT)
    assert client_for(roles["gridworker"]).get(url).status_code == 403
    assert client_for(users["secretary_a1"]).get(url).status_code == 200


# --- no None actor ----------------------------------------------------------------------------------------------


def test_a_none_actor_is_refused_and_system_is_explicit(county):
    unit = county["village_a1"]
    with pytest.raises(PermissionDenied):
        services.person_create(name="甲", id_number=h.make_id(), unit=unit, actor=None)
    person = h.person(unit)
    with pytest.raises(PermissionDenied):
        services.member_create(person=person, unit=unit, status="full", joined_on=date(2010, 1, 1), actor=None)
    with pytest.raises(PermissionDenied):
        builders.people_bulk_create(rows=[{"name": "乙", "id_number": h.make_id(), "unit": unit}], actor=None)
    assert not PartyMember.objects.filter(person=person).exists()
    assert len(builders.people_bulk_create(rows=[{"name": "乙", "id_number": h.make_id(), "unit": unit}], actor=SYSTEM))


def test_bulk_loads_check_every_unit_they_refer_to(county, users):
    rows = [
        {"name": "甲", "id_number": h.make_id(), "unit": county["village_a1"]},
        {"name": "乙", "id_number": h.make_id(), "unit": county["village_b1"]},
    ]
    with pytest.raises(PermissionDenied):
        builders.people_bulk_create(rows=rows, actor=users["staff_a"])
    assert not Person.objects.filter(name__in=["甲", "乙"]).exists()
