"""Notifying users: `notify()` is called inside a domain service's transaction (one call per use case).

It writes the in-portal rows at once (rolled back with the caller) and, after commit, queues one delivery task per
extra channel the recipient's preferences allow. Queueing failures are logged and never reach the caller; the tasks
retry with backoff (notifications/tasks.py)."""

import logging
from collections.abc import Iterable

from celery import current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core import crypto

from . import backends
from .models import Channel, Delivery, Event, Notification, Preference
from .text import scrub

logger = logging.getLogger(__name__)

DELIVER_TASK = "notifications.deliver"
TITLE_LENGTH = Notification._meta.get_field("title").max_length


def _unique_users(recipients: Iterable) -> list:
    seen, users = set(), []
    for user in recipients:
        if user is None or user.pk is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        users.append(user)
    return users


def notify(*, recipients, event: str, title: str, body: str = "", url: str = "", actor=None) -> list[Notification]:
    """In-portal rows for each recipient (None skipped, de-duplicated; the actor is not told of their own act),
    deliveries queued after commit. Texts are scrubbed of ID numbers and phone numbers."""
    users = [user for user in _unique_users(recipients) if actor is None or getattr(actor, "pk", None) != user.pk]
    if not users:
        return []
    title, body = scrub(str(title))[:TITLE_LENGTH], scrub(str(body))
    rows = Notification.objects.bulk_create(
        [Notification(recipient=user, event=event, title=title, body=body, url=url) for user in users]
    )
    prefs = {pref.user_id: pref for pref in Preference.objects.filter(user__in=[user.pk for user in users])}
    deliveries = [
        Delivery(notification=row, channel=channel)
        for row in rows
        if row.recipient_id in prefs
        for channel in prefs[row.recipient_id].channels_for(event)
    ]
    if deliveries:
        deliveries = Delivery.objects.bulk_create(deliveries)
        ids = [delivery.pk for delivery in deliveries]
        transaction.on_commit(lambda: _enqueue(ids))
    return rows


def _enqueue(delivery_ids: list[int]) -> None:
    # The task is found by name (tasks call services, never the reverse); `.delay` runs it eagerly when Celery does.
    for delivery_id in delivery_ids:
        try:
            current_app.tasks[DELIVER_TASK].delay(delivery_id)
        except Exception:  # the broker is down: the delivery stays pending, the committed write stands
            logger.exception("delivery %s not queued", delivery_id)


def _address(delivery: Delivery) -> str:
    pref = preference_for(delivery.notification.recipient)
    if delivery.channel == Channel.WECHAT:
        return pref.wechat_openid
    if pref.mobile_encrypted:
        return crypto.decrypt(pref.mobile_encrypted)
    # A woodpecker's phone is its login's person's (the sign-up confirmed it by code).
    person = getattr(getattr(delivery.notification.recipient, "woodpecker", None), "person", None)
    return crypto.decrypt(person.mobile_encrypted) if person is not None else ""


def deliver(delivery_id: int) -> str:
    """Send one delivery through its channel's backend. Raises the backend's error after recording the attempt
    (the task retries); a delivery already sent, gone, or without an address is not sent again."""
    delivery = Delivery.objects.select_related("notification__recipient").filter(pk=delivery_id).first()
    if delivery is None or delivery.status in {Delivery.Status.SENT, Delivery.Status.SKIPPED}:
        return "skipped"
    address = _address(delivery)
    if not address:
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SKIPPED)
        return "skipped"
    note = delivery.notification
    Delivery.objects.filter(pk=delivery.pk).update(attempts=F("attempts") + 1)
    try:
        if delivery.channel == Channel.WECHAT:
            backends.wechat_backend().send_template(address, note.title, note.body, note.url)
        else:
            text = f"{note.title}：{note.body}" if note.body else note.title
            backends.sms_backend().send_text(address, scrub(text))
    except Exception as exc:
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, last_error=type(exc).__name__)
        raise
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SENT, sent_at=timezone.now(), last_error="")
    return "sent"


def mark_read(*, user, ids=None) -> int:
    """Mark the user's notifications read (all unread ones when `ids` is None); returns how many changed."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=timezone.now())


def preference_for(user) -> Preference:
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def preference_save(*, user, sms: bool, wechat: bool, muted_events, mobile: str = "", wechat_openid: str = ""):
    """The user's own preferences (only they change them). An empty mobile keeps the one stored."""
    with transaction.atomic():
        pref, _created = Preference.objects.select_for_update().get_or_create(user=user)
        pref.sms, pref.wechat, pref.muted_events = sms, wechat, sorted(muted_events)
        if mobile:
            pref.set_mobile(mobile)
        pref.wechat_openid = wechat_openid or pref.wechat_openid
        pref.full_clean()
        pref.save()
    return pref


def notify_decision(*, submitter, approved: bool, what: str, url: str, actor, reason: str = "") -> None:
    """Tell the one who submitted something (a report, a step) that it was approved or sent back, with the reason."""
    if approved:
        event, title = Event.APPROVAL_APPROVED, _("%(what)s was approved.") % {"what": what}
    else:
        event, title = Event.APPROVAL_RETURNED, _("%(what)s was sent back.") % {"what": what}
    notify(recipients=[submitter], event=event, title=title, body=reason, url=url, actor=actor)
