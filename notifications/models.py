"""Notifications: the in-portal rows (always), each user's preferences for the extra channels, the delivery records
of those channels, and the one-time SMS codes.

No row holds an ID number or a full phone number: texts are scrubbed on the way in (`notifications.text`), and a
user's own phone for SMS is kept encrypted like every phone (core/crypto.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import crypto


class Event(models.TextChoices):
    CLUE_ACCEPTED = "clue.accepted", _("Clue accepted")
    CLUE_REJECTED = "clue.rejected", _("Clue rejected")
    CLUE_DISPATCHED = "clue.dispatched", _("Clue dispatched")
    CLUE_RESOLVED = "clue.resolved", _("Clue resolved")
    CLUE_OVERDUE_YELLOW = "clue.overdue_yellow", _("Clue overdue (yellow card)")
    CLUE_OVERDUE_RED = "clue.overdue_red", _("Clue overdue (red card)")
    CLUE_REOPENED = "clue.reopened", _("Clue reopened")
    APPROVAL_APPROVED = "approval.approved", _("Approved")
    APPROVAL_RETURNED = "approval.returned", _("Sent back")
    DEADLINE_REMINDER = "deadline.reminder", _("Deadline reminder")
    REDEMPTION_READY = "redemption.ready", _("Redemption ready for pickup")
    WEBHOOK_PAUSED = "webhook.paused", _("Webhook paused after failed deliveries")


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    WECHAT = "wechat", _("WeChat template message")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message in a user's notification centre. Only its recipient reads it (selectors filter by recipient)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    event = models.CharField(_("event"), max_length=32, choices=Event.choices)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.title


class Preference(models.Model):
    """A user's choices: which extra channels (the portal always), and which events they want on those channels.
    No row: the defaults (portal only)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notification_pref"
    )
    sms = models.BooleanField(_("by SMS"), default=False)
    wechat = models.BooleanField(_("by WeChat"), default=False)
    # Events the user does not want on SMS or WeChat (the portal still lists them).
    muted_events = models.JSONField(_("events not sent by SMS or WeChat"), default=list, blank=True)
    mobile_encrypted = models.TextField(editable=False, blank=True)
    mobile_masked = models.CharField(_("mobile phone"), max_length=11, editable=False, blank=True)
    wechat_openid = models.CharField(_("WeChat OpenID"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)

    def set_mobile(self, number: str) -> None:
        self.mobile_encrypted = crypto.encrypt(number)
        self.mobile_masked = crypto.mask(number, 3, 4)

    def channels_for(self, event: str) -> list[str]:
        if event in (self.muted_events or []):
            return []
        return [channel for channel, on in ((Channel.SMS, self.sms), (Channel.WECHAT, self.wechat)) if on]


class Delivery(models.Model):
    """One notification sent on one extra channel: its attempts and outcome (the error class only, never a text)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("skipped (no address)")

    notification = models.ForeignKey(
        Notification, verbose_name=_("notification"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["notification", "channel"], name="one_delivery_per_channel")]

    def __str__(self):
        return f"{self.notification_id}/{self.channel}"


class SmsCode(models.Model):
    """A one-time code sent to a phone for a purpose (sign-up, password reset): only keyed hashes are kept."""

    phone_hash = models.CharField(max_length=64, db_index=True)
    purpose = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    created = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("SMS code")
        verbose_name_plural = _("SMS codes")
        indexes = [models.Index(fields=["phone_hash", "purpose", "created"], name="sms_code_lookup")]

    def __str__(self):
        return f"{self.purpose}@{self.created:%Y-%m-%d %H:%M}"
