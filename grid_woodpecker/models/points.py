"""The points ledger: the exchange policy, one account per woodpecker, and its append-only entries."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import ADJUST, VIEW

from .clues import Clue
from .common import ADJUST_ROLES, REDEEM, GridScopedQuerySet
from .woodpeckers import Woodpecker


class PointsPolicy(models.Model):
    """The exchange rule of a city from a date on: points per accepted clue, points per yuan of goods, expiry."""

    scope_field = "unit"

    unit = models.ForeignKey(
        "organizations.OrganizationUnit", verbose_name=_("city"), on_delete=models.PROTECT, related_name="+"
    )
    effective_from = models.DateField(_("effective from"))
    points_per_clue = models.PositiveIntegerField(_("points per accepted clue"), default=10)
    points_per_yuan = models.DecimalField(_("points per yuan"), max_digits=6, decimal_places=2, default=2)
    expiry_days = models.PositiveIntegerField(_("points expire after (days)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("points policy")
        verbose_name_plural = _("points policies")
        ordering = ["unit_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "effective_from"], name="uniq_points_policy_date"),
            models.CheckConstraint(condition=Q(points_per_yuan__gt=0), name="points_per_yuan_positive"),
        ]

    def __str__(self):
        return f"{self.effective_from}: {self.points_per_clue} / {self.points_per_yuan}"


class PointsAccount(models.Model):
    """A woodpecker's points balance: the sum of their ledger entries, guarded by a row lock and never negative."""

    scope_field = "woodpecker__grid"
    scope_actions = {ADJUST: ADJUST_ROLES, REDEEM: ()}
    scope_owner_field = "woodpecker__user"
    scope_owner_actions = (VIEW, REDEEM)  # only the woodpecker spends their own points

    woodpecker = models.OneToOneField(
        Woodpecker, verbose_name=_("woodpecker"), on_delete=models.PROTECT, related_name="account"
    )
    balance = models.IntegerField(_("balance"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="points_balance_not_negative")]

    def __str__(self):
        return f"{self.woodpecker} · {self.balance}"


class EntryKind(models.TextChoices):
    EARN = "earn", _("Earned")
    REVERSE = "reverse", _("Reversed")
    REDEEM = "redeem", _("Redeemed")
    REFUND = "refund", _("Redemption cancelled")
    ADJUST = "adjust", _("Adjusted")
    EXPIRE = "expire", _("Expired")


class PointsEntry(models.Model):
    """One append-only ledger line: points in or out, what caused it, and an idempotency key so it is paid once."""

    scope_field = "account__woodpecker__grid"
    scope_owner_field = "account__woodpecker__user"

    account = models.ForeignKey(
        PointsAccount, verbose_name=_("account"), on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    points = models.IntegerField(_("points"))
    balance_after = models.IntegerField(_("balance after"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=100)
    clue = models.ForeignKey(
        Clue, verbose_name=_("clue"), on_delete=models.PROTECT, null=True, blank=True, related_name="points_entries"
    )
    redemption = models.ForeignKey(
        "Redemption", verbose_name=_("redemption"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    policy = models.ForeignKey(
        PointsPolicy, verbose_name=_("policy"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points ledger")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Keys belong to their account: another account's key is neither found nor blocked by it.
            models.UniqueConstraint(fields=["account", "idempotency_key"], name="uniq_points_entry_account_key"),
            models.CheckConstraint(condition=~Q(points=0), name="points_entry_not_zero"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="points_entry_balance_after_ok"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.points:+d}"
