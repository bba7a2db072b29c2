"""End to end: a real clue transition and a real report approval, through their domain services, reach a real
receiver on 127.0.0.1 as signed deliveries with the documented body, and only subscribers whose service account can
see the event's unit hear of them."""

import hashlib
import hmac
import json
from datetime import date, datetime, time

import pytest
from django.utils import timezone

from accounts.roles import Role
from core import events
from grid_woodpecker.models import ClueStatus
from grid_woodpecker.services.clues import clue_accept, clue_submit
from reporting import services as reporting
from tests.factories import user_with_role
from tests.grid_woodpecker import helpers as wp
from tests.reporting.helpers import DAY, build_form
from webhooks import services
from webhooks.models import Delivery, DeliveryStatus

BODY_KEYS = {"id", "event", "created", "unit", "data"}


def _subscribe(account, url, kind):
    return services.subscription_create(account=account, url=url, event_types=[kind], actor=account)


def _verified(got: dict, secret: str) -> dict:
    """The body of a received delivery once its signature verifies under `secret` (as docs/api.md tells receivers)."""
    headers, body = got["headers"], got["body"]
    expected = hmac.new(secret.encode(), headers["X-Dangjian-Timestamp"].encode() + b"." + body, hashlib.sha256)
    assert hmac.compare_digest(headers["X-Dangjian-Signature"], "sha256=" + expected.hexdigest())
    payload = json.loads(body)
    assert set(payload) == BODY_KEYS and payload["id"] == int(headers["X-Dangjian-Delivery"])
    assert payload["event"] == headers["X-Dangjian-Event"]
    return payload


@pytest.fixture
def subscribers(county, receiver):
    """A system of township A (sees grid AC, village A1) and one of township B (sees neither)."""

    def make(kind):
        mine = user_with_role("ext_town_a", Role.EXTERNAL_SYSTEM, county["township_a"])
        other = user_with_role("ext_town_b", Role.EXTERNAL_SYSTEM, county["township_b"])
        return _subscribe(mine, receiver.url, kind), _subscribe(other, receiver.url, kind)

    return make


def test_clue_transition_is_delivered_signed_to_the_subscribers_who_see_its_grid(
    county, users, receiver, eager, subscribers, django_capture_on_commit_callbacks
):
    world = wp.staff(county)
    reporter = wp.woodpecker(county["grid_ac"]).user
    clue = clue_submit(
        actor=reporter, category=wp.category(county["city"]), description="小区东门路灯不亮已经三天", check_limits=False
    )
    (mine, secret), (other, _secret) = subscribers(events.CLUE_STATE_CHANGED)
    with django_capture_on_commit_callbacks(execute=True):
        clue_accept(clue=clue, actor=world["gridworker"])
    assert len(receiver.received) == 1
    payload = _verified(receiver.received[0], secret)
    assert payload["event"] == events.CLUE_STATE_CHANGED and payload["unit"] == county["grid_ac"].code
    assert payload["data"] == {"clue": clue.pk, "from": ClueStatus.SUBMITTED, "to": ClueStatus.ACCEPTED}
    delivery = Delivery.objects.get()
    assert delivery.subscription == mine and delivery.status == DeliveryStatus.DELIVERED
    assert not Delivery.objects.filter(subscription=other).exists()


def test_report_approval_is_delivered_signed_to_the_subscribers_who_see_its_unit(
    county, users, receiver, eager, subscribers, monkeypatch, django_capture_on_commit_callbacks
):
    moment = timezone.make_aware(datetime.combine(date(2024, 5, 10), time(10)))
    monkeypatch.setattr(timezone, "now", lambda: moment)  # the period of DAY is open
    form = build_form(county["city"])
    secretary = users["secretary_a1"]
    report = reporting.report_open(form=form, unit=county["village_a1"], day=DAY, actor=secretary)
    reporting.report_save_draft(report=report, actor=secretary, values={"meetings": 3})
    report = reporting.report_submit(report=report, actor=secretary)
    (mine, secret), (other, _secret) = subscribers(events.REPORT_APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        reporting.report_approve(report=report, actor=users["staff_a"])
    assert len(receiver.received) == 1
    payload = _verified(receiver.received[0], secret)
    assert payload["event"] == events.REPORT_APPROVED and payload["unit"] == county["village_a1"].code
    assert payload["data"] == {"report": report.pk, "form": form.pk, "period_start": "2024-05-01"}
    delivery = Delivery.objects.get()
    assert delivery.subscription == mine and delivery.status == DeliveryStatus.DELIVERED
    assert not Delivery.objects.filter(subscription=other).exists()
