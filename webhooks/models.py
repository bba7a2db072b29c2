"""Webhook subscriptions of external systems' service accounts, and the deliveries sent to them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.roles import ORG_DEPARTMENT_ROLES
from accounts.scoping import ScopedQuerySet
from core import crypto, events


class EventType(models.TextChoices):
    CLUE_STATE_CHANGED = events.CLUE_STATE_CHANGED, _("Clue state changed")
    REPORT_APPROVED = events.REPORT_APPROVED, _("Periodic report approved")
    ROLLUP_UPDATED = events.ROLLUP_UPDATED, _("Roll-up updated")
    UNIT_MOVED = events.UNIT_MOVED, _("Unit moved to another parent")


class Subscription(models.Model):
    """A service account's endpoint for some event types. Scoped by the unit of the account's external-system role:
    the organization department above it manages it (pauses, resumes, rotates the secret)."""

    scope_field = "unit"
    scope_write_roles = ORG_DEPARTMENT_ROLES

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("service account"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("organization unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    url = models.URLField(_("endpoint URL"), max_length=500)
    event_types = models.JSONField(_("event types"), default=list)
    # Shown once when created or rotated. The server signs with it (an HMAC key, not a password), so it is kept
    # encrypted at rest (core/crypto.py, FIELD_ENCRYPTION_KEY; `rotate_field_key` re-encrypts it with the others),
    # never hashed: read and set through `secret`.
    secret_encrypted = models.TextField(editable=False, blank=True)
    active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["pk"]

    def __str__(self):
        return self.url

    @property
    def secret(self) -> str:
        return crypto.decrypt(self.secret_encrypted)

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_encrypted = crypto.encrypt(value)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Delivery failed")


class Delivery(models.Model):
    """One event sent to one subscription, with its attempts' outcome."""

    scope_field = "subscription__unit"
    scope_write_roles = ORG_DEPARTMENT_ROLES

    subscription = models.ForeignKey(
        Subscription, verbose_name=_("webhook subscription"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event_type = models.CharField(_("event type"), max_length=40, choices=EventType.choices)
    payload = models.JSONField(_("payload"), default=dict)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    response_code = models.PositiveIntegerField(_("response code"), null=True, blank=True)
    response_body = models.CharField(_("response body"), max_length=500, blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-pk"]

    def __str__(self):
        return f"{self.event_type} #{self.pk}"
