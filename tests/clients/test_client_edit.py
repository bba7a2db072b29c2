"""Editing a registered system client in the portal (issue 15): name, contact, scopes and rate limit, on the same
permission path as registration (out of scope: 404), audited; narrower scopes end the tokens issued so far."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from clients.models import SystemClient
from core.models import AuditEntry

from .helpers import bearer, make_client, token_response

UNITS = "/api/v1/organizations/units/"
CLUES = "/api/v1/grid_woodpecker/clues/"


def _token(client, secret) -> dict:
    response = token_response(Client(), client.client_id, secret)
    assert response.status_code == 200, response.content
    return response.json()


def _form(**overrides):
    data = {
        "name": "镇级看板",
        "contact_person": "张三",
        "contact_phone": "",
        "contact_email": "",
        "scopes": ["hierarchy:read"],
        "rate_limit": "",
    }
    return {**data, **overrides}


@pytest.fixture
def registered(county):
    return make_client(county["township_a"], scopes=("hierarchy:read", "clues:read"), name="镇级看板")


def test_staff_change_name_contact_and_rate_and_it_is_audited(registered, users, client_for):
    client, _secret = registered
    staff = client_for(users["city_staff"])
    page = staff.get(f"/clients/{client.pk}/edit/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "修改外部系统" in html and 'value="镇级看板"' in html and "organization unit" not in html
    answer = staff.post(
        f"/clients/{client.pk}/edit/",
        _form(name="镇级看板二期", contact_person="王五", scopes=["hierarchy:read", "clues:read"], rate_limit="30"),
    )
    assert answer.status_code == 302 and answer["Location"] == f"/clients/{client.pk}/"
    client.refresh_from_db()
    assert (client.name, client.contact_person, client.rate_limit, client.rate()) == ("镇级看板二期", "王五", 30, 30)
    assert client.application.name == "镇级看板二期" and client.account.display_name == "镇级看板二期"
    entry = AuditEntry.objects.get(
        object_type="clients.systemclient", object_id=str(client.pk), action="system_client.update"
    )
    assert entry.actor_id == users["city_staff"].pk
    assert set(entry.changes) == {"name", "contact_person", "rate_limit"}
    assert entry.changes["name"] == ["镇级看板", "镇级看板二期"]
    detail = staff.get(f"/clients/{client.pk}/").content.decode()
    assert "修改外部系统" in detail and f"/clients/{client.pk}/edit/" in detail


def test_an_unchanged_form_writes_no_audit_row(registered, users, client_for):
    client, _secret = registered
    staff = client_for(users["city_staff"])
    staff.post(f"/clients/{client.pk}/edit/", _form(scopes=["hierarchy:read", "clues:read"]))
    assert list(AuditEntry.objects.filter(action="system_client.update").values_list("changes", flat=True)) == []


def test_wider_scopes_apply_to_the_next_token_and_keep_the_current_one(registered, users, client_for, county):
    client, secret = registered
    old = bearer(APIClient(), _token(client, secret)["access_token"])
    assert old.get("/api/v1/goals/indicators/").json()["code"] == "insufficient_scope"
    client_for(users["city_staff"]).post(
        f"/clients/{client.pk}/edit/", _form(scopes=["hierarchy:read", "clues:read", "figures:read"])
    )
    assert old.get(UNITS).status_code == 200  # still valid, with the scopes it was issued with
    assert old.get("/api/v1/goals/indicators/").json()["code"] == "insufficient_scope"
    issued = _token(client, secret)
    assert set(issued["scope"].split()) == {"hierarchy:read", "clues:read", "figures:read"}
    assert bearer(APIClient(), issued["access_token"]).get("/api/v1/goals/indicators/").status_code == 200


def test_narrower_scopes_end_the_tokens_already_issued(registered, users, client_for):
    client, secret = registered
    old = bearer(APIClient(), _token(client, secret)["access_token"])
    assert old.get(CLUES).status_code == 200
    client_for(users["city_staff"]).post(f"/clients/{client.pk}/edit/", _form(scopes=["hierarchy:read"]))
    refused = old.get(UNITS)
    assert refused.status_code == 401 and refused.json()["code"] == "invalid_token"
    issued = _token(client, secret)
    assert issued["scope"] == "hierarchy:read"
    new = bearer(APIClient(), issued["access_token"])
    assert new.get(UNITS).status_code == 200 and new.get(CLUES).json()["code"] == "insufficient_scope"
    entry = AuditEntry.objects.get(action="system_client.update")
    assert "scopes" in entry.changes


def test_a_new_rate_applies_to_the_next_request(registered, users, client_for):
    client, secret = registered
    api = bearer(APIClient(), _token(client, secret)["access_token"])
    assert api.get(UNITS).status_code == 200
    client_for(users["city_staff"]).post(
        f"/clients/{client.pk}/edit/", _form(scopes=["hierarchy:read", "clues:read"], rate_limit="1")
    )
    assert api.get(UNITS).status_code == 429


def test_bad_values_are_refused_on_the_form_in_chinese(registered, users, client_for):
    client, _secret = registered
    staff = client_for(users["city_staff"])
    page = staff.post(f"/clients/{client.pk}/edit/", _form(name="", scopes=["nope"], rate_limit="0"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "这个字段是必填项" in html or "必填" in html
    client.refresh_from_db()
    assert client.name == "镇级看板"


def test_the_service_refuses_an_unknown_scope_and_a_revoked_client(registered):
    from django.core.exceptions import ValidationError

    from accounts.permissions import SYSTEM
    from clients import services

    client, _secret = registered
    with pytest.raises(ValidationError) as refused:
        services.client_update(client=client, scopes=["nope"], actor=SYSTEM)
    assert refused.value.error_dict["scopes"][0].code == "unknown_scope"
    services.client_revoke(client=client, actor=SYSTEM)
    with pytest.raises(ValidationError) as conflict:
        services.client_update(client=client, name="新名字", actor=SYSTEM)
    assert conflict.value.error_code == "client_revoked"
    assert SystemClient.objects.get(pk=client.pk).name == "镇级看板"


def test_same_permission_path_as_registration(registered, users, client_for):
    client, _secret = registered
    # Township staff of the client's subtree see it but may not change it; a sibling township does not see it.
    assert client_for(users["staff_a"]).get(f"/clients/{client.pk}/edit/").status_code == 403
    assert client_for(users["staff_a"]).post(f"/clients/{client.pk}/edit/", _form(name="x")).status_code == 403
    assert client_for(users["staff_b"]).get(f"/clients/{client.pk}/edit/").status_code == 404
    assert client_for(users["staff_b"]).post(f"/clients/{client.pk}/edit/", _form(name="x")).status_code == 404
    client.refresh_from_db()
    assert client.name == "镇级看板"
