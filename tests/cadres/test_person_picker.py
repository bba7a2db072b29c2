"""The person picker (cadres/picker.py): people are chosen by name inside the user's jurisdiction, never by
retyping an ID number; the search answers names, masked ID numbers and units only; the id a form posts is checked
against the scope again. And the unit field with one possible unit (core.forms.UnitChoiceField) comes preselected."""

import re

import pytest
from django import forms
from django.urls import reverse

from cadres.models import ReserveCadre, TrainingAttendance
from cadres.services import training_create
from core import crypto
from core.forms import UnitChoiceField
from organizations.models import OrganizationUnit
from tests.cadres import helpers as h

pytestmark = pytest.mark.django_db

SEARCH = "cadres:person_search"


def _search(client, q):
    response = client.get(reverse(SEARCH), {"q": q})
    assert response.status_code == 200
    return response.json()["results"]


def test_search_finds_people_in_scope_only(county, users, client_for):
    mine = h.person(county["village_a1"], "张红梅", mobile="13912345678")
    neighbour = h.person(county["village_a2"], "张红霞")  # same township, another village
    h.person(county["village_b1"], "张红兵")  # another township
    secretary = client_for(users["secretary_a1"])
    assert [r["id"] for r in _search(secretary, "张红")] == [mine.pk]
    staff = client_for(users["staff_a"])
    assert {r["id"] for r in _search(staff, "张红")} == {mine.pk, neighbour.pk}
    assert _search(staff, "") == [] and _search(staff, "   ") == []


def test_namesakes_are_told_apart_by_masked_id_and_unit_and_nothing_personal_leaks(county, users, client_for):
    one = h.person(county["village_a1"], "王芳", mobile="13912345678")
    two = h.person(county["village_a2"], "王芳", mobile="13987654321")
    response = client_for(users["staff_a"]).get(reverse(SEARCH), {"q": "王芳"})
    body = response.content.decode()
    results = response.json()["results"]
    assert [(r["name"], r["unit"]) for r in results] == [("王芳", "甲一村"), ("王芳", "甲二村")]
    assert {r["id_number"] for r in results} == {one.id_number_masked, two.id_number_masked}
    for person, mobile in ((one, "13912345678"), (two, "13987654321")):
        assert crypto.decrypt(person.id_number_encrypted) not in body and mobile not in body and mobile[-4:] not in body
        assert re.fullmatch(r"\d\*{16}[\dX]", [r for r in results if r["id"] == person.pk][0]["id_number"])
    assert set(results[0]) == {"id", "name", "id_number", "unit"}


def test_search_by_id_number_finds_nobody_and_anonymous_is_sent_to_login(county, users, client_for, client):
    person = h.person(county["village_a1"], "李四")
    assert client.get(reverse(SEARCH), {"q": "李"}).status_code == 302
    assert _search(client_for(users["staff_a"]), crypto.decrypt(person.id_number_encrypted)) == []


def test_search_is_throttled_per_user(county, users, client_for, settings):
    current = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**current, "person_search": "2/m"},
    }
    client = client_for(users["staff_a"])
    assert [client.get(reverse(SEARCH), {"q": "王"}).status_code for _ in range(3)] == [200, 200, 429]


def _reserve_body(person_pk, unit):
    return {
        "person": person_pk,
        "unit": unit.pk,
        "post_for": "secretary",
        "nomination": "open",
        "nominated_on": "2024-02-01",
    }


def test_form_takes_a_person_in_scope_and_refuses_one_outside(county, users, client_for):
    inside = h.person(county["village_a1"], "赵一")
    outside = h.person(county["village_b1"], "赵二")
    client = client_for(users["secretary_a1"])
    url = reverse("cadres:reserve_create")
    refused = client.post(url, _reserve_body(outside.pk, county["village_a1"]))
    assert refused.status_code == 200
    assert refused.context["form"].errors["person"] == ["该人员不在您的管辖范围内。"]
    assert "赵二" not in refused.content.decode()  # the refused id is not turned into a name
    for bad in ("abc", "-1", "99999999999999999999999", ""):
        assert client.post(url, _reserve_body(bad, county["village_a1"])).status_code == 200
    assert not ReserveCadre.objects.exists()
    assert client.post(url, _reserve_body(inside.pk, county["village_a1"])).status_code == 302
    assert ReserveCadre.objects.get().person == inside


def test_without_javascript_the_search_button_lists_the_people_to_choose(county, users, client_for):
    one = h.person(county["village_a1"], "钱多")
    h.person(county["village_b1"], "钱少")
    client = client_for(users["secretary_a1"])
    page = client.post(reverse("cadres:reserve_create"), {"person_q": "钱", "person_search": "1"})
    assert page.status_code == 200
    assert list(page.context["form"].errors) == ["person"]  # the other fields wait: the form is not finished
    html = page.content.decode()
    assert f'type="radio" name="person" value="{one.pk}"' in html and "钱少" not in html
    assert one.id_number_masked in html and crypto.decrypt(one.id_number_encrypted) not in html


def test_training_attendees_are_checked_across_searches(county, users, client_for):
    session = training_create(
        topic="党课",
        organizer=county["township_a"],
        level="township",
        starts_on=h.days_ago(2),
        ends_on=h.days_ago(1),
        actor=users["staff_a"],
    )
    a, b = h.person(county["village_a1"], "孙甲"), h.person(county["village_a1"], "周乙")
    outside = h.person(county["village_b1"], "吴丙")
    client = client_for(users["staff_a"])
    url = reverse("cadres:training_detail", args=[session.pk])
    # A second search keeps the attendee checked in the first one.
    page = client.post(url, {"people": [a.pk], "people_q": "周", "people_search": "1"}).content.decode()
    assert f'value="{a.pk}" checked' in page and f'value="{b.pk}"' in page
    assert client.post(url, {"people": [a.pk, outside.pk]}).status_code == 200
    assert not TrainingAttendance.objects.exists()
    assert client.post(url, {"people": [a.pk, b.pk]}).status_code == 302
    assert set(TrainingAttendance.objects.values_list("person__name", flat=True)) == {"孙甲", "周乙"}


def test_a_lone_unit_is_preselected_and_shown_as_text(county, users, client_for):
    secretary = client_for(users["secretary_a1"]).get(reverse("cadres:reserve_create")).content.decode()
    assert f'<input type="hidden" name="unit" value="{county["village_a1"].pk}" id="id_unit">' in secretary
    assert "甲一村（VILA10001）" in secretary and '<select name="unit"' not in secretary
    staff = client_for(users["staff_a"]).get(reverse("cadres:reserve_create")).content.decode()
    assert '<select name="unit"' in staff  # several villages: a choice


class _UnitForm(forms.Form):
    unit = UnitChoiceField()
    optional = UnitChoiceField(required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = self.fields["optional"].queryset = units


def test_the_shared_unit_field_collapses_only_a_required_single_choice(county):
    one = OrganizationUnit.objects.filter(pk=county["village_a1"].pk)
    html = str(_UnitForm(units=one)["unit"])
    assert 'type="hidden"' in html and "data-only-choice" in html
    assert "<select" in str(_UnitForm(units=one)["optional"])  # an optional field keeps its empty choice
    two = OrganizationUnit.objects.filter(pk__in=[county["village_a1"].pk, county["village_a2"].pk])
    assert "<select" in str(_UnitForm(units=two)["unit"])
    # The posted value is still checked against the choices.
    assert not _UnitForm({"unit": county["village_b1"].pk}, units=one).is_valid()
    assert _UnitForm({"unit": county["village_a1"].pk}, units=one).is_valid()
