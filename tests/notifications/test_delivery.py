"""notify(), the delivery task through the console backend, retries of a failing backend, the masking rule, the
preferences and the SMS codes."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.celery import app as celery_app
from notifications import backends, sms
from notifications.models import Delivery, Notification, Preference, SmsCode
from notifications.services import notify, preference_save
from notifications.text import carries_personal_number, mask_phone, scrub
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "13812340000"


@pytest.fixture
def eager_celery():
    conf = celery_app.conf
    before = {key: conf.get(key) for key in ("task_always_eager", "task_eager_propagates")}
    conf.update(task_always_eager=True, task_eager_propagates=False)
    yield
    conf.update(before)


@pytest.fixture
def person():
    return factories.user_with_role("reader")


def _notify_in_transaction(user, **extra):
    with transaction.atomic():
        rows = notify(recipients=[user, None, user], event="clue.resolved", title="线索已办结", **extra)
    return rows


def test_notify_writes_one_row_per_user_and_sends_by_console(person, eager_celery, capsys):
    preference_save(user=person, sms=True, wechat=True, muted_events=[], mobile=PHONE, wechat_openid="oABC")
    rows = _notify_in_transaction(person, body="请评价。", url="/woodpecker/me/")
    assert len(rows) == 1 and Notification.objects.filter(recipient=person).count() == 1
    out = capsys.readouterr().out
    assert f"[SMS to {PHONE}] 线索已办结：请评价。" in out
    assert "[WeChat to oABC] 线索已办结" in out
    sent = set(Delivery.objects.values_list("channel", "status", "attempts"))
    assert sent == {("sms", "sent", 1), ("wechat", "sent", 1)}


def test_rolled_back_transaction_notifies_nobody(person, eager_celery, capsys):
    preference_save(user=person, sms=True, wechat=False, muted_events=[], mobile=PHONE)
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(recipients=[person], event="clue.resolved", title="线索已办结")
        raise RuntimeError("the use case failed")
    assert not Notification.objects.exists()
    assert "SMS" not in capsys.readouterr().out


class FlakySms:
    calls = 0
    sent: list = []

    def send_text(self, phone, text):
        FlakySms.calls += 1
        if FlakySms.calls <= 2:
            raise backends.BackendError("gateway down")
        FlakySms.sent.append((phone, text))


def test_failing_backend_is_retried_until_it_succeeds(person, eager_celery, settings):
    settings.NOTIFICATION_SMS_BACKEND = "tests.notifications.test_delivery.FlakySms"
    FlakySms.calls, FlakySms.sent = 0, []
    preference_save(user=person, sms=True, wechat=False, muted_events=[], mobile=PHONE)
    _notify_in_transaction(person)
    delivery = Delivery.objects.get()
    assert FlakySms.calls == 3 and FlakySms.sent == [(PHONE, "线索已办结")]
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 3, "")


class DeadSms:
    def send_text(self, phone, text):
        raise backends.BackendError("gateway down")


def test_backend_that_never_recovers_gives_up_and_the_write_stands(person, eager_celery, settings):
    settings.NOTIFICATION_SMS_BACKEND = "tests.notifications.test_delivery.DeadSms"
    preference_save(user=person, sms=True, wechat=False, muted_events=[], mobile=PHONE)
    rows = _notify_in_transaction(person)
    delivery = Delivery.objects.get()
    assert Notification.objects.filter(pk=rows[0].pk).exists()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", 6, "BackendError")  # 1 + 5 retries


def test_preferences_are_respected(person, eager_celery, capsys):
    preference_save(user=person, sms=True, wechat=False, muted_events=["clue.resolved"], mobile=PHONE)
    _notify_in_transaction(person)
    assert Notification.objects.count() == 1  # the portal always lists it
    assert not Delivery.objects.exists() and "SMS" not in capsys.readouterr().out
    with transaction.atomic():
        notify(recipients=[person], event="clue.accepted", title="线索已受理")
    assert list(Delivery.objects.values_list("channel", flat=True)) == ["sms"]
    other = factories.user_with_role("no_pref")
    with transaction.atomic():
        notify(recipients=[other], event="clue.accepted", title="线索已受理")
    assert not Delivery.objects.filter(notification__recipient=other).exists()  # no row: portal only


def test_no_notification_carries_an_id_number_or_a_full_phone(person, eager_celery, capsys):
    preference_save(user=person, sms=True, wechat=True, muted_events=[], mobile=PHONE, wechat_openid="oX")
    text = "举报人 13912345678，身份证 42108119800101123X，旧证 421081800101123。"
    with transaction.atomic():
        notify(recipients=[person], event="clue.accepted", title=text, body=text)
    row = Notification.objects.get()
    for value in (row.title, row.body, capsys.readouterr().out.replace(PHONE, "")):
        assert not carries_personal_number(value), value
        assert "139****5678" in value and "421***********123X" in value
    assert mask_phone(PHONE) == "138****0000"
    assert scrub("电话13800000000") == "电话138****0000"


def test_sms_code_sent_checked_once(capsys):
    sms.send_code(PHONE, purpose="signup")
    code = capsys.readouterr().out.split("验证码为")[1][:6]
    assert code.isdigit() and len(code) == 6
    row = SmsCode.objects.get()
    assert code not in row.code_hash and PHONE not in row.phone_hash
    assert not sms.check_code(PHONE, code, purpose="reset")  # another purpose
    assert sms.check_code(PHONE, code, purpose="signup")
    assert not sms.check_code(PHONE, code, purpose="signup")  # single use


def test_sms_code_limits(capsys, settings):
    sms.send_code(PHONE, purpose="signup")
    code = capsys.readouterr().out.split("验证码为")[1][:6]
    with pytest.raises(ValidationError) as refused:
        sms.send_code(PHONE, purpose="signup")
    assert refused.value.error_code == "sms_code_throttled"
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _try in range(settings.SMS_CODE_ATTEMPTS):
        assert not sms.check_code(PHONE, wrong, purpose="signup")
    assert not sms.check_code(PHONE, code, purpose="signup")  # attempts used up
    SmsCode.objects.update(created=timezone.now() - timedelta(minutes=2), expires_at=timezone.now())
    sms.send_code(PHONE, purpose="signup")
    code = capsys.readouterr().out.split("验证码为")[1][:6]
    SmsCode.objects.filter(used_at__isnull=True).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert not sms.check_code(PHONE, code, purpose="signup")  # expired
    with pytest.raises(ValidationError) as refused:
        sms.send_code("12345", purpose="signup")
    assert refused.value.error_code == "phone_invalid"


def test_gateway_failure_keeps_no_code(settings):
    settings.NOTIFICATION_SMS_BACKEND = "tests.notifications.test_delivery.DeadSms"
    with pytest.raises(ValidationError) as refused:
        sms.send_code(PHONE, purpose="signup")
    assert refused.value.error_code == "sms_send_failed"
    assert not SmsCode.objects.exists()
    assert Preference.objects.count() == 0
