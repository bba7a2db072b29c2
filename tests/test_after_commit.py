"""Roll-ups run after commit, and a failing roll-up never turns a successful write into an error.

Transactional tests: the services' transactions really commit, so `core.events` delivers inside the request, as in
production. Celery runs eagerly with propagation on here (the harshest case: the embedded default without the
safety net would raise into the request)."""

import logging
from datetime import date

import pytest

from cadres.models import PartyMember
from dangjian.celery import app as celery_app
from goals import services as goals_services
from goals import tasks as goals_tasks
from goals.models import RollupValue
from tests.cadres.helpers import birth_for_age, make_id

pytestmark = pytest.mark.django_db(transaction=True)

API = "/api/v1"


@pytest.fixture
def eager_celery():
    conf = celery_app.conf
    before = {key: conf.get(key) for key in ("task_always_eager", "task_eager_propagates")}
    conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    conf.update(before)


def _member_body(county, joined_on):
    return {
        "name": "王建国",
        "id_number": make_id(birth_for_age(60)),
        "unit_code": county["village_a1"].code,
        "status": "full",
        "joined_on": joined_on,
    }


def test_failing_rollup_does_not_fail_the_committed_write(api_for, users, county, monkeypatch, caplog, eager_celery):
    def broken(*args, **kwargs):
        raise RuntimeError("roll-up store is down")

    monkeypatch.setattr(goals_tasks, "enqueue_chain", broken)
    monkeypatch.setattr(goals_tasks, "enqueue_year", broken)
    with caplog.at_level(logging.ERROR, logger="core.events"):
        response = api_for(users["staff_a"]).post(
            f"{API}/cadres/members/", _member_body(county, "2015-07-01"), format="json"
        )
    assert response.status_code == 201, response.content
    assert PartyMember.objects.filter(pk=response.json()["id"]).exists()  # committed
    failures = [r for r in caplog.records if r.name == "core.events"]
    assert failures and "roll-up store is down" in failures[0].exc_text
    assert "王建国" not in caplog.text  # no personal data in the log


def test_failing_rollup_does_not_fail_a_portal_write(client_for, users, county, monkeypatch, eager_celery):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(goals_services, "rollup_chain", broken)
    body = {**_member_body(county, "2016-07-01"), "unit": county["village_a1"].pk}
    response = client_for(users["staff_a"]).post("/cadres/members/new/", body)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert PartyMember.objects.filter(person__name="王建国").exists()


def test_member_who_joined_in_1985_is_registered(api_for, users, county, eager_celery):
    response = api_for(users["staff_a"]).post(
        f"{API}/cadres/members/", _member_body(county, "1985-07-01"), format="json"
    )
    assert response.status_code == 201, response.content
    member = PartyMember.objects.get(pk=response.json()["id"])
    assert member.joined_on == date(1985, 7, 1)
    assert not RollupValue.objects.filter(year__lt=2000).exists()


def test_rollups_skip_years_outside_the_kept_range(county, monkeypatch):
    queued = []
    monkeypatch.setattr(goals_tasks, "enqueue_chain", lambda unit_id, year, source=None: queued.append(year))
    goals_tasks.on_records_changed(source="cadres", unit_ids=[county["village_a1"].pk], year=1985)
    goals_tasks.on_records_changed(source="cadres", unit_ids=[county["village_a1"].pk], year=2024)
    assert queued == [2024]
