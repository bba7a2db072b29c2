"""The domain's events reach the right people through notify(): a clue's steps to its reporter, handlers and grid
staff (never the one who acted), approvals and send-backs to the submitter, the cards once per level, deadline
reminders once, a redemption to its woodpecker."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.permissions import SYSTEM
from cadres.services import development_approve, development_return
from cadres.services.reminders import remind_probations
from collective_economy.services import income_report_approve, income_report_send_back
from core import crypto
from grid_woodpecker.models import Clue, Rating
from grid_woodpecker.services.clues import clue_rate
from grid_woodpecker.services.supervision import clue_flag_overdue, clue_remind_due
from notifications.models import Notification
from notifications.text import carries_personal_number
from tests.notifications.world import build_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(county, users):
    return build_day(county, users)


def told(event, **filters):
    return set(Notification.objects.filter(event=event, **filters).values_list("recipient__username", flat=True))


def test_clue_steps_tell_reporter_handlers_and_grid_staff(day):
    people = day["people"]
    reporter, worker, handler = people["woodpecker_a"], people["grid_worker_a"], people["department_handler"]
    secretary = people["secretary_a"]  # secretary of village A1, above grid A1
    accepted = told("clue.accepted")
    assert reporter.username in accepted and secretary.username in accepted
    assert worker.username not in accepted  # the one who acted
    soon = day["clues"]["soon"]
    dispatched = told("clue.dispatched", url=f"/woodpecker/clues/{soon.pk}/")
    assert {reporter.username, handler.username, secretary.username} <= dispatched
    resolved = Notification.objects.get(event="clue.resolved", recipient=reporter)
    assert resolved.url == f"/woodpecker/clues/{day['clues']['resolved'].pk}/" and "请评价" in resolved.title
    clue_rate(clue=day["clues"]["resolved"], rating=Rating.UNSATISFIED, reason="还是坏的", actor=reporter)
    assert {worker.username, secretary.username} <= told("clue.reopened")
    assert reporter.username not in told("clue.reopened")
    # Township staff are not the grid's desk: their workbench shows the clues, no message for each step.
    assert people["township_staff_a"].username not in told("clue.accepted")
    for note in Notification.objects.all():
        assert not carries_personal_number(f"{note.title} {note.body}")


def test_cards_are_told_once_per_level(day):
    clue = day["clues"]["soon"]
    Clue.objects.filter(pk=clue.pk).update(deadline=timezone.now() - timedelta(hours=1))
    for _run in range(2):
        clue_flag_overdue(clue_id=clue.pk, actor=SYSTEM)
    yellow = list(Notification.objects.filter(event="clue.overdue_yellow").values_list("recipient", flat=True))
    assert yellow and len(yellow) == len(set(yellow))  # one message each, however often the job runs
    later = timezone.now() + timedelta(days=4)
    for _run in range(2):
        clue_flag_overdue(clue_id=clue.pk, actor=SYSTEM, now=later)
    handler = day["people"]["department_handler"]
    assert Notification.objects.filter(event="clue.overdue_yellow", recipient=handler).count() == 1
    assert Notification.objects.filter(event="clue.overdue_red", recipient=handler).count() == 1


def test_deadline_reminders_are_sent_once(day):
    handler = day["people"]["department_handler"]
    assert clue_remind_due(actor=SYSTEM) == 1  # the dispatched clue due in 20 hours
    assert clue_remind_due(actor=SYSTEM) == 0
    assert Notification.objects.filter(event="deadline.reminder", recipient=handler).count() == 1


def test_probation_reminders_go_to_the_branch_secretary_once_a_month(day, county):
    from cadres.models import DevelopmentRecord, DevelopmentStage

    today = timezone.localdate()
    record = day["step"].record
    DevelopmentRecord.objects.filter(pk=record.pk).update(
        stage=DevelopmentStage.PROBATIONARY, admitted_on=today.replace(year=today.year - 1, day=1)
    )
    assert remind_probations(actor=SYSTEM) == 1
    assert remind_probations(actor=SYSTEM) == 0
    assert told("deadline.reminder") == {day["people"]["secretary_a"].username}


def test_approvals_and_send_backs_tell_the_submitter(day, users):
    secretary = day["people"]["secretary_a"]
    income_report_send_back(report=day["report"], reason="数据有误", actor=users["staff_a"])
    returned = Notification.objects.get(event="approval.returned", recipient=secretary)
    assert "退回" in returned.title and returned.body == "数据有误"
    development_return(step=day["step"], reason="材料不全", actor=users["staff_a"])
    assert Notification.objects.filter(event="approval.returned", recipient=secretary).count() == 2


def test_approval_tells_the_submitter(day, users):
    secretary = day["people"]["secretary_a"]
    income_report_approve(report=day["report"], actor=users["staff_a"])
    development_approve(step=day["step"], actor=users["staff_a"])
    approved = Notification.objects.filter(event="approval.approved", recipient=secretary)
    assert approved.count() == 2 and all("审核通过" in note.title for note in approved)


def test_redemption_ready_tells_the_woodpecker(day):
    note = Notification.objects.get(event="redemption.ready", recipient=day["people"]["woodpecker_a"])
    redemption = day["redemption"]
    assert "洗衣液" in note.title and note.url == f"/woodpecker/redemptions/{redemption.pk}/"
    # The pickup code to show at the counter, and nothing personal (no phone, no ID number).
    assert redemption.pickup_code in note.title and "取件码" in note.title
    person = redemption.woodpecker.person
    assert crypto.decrypt(person.mobile_encrypted) not in note.title
    assert crypto.decrypt(person.id_number_encrypted) not in note.title
