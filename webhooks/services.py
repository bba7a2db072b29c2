"""Webhook subscriptions and deliveries: who hears of which event, and one signed POST per attempt.

A delivery is created after the event's transaction commits (core.events), for each active subscription of that
event type whose service account may see the event's unit (`restrict()`, the one permission path); its Celery task
calls `attempt()` until the endpoint answers 2xx or the attempts run out (backoff in `retry_delay`). A subscription
whose deliveries fail `WEBHOOK_PAUSE_AFTER` times in a row is paused until staff resume it; those staff are told
once, after the pause commits (`announce_pause`). The secret is kept encrypted (`Subscription.secret`).
"""

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from requests_hardened import Config, Manager

from accounts.auth import is_service_account
from accounts.models import RoleAssignment
from accounts.permissions import CHANGE, SYSTEM, can, require, require_at
from accounts.roles import Role
from accounts.scoping import write_roles
from core import audit
from core.errors import Invalid
from notifications.models import Event
from notifications.services import notify
from organizations.models import OrganizationUnit

from .errors import ErrorCode
from .models import Delivery, DeliveryStatus, EventType, Subscription

logger = logging.getLogger(__name__)
BODY_KEPT = 500
TIMEOUT_SECONDS = 5
USER_AGENT = "dangjian-webhooks/1"

audit.ACTION_LABELS.update(
    {
        "webhook.create": gettext_lazy("Webhook subscription created"),
        "webhook.pause": gettext_lazy("Webhook subscription paused"),
        "webhook.resume": gettext_lazy("Webhook subscription resumed"),
        "webhook.rotate": gettext_lazy("Webhook secret rotated"),
        "webhook.delete": gettext_lazy("Webhook subscription deleted"),
    }
)


def max_attempts() -> int:
    return int(getattr(settings, "WEBHOOK_MAX_ATTEMPTS", 6))


def pause_after() -> int:
    return int(getattr(settings, "WEBHOOK_PAUSE_AFTER", 5))


def retry_delay(attempts: int) -> int:
    """Seconds before the next attempt after `attempts` failed ones: 1, 5, 25, 125 minutes…, at most 6 hours."""
    return min(60 * 5 ** max(attempts - 1, 0), 6 * 3600)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Dangjian-Signature value: HMAC-SHA256 of "<timestamp>.<body>" under the secret, in hex."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _loopback_allowed() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_LOOPBACK", False))


def check_url(url: str) -> str:
    """An https:// endpoint (http:// only to the loopback when settings allow it, in tests); 400 otherwise."""
    url = (url or "").strip()
    parts = urlsplit(url)
    loopback = parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost") and _loopback_allowed()
    if not parts.hostname or (parts.scheme != "https" and not loopback) or parts.username or parts.password:
        raise Invalid(_("The endpoint must be an https:// address."), code=ErrorCode.BAD_URL, field="url")
    return url


def _sender() -> Manager:
    """The HTTP client of the deliveries (requests-hardened): it resolves the endpoint's name when it connects, refuses
    a private, loopback (unless WEBHOOK_ALLOW_LOOPBACK), link-local or multicast address, and connects to that very
    address, keeping the name for the Host header, SNI and the certificate's check. The check below runs first and
    names the refusal in the log; this one closes the window in which DNS could change between them (rebinding)."""
    return Manager(
        Config(
            ip_filter_enable=True,
            ip_filter_allow_loopback_ips=_loopback_allowed(),
            never_redirect=True,
            default_timeout=(TIMEOUT_SECONDS, TIMEOUT_SECONDS),
            user_agent_override=USER_AGENT,
        )
    )


def _address_refused(url: str) -> str:
    """Why the endpoint must not be called now (SSRF: its name resolves to a private, loopback, link-local or reserved
    address), or ""; checked at each attempt, since DNS may have changed since the subscription was made."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "scheme"
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except (OSError, UnicodeError):
        return "dns"
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_loopback and _loopback_allowed():
            continue
        if not address.is_global or address.is_multicast:
            return "internal address"
    return ""


def _service_unit(account) -> OrganizationUnit:
    assignment = account.role_assignments.filter(role=Role.EXTERNAL_SYSTEM).select_related("unit").first()
    if assignment is None or not is_service_account(account):
        raise Invalid(
            _("Only an external system's account can subscribe."), code=ErrorCode.NOT_SERVICE_ACCOUNT, field="account"
        )
    return assignment.unit


def _event_types(values) -> list[str]:
    chosen = [value for value in EventType.values if value in set(values or ())]
    if not chosen:
        raise Invalid(_("Choose at least one event type."), code=ErrorCode.NO_EVENT_TYPES, field="event_types")
    return chosen


def _require_manage(actor, subscription_or_unit, account) -> None:
    """The service account manages its own subscriptions; staff of the organization department above manage any."""
    if getattr(actor, "pk", None) and account is not None and actor.pk == account.pk:
        return
    if isinstance(subscription_or_unit, Subscription):
        require(actor, CHANGE, subscription_or_unit, _("Only organization-department staff may manage webhooks."))
    else:
        require_at(
            actor,
            CHANGE,
            Subscription,
            subscription_or_unit,
            _("Only organization-department staff may manage webhooks."),
        )


def subscription_create(*, account, url: str, event_types, actor) -> tuple[Subscription, str]:
    """A subscription of `account` (an external system's account); returns it with its secret, shown this once."""
    with transaction.atomic():
        unit = _service_unit(account)
        _require_manage(actor, unit, account)
        secret = secrets.token_hex(32)
        subscription = Subscription(
            account=account, unit=unit, url=check_url(url), event_types=_event_types(event_types), secret=secret
        )
        subscription.full_clean()
        subscription.save()
        audit.record(
            actor=actor,
            action="webhook.create",
            obj=subscription,
            unit=unit,
            changes={"url": subscription.url, "event_types": subscription.event_types},
        )
    return subscription, secret


def _locked(subscription: Subscription) -> Subscription:
    return Subscription.objects.select_for_update().select_related("unit").get(pk=subscription.pk)


def subscription_pause(*, subscription: Subscription, actor) -> Subscription:
    with transaction.atomic():
        subscription = _locked(subscription)
        _require_manage(actor, subscription, subscription.account if actor is not SYSTEM else None)
        if subscription.active:
            subscription.active, subscription.paused_at = False, timezone.now()
            subscription.save(update_fields=["active", "paused_at"])
            audit.record(actor=actor, action="webhook.pause", obj=subscription, unit=subscription.unit)
    return subscription


def resumers(subscription: Subscription) -> list:
    """The active users who may resume `subscription`: those holding a role that may change it at its unit or above,
    each confirmed by `can()` (the permission path `subscription_resume` asks). Superusers are not listed."""
    units = OrganizationUnit.objects.ancestors_of(subscription.unit, include_self=True)
    assignments = RoleAssignment.objects.filter(
        role__in=write_roles(Subscription), unit__in=units, user__is_active=True
    ).select_related("user")
    users = {assignment.user.pk: assignment.user for assignment in assignments}
    return [user for _pk, user in sorted(users.items()) if can(user, CHANGE, subscription)]


def announce_pause(subscription_id: int) -> int:
    """Tell the staff who may resume a subscription paused after failures (the portal's notifications, one
    transaction of its own); the number told. Run after the pause commits: a failure is logged, never raised, so the
    delivery task that paused it is not failed by it. Nothing is sent if the subscription was resumed meanwhile."""
    try:
        with transaction.atomic():
            subscription = Subscription.objects.select_related("unit").filter(pk=subscription_id, active=False).first()
            if subscription is None:
                return 0
            title = _(
                "Webhook %(url)s was paused after %(n)d failed deliveries: resume it once the receiver works."
            ) % {
                "url": subscription.url[:60],
                "n": subscription.consecutive_failures,
            }
            rows = notify(
                recipients=resumers(subscription),
                event=Event.WEBHOOK_PAUSED,
                title=title,
                url=reverse("webhooks:detail", args=[subscription.pk]),
                actor=SYSTEM,
            )
            return len(rows)
    except Exception:
        logger.exception("webhook subscription %s paused: the staff could not be notified", subscription_id)
        return 0


def subscription_resume(*, subscription: Subscription, actor) -> Subscription:
    """Staff resume a paused endpoint: deliveries start again from the next event (failed ones are not resent)."""
    with transaction.atomic():
        subscription = _locked(subscription)
        require(actor, CHANGE, subscription, _("Only organization-department staff may manage webhooks."))
        if not subscription.active:
            subscription.active, subscription.paused_at, subscription.consecutive_failures = True, None, 0
            subscription.save(update_fields=["active", "paused_at", "consecutive_failures"])
            audit.record(actor=actor, action="webhook.resume", obj=subscription, unit=subscription.unit)
    return subscription


def subscription_rotate_secret(*, subscription: Subscription, actor) -> tuple[Subscription, str]:
    with transaction.atomic():
        subscription = _locked(subscription)
        _require_manage(actor, subscription, subscription.account)
        subscription.secret = secrets.token_hex(32)
        subscription.save(update_fields=["secret_encrypted"])
        audit.record(actor=actor, action="webhook.rotate", obj=subscription, unit=subscription.unit)
    return subscription, subscription.secret


def subscription_delete(*, subscription: Subscription, actor) -> None:
    with transaction.atomic():
        subscription = _locked(subscription)
        _require_manage(actor, subscription, subscription.account)
        audit.record(
            actor=actor,
            action="webhook.delete",
            obj=subscription,
            unit=subscription.unit,
            changes={"url": subscription.url},
        )
        subscription.delete()


def deliveries_for(*, kind: str, unit_id: int, data: dict) -> list[int]:
    """Pending deliveries of one event: for each active subscription of that kind whose account may see the unit."""
    subscriptions = [
        s for s in Subscription.objects.filter(active=True).select_related("account") if kind in s.event_types
    ]
    seen: dict[int, bool] = {}
    rows = []
    for subscription in subscriptions:
        account = subscription.account
        if account.pk not in seen:
            seen[account.pk] = (
                account.is_active and OrganizationUnit.objects.restrict(account).filter(pk=unit_id).exists()
            )
        if seen[account.pk]:
            unit = OrganizationUnit.objects.filter(pk=unit_id).values_list("code", flat=True).first()
            payload = {"event": kind, "unit": unit, "data": data}
            rows.append(Delivery(subscription=subscription, event_type=kind, payload=payload))
    return [row.pk for row in Delivery.objects.bulk_create(rows)]


def _post(delivery: Delivery) -> tuple[int | None, str]:
    subscription = delivery.subscription
    refused = _address_refused(subscription.url)
    if refused:
        return None, f"refused: {refused}"
    body = json.dumps(
        {"id": delivery.pk, "event": delivery.event_type, "created": delivery.created_at, **delivery.payload},
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
    ).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Dangjian-Event": delivery.event_type,
        "X-Dangjian-Delivery": str(delivery.pk),
        "X-Dangjian-Timestamp": timestamp,
        "X-Dangjian-Signature": sign(subscription.secret, timestamp, body),
    }
    try:
        response = _sender().send_request(
            "POST", subscription.url, data=body, headers=headers, timeout=TIMEOUT_SECONDS, allow_redirects=False
        )
    except requests.RequestException as error:
        return None, type(error).__name__
    return response.status_code, response.text[:BODY_KEPT]


def attempt(delivery_id: int, *, now=None) -> int | None:
    """One attempt of a pending delivery: returns the seconds until the next attempt, or None when it is done
    (delivered, failed for good, paused or gone)."""
    delivery = Delivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return None
    if not delivery.subscription.active:
        return None  # paused: it stays pending; staff see it in the log
    code, text = _post(delivery)
    now = now or timezone.now()
    ok = code is not None and 200 <= code < 300
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        subscription = _locked(delivery.subscription)
        delivery.attempts += 1
        delivery.response_code, delivery.response_body, delivery.last_attempt_at = code, text[:BODY_KEPT], now
        delay = None
        if ok:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.DELIVERED, None
            subscription.consecutive_failures = 0
        elif delivery.attempts >= max_attempts():
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
            subscription.consecutive_failures += 1
        else:
            delay = retry_delay(delivery.attempts)
            delivery.next_attempt_at = now + timedelta(seconds=delay)
        delivery.save()
        subscription.save(update_fields=["consecutive_failures"])
        logger.info("webhook delivery %s attempt %s: %s", delivery.pk, delivery.attempts, code or text)
        if subscription.active and subscription.consecutive_failures >= pause_after():
            logger.warning("webhook subscription %s paused after %s failures", subscription.pk, pause_after())
            subscription_pause(subscription=subscription, actor=SYSTEM)
            # Once per pause: only the attempt that paused it (under the row lock) announces it, after the commit.
            paused_id = subscription.pk
            transaction.on_commit(lambda: announce_pause(paused_id))
    return delay
