"""`people:read` gives what it promises: a system client reads the people of its subtree through the same
`restrict()` path as everyone, but only their non-sensitive fields (cadres/api/service_accounts.py); outside its
subtree 404; never an ID number, phone, birth date or gender, not even masked, and no write."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cadres.api.service_accounts import SENSITIVE_FIELDS, PersonForSystemSerializer
from tests.clients.helpers import bearer, make_client, token_response

from .helpers import member, person

PEOPLE = "/api/v1/cadres/people/"
NON_SENSITIVE = set(PersonForSystemSerializer.Meta.fields)


def _never_sensitive(row: dict) -> None:
    assert not SENSITIVE_FIELDS & set(row), row
    assert not [key for key in row if key.endswith(("_encrypted", "_hash", "_masked"))], row


@pytest.fixture
def reader(county):
    client, secret = make_client(county["township_a"], scopes=("people:read",), name="人口库")
    response = token_response(Client(), client.client_id, secret)
    assert response.status_code == 200, response.content
    return bearer(APIClient(), response.json()["access_token"])


@pytest.fixture
def people(county):
    inside = person(county["village_a1"], "甲村张三", age=45, mobile="13912345678", education="bachelor")
    outside = person(county["village_b1"], "乙村李四", age=30, mobile="13987654321")
    return inside, outside


def test_a_client_reads_a_subtree_person_with_non_sensitive_fields_only(reader, people, county):
    inside, outside = people
    listed = reader.get(PEOPLE, {"page_size": 100})
    assert listed.status_code == 200, listed.content
    rows = {row["id"]: row for row in listed.json()["results"]}
    assert inside.pk in rows and outside.pk not in rows
    row = rows[inside.pk]
    assert set(row) == NON_SENSITIVE
    _never_sensitive(row)
    assert row["name"] == "甲村张三" and row["unit_code"] == county["village_a1"].code
    assert row["code"] == inside.code and row["education"] == "bachelor" and row["age_band"] == "40-49岁"
    text = listed.content.decode()
    assert "13912345678" not in text and inside.mobile_masked not in text and inside.id_number_masked not in text
    for url in (f"{PEOPLE}{inside.pk}/", f"{PEOPLE}{inside.code}/"):
        detail = reader.get(url)
        assert detail.status_code == 200 and set(detail.json()) == NON_SENSITIVE
        _never_sensitive(detail.json())


def test_outside_its_subtree_404(reader, people):
    _inside, outside = people
    for url in (f"{PEOPLE}{outside.pk}/", f"{PEOPLE}{outside.code}/"):
        response = reader.get(url)
        assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_no_write_and_no_reveal(reader, people, county):
    inside, _outside = people
    created = reader.post(PEOPLE, {"name": "新人", "id_number": "x", "unit_code": county["village_a1"].code})
    assert created.status_code == 403 and created.json()["code"] == "insufficient_scope"
    revealed = reader.post(f"{PEOPLE}{inside.pk}/reveal/", {"field": "mobile"}, format="json")
    assert revealed.status_code == 403 and revealed.json()["code"] == "insufficient_scope"
    changed = reader.patch(f"{PEOPLE}{inside.pk}/", {"name": "改名"}, format="json")
    assert changed.status_code == 403
    inside.refresh_from_db()
    assert inside.name == "甲村张三"


def test_a_search_by_name_works(reader, people):
    inside, _outside = people
    assert [r["id"] for r in reader.get(PEOPLE, {"q": "张三"}).json()["results"]] == [inside.pk]


def test_nested_people_in_the_other_cadres_lists_are_stripped_too(reader, county):
    party_member = member(county["village_a1"], "党员王五")
    rows = reader.get("/api/v1/cadres/members/", {"page_size": 100}).json()["results"]
    row = next(r for r in rows if r["id"] == party_member.pk)
    assert row["person"]["name"] == "党员王五"
    _never_sensitive(row["person"])
    assert party_member.person.id_number_masked not in str(rows)


def test_the_older_token_of_an_external_account_gets_the_same_fields(users, people):
    inside, _outside = people
    token = Token.objects.create(user=users["external"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    row = api.get(f"{PEOPLE}{inside.pk}/").json()
    assert set(row) == NON_SENSITIVE


def test_portal_users_keep_their_fields(api_for, users, people):
    inside, _outside = people
    row = api_for(users["staff_a"]).get(f"{PEOPLE}{inside.pk}/").json()
    assert row["id_number_masked"] and row["mobile_masked"] and row["birth_date"]


def test_what_a_client_reads_is_what_the_schema_documents(reader, people):
    """The documented answer of the people list and detail (a person as a portal user reads it, or its non-sensitive
    view) holds for a system client's actual answers: schemathesis calls the API as a township user only."""
    import json

    import jsonschema
    from django.utils import translation
    from drf_spectacular.generators import SchemaGenerator

    from tests.core.test_openapi_docs import _json_schema

    inside, _outside = people
    with translation.override("zh-hans"):
        document = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))
    definitions = {name: _json_schema(schema) for name, schema in document["components"]["schemas"].items()}

    def documented(path):
        schema = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        return jsonschema.Draft202012Validator({**_json_schema(schema), "$defs": definitions})

    listed = reader.get(PEOPLE).json()
    assert listed["results"]
    documented(PEOPLE).validate(listed)
    documented(PEOPLE + "{id}/").validate(reader.get(f"{PEOPLE}{inside.pk}/").json())
