"""Red Beehive stations and love supermarkets, their goods, and redemptions of points for goods."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.permissions import COUNTER, IMPORT, VIEW
from core import crypto

from .common import CANCEL, TRIAGE_ROLES, GridScopedQuerySet, coordinate_field
from .woodpeckers import Woodpecker


class StationKind(models.TextChoices):
    RED_BEEHIVE = "red_beehive", _("Red Beehive station")
    LOVE_SUPERMARKET = "love_supermarket", _("Love supermarket")


class Station(models.Model):
    """A Red Beehive service station (红色蜂巢) or a love supermarket (爱心超市) where points buy goods."""

    scope_field = "unit"
    scope_write_roles = TRIAGE_ROLES
    scope_actions = {COUNTER: TRIAGE_ROLES}  # keep its counter: hand goods out against a pickup code or a phone

    unit = models.ForeignKey(
        "organizations.OrganizationUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=StationKind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    services = models.CharField(_("services offered"), max_length=200, blank=True)
    # Where it stands, for the unit's map (optional: a station without coordinates is listed, not drawn).
    latitude = coordinate_field(90)
    longitude = coordinate_field(180)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class Goods(models.Model):
    """An item a station offers for points, priced in yuan, with a stock that never goes below zero."""

    scope_field = "station__unit"
    scope_write_roles = TRIAGE_ROLES
    scope_actions = {IMPORT: TRIAGE_ROLES}  # import and export sheets of goods

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="goods")
    name = models.CharField(_("name"), max_length=100)
    price_yuan = models.DecimalField(_("price (yuan)"), max_digits=8, decimal_places=2)
    stock = models.IntegerField(_("stock"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("goods")
        verbose_name_plural = _("goods")
        ordering = ["station_id", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="goods_stock_not_negative"),
            models.CheckConstraint(condition=Q(price_yuan__gt=0), name="goods_price_positive"),
        ]

    def __str__(self):
        return self.name


class RedemptionStatus(models.TextChoices):
    RESERVED = "reserved", _("Reserved")
    CONFIRMED = "confirmed", _("Handed over")
    CANCELLED = "cancelled", _("Cancelled")


class Redemption(models.Model):
    """Points exchanged for goods: reserved (points and stock held), then confirmed at the counter or cancelled."""

    # Either side: the woodpecker's grid, or the unit of the station whose counter hands the goods over (a
    # woodpecker may redeem at a station of a neighbouring community). The counter of either side settles it.
    scope_field = ("woodpecker__grid", "goods__station__unit")
    scope_write_roles = TRIAGE_ROLES
    scope_actions = {COUNTER: TRIAGE_ROLES, CANCEL: TRIAGE_ROLES}
    scope_owner_field = "woodpecker__user"
    scope_owner_actions = (VIEW, CANCEL)  # the woodpecker may cancel their own reservation

    woodpecker = models.ForeignKey(
        Woodpecker, verbose_name=_("woodpecker"), on_delete=models.PROTECT, related_name="redemptions"
    )
    goods = models.ForeignKey(Goods, verbose_name=_("goods"), on_delete=models.PROTECT, related_name="redemptions")
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    points = models.PositiveIntegerField(_("points"))
    status = models.CharField(
        _("status"), max_length=16, choices=RedemptionStatus.choices, default=RedemptionStatus.RESERVED
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=100)
    # The 6-digit pickup code the woodpecker shows at the counter: encrypted like personal data (core.crypto, so
    # a key rotation re-encrypts it) with a keyed hash for the counter's lookup; unique among the station's
    # redemptions not yet handed out (redemption_reserve draws it under the station's row lock). No expiry: a
    # redemption waits until it is handed out or cancelled.
    pickup_code_encrypted = models.CharField(max_length=200, editable=False, blank=True)
    pickup_code_hash = models.CharField(max_length=64, editable=False, blank=True, db_index=True)
    reserved_at = models.DateTimeField(_("reserved at"), auto_now_add=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("settled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-reserved_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="redemption_quantity_positive"),
            models.UniqueConstraint(fields=["woodpecker", "idempotency_key"], name="uniq_redemption_woodpecker_key"),
        ]

    def __str__(self):
        return f"{self.woodpecker} · {self.goods} × {self.quantity}"

    @property
    def pickup_code(self) -> str:
        """The code in clear, for the woodpecker's own page and notification only (never the counter's lists)."""
        return crypto.decrypt(self.pickup_code_encrypted)

    def set_pickup_code(self, code: str) -> None:
        self.pickup_code_encrypted = crypto.encrypt(code)
        self.pickup_code_hash = crypto.search_hash(code)
