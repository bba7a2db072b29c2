"""Standard scope tests, run for every registered ScopeCase (see tests/scope.py).

Inside the viewer's jurisdiction: visible and listed. Outside: absent from lists and 404 everywhere — UI, admin
and API, read and write — and the object is left unchanged.
"""

import pytest
from django.urls import reverse

from tests.scope import all_cases

CASES = all_cases()


def cases_with(predicate):
    """Parametrize a test over the cases it applies to (a model with no list page has no list test at all)."""
    chosen = [case for case in CASES if predicate(case)]
    return pytest.mark.parametrize("case", chosen, ids=[case.name for case in chosen])


@pytest.fixture
def objs(case, county, users):
    inside = case.make(county, users, county[case.unit_key_in])
    outside = case.make(county, users, county[case.unit_key_out])
    return inside, outside


def _state(obj):
    return type(obj)._default_manager.filter(pk=obj.pk).values().first()


@cases_with(lambda case: case.ui_list)
def test_ui_list_shows_only_jurisdiction(case, objs, users, client_for):
    inside, outside = objs
    body = client_for(users[case.viewer]).get(case.ui_list()).content.decode()
    assert case.marker(inside) in body
    assert case.marker(outside) not in body


@cases_with(lambda case: case.ui_detail)
def test_ui_detail_404_outside(case, objs, users, client_for):
    inside, outside = objs
    client = client_for(users[case.viewer])
    assert client.get(case.ui_detail(inside)).status_code == 200
    assert client.get(case.ui_detail(outside)).status_code == 404


@cases_with(lambda case: case.ui_update or case.ui_delete)
def test_ui_update_and_delete_404_outside(case, objs, users, client_for):
    inside, outside = objs
    client = client_for(users[case.viewer])
    before = _state(outside)
    for url in filter(None, [case.ui_update and case.ui_update(outside), case.ui_delete and case.ui_delete(outside)]):
        assert client.get(url).status_code == 404
        assert client.post(url, case.ui_update_data).status_code == 404
    assert _state(outside) == before


@cases_with(lambda case: case.api_list)
def test_api_list_and_detail_limited_to_jurisdiction(case, objs, users, api_for):
    inside, outside = objs
    api = api_for(users[case.viewer])
    response = api.get(case.api_list, {"page_size": 500})
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert inside.pk in ids and outside.pk not in ids
    assert api.get(f"{case.api_list}{inside.pk}/").status_code == 200
    assert api.get(f"{case.api_list}{outside.pk}/").status_code == 404


@cases_with(lambda case: case.api_list)
def test_api_update_and_delete_404_outside(case, objs, users, api_for):
    _inside, outside = objs
    api = api_for(users[case.viewer])
    before = _state(outside)
    assert api.patch(f"{case.api_list}{outside.pk}/", case.api_update_data, format="json").status_code == 404
    if case.api_delete:
        assert api.delete(f"{case.api_list}{outside.pk}/").status_code == 404
    assert _state(outside) == before


@cases_with(lambda case: case.api_list and case.api_create_body)
def test_api_create_outside_refused(case, county, users, api_for):
    api = api_for(users[case.viewer])
    count = case.model._default_manager.count()
    body = case.api_create_body(county, county[case.unit_key_out])
    response = api.post(case.api_list, body, format="json")
    assert response.status_code in (400, 403, 404), response.content
    assert case.model._default_manager.count() == count
    inside_body = case.api_create_body(county, county[case.unit_key_in])
    assert api.post(case.api_list, inside_body, format="json").status_code == 201


@cases_with(lambda case: case.admin)
def test_admin_limited_to_jurisdiction(case, objs, users, client_for):
    inside, outside = objs
    opts = case.model._meta
    client = client_for(users[case.viewer])
    changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"), {"all": ""})
    assert changelist.status_code == 200
    listed = {obj.pk for obj in changelist.context["cl"].result_list}
    assert inside.pk in listed and outside.pk not in listed
    change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[outside.pk])
    assert client.get(change_url).status_code == 404
    refused = 403 if case.admin_read_only else 404
    missing = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[987654])
    assert client.post(change_url, {}).status_code == refused == client.post(missing, {}).status_code
    before = _state(outside)
    delete_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[outside.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == refused
    assert _state(outside) == before
