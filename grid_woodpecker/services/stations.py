"""Red Beehive stations and love supermarkets, their goods, and what goods cost in points."""

import logging
import math
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import (
    CHANGE,
    require,
    require_at,
)
from core import audit
from core.errors import ErrorCode as CoreCode
from core.errors import Invalid
from core.services import update_fields

from ..errors import ErrorCode
from ..models import (
    Goods,
    PointsPolicy,
    Station,
)
from .points import DEFAULT_POINTS_PER_YUAN

logger = logging.getLogger(__name__)


@transaction.atomic
def station_create(
    *,
    unit,
    name: str,
    kind: str,
    actor,
    address: str = "",
    services: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Station:
    """Open a Red Beehive station or love supermarket at a unit (with its coordinates, optional, for the map)."""
    require_at(actor, CHANGE, Station, unit, _("You may not open stations outside your jurisdiction."))
    station = Station(
        unit=unit,
        name=(name or "").strip(),
        kind=kind,
        address=address,
        services=services,
        latitude=latitude,
        longitude=longitude,
    )
    station.full_clean(exclude=["unit"])
    _check_coordinates(station)
    station.save()
    audit.record(actor=actor, action="station.create", obj=station, unit=unit)
    return station


@transaction.atomic
def goods_create(*, station: Station, name: str, price_yuan: Decimal, stock: int, actor) -> Goods:
    """Put an item on a station's shelf, priced in yuan."""
    require_at(actor, CHANGE, Goods, station.unit, _("You may not change this station."))
    goods = Goods(station=station, name=(name or "").strip(), price_yuan=price_yuan, stock=stock)
    goods.full_clean(exclude=["station"])
    _check_goods(goods)
    goods.save()
    audit.record(actor=actor, action="goods.create", obj=goods, unit=station.unit)
    return goods


@transaction.atomic
def goods_update(*, goods: Goods, actor, **fields) -> Goods:
    """Change an item's name, price, stock or availability."""
    require(actor, CHANGE, goods, _("You may not change this station's goods."))
    goods, _changes = update_fields(
        goods,
        actor=actor,
        fields=fields,
        allowed=("name", "price_yuan", "stock", "is_active"),
        audit_action="goods.update",
        unit=lambda goods: goods.station.unit,
        related=("station__unit",),
        exclude=("station",),
        check=_check_goods,
    )
    return goods


STOCK_ADJUST_LIMIT = 10_000


@transaction.atomic
def goods_stock_adjust(*, goods: Goods, delta: int, reason: str, actor) -> Goods:
    """Add to or take from an item's stock at the counter (a delivery, a breakage, a count), with a reason; the
    stock never goes below zero (refused with a message, nothing written). Audited with the old and new stock."""
    goods = Goods.objects.select_for_update(of=("self",)).select_related("station__unit").get(pk=goods.pk)
    require(actor, CHANGE, goods, _("You may not change this station's goods."))
    reason = (reason or "").strip()
    if not delta:
        raise Invalid(_("The stock adjustment cannot be zero."), code=ErrorCode.ADJUSTMENT_ZERO, field="delta")
    if abs(delta) > STOCK_ADJUST_LIMIT:
        raise Invalid(
            _("Adjust the stock by at most %(limit)d at a time.") % {"limit": STOCK_ADJUST_LIMIT},
            code=ErrorCode.ADJUSTMENT_RANGE,
            field="delta",
        )
    if not reason:
        raise Invalid(_("Give a reason for the adjustment."), code=ErrorCode.NOTE_REQUIRED, field="reason")
    if goods.stock + delta < 0:
        raise Invalid(
            _("The stock of “%(name)s” cannot go below zero: %(stock)d in stock, %(taken)d taken away.")
            % {"name": goods.name, "stock": goods.stock, "taken": -delta},
            code=ErrorCode.STOCK_NEGATIVE,
            field="delta",
        )
    before = goods.stock
    goods.stock = before + delta
    goods.save(update_fields=["stock", "updated_at"])
    audit.record(
        actor=actor,
        action="goods.stock_adjust",
        obj=goods,
        unit=goods.station.unit,
        changes={"stock": [before, goods.stock], "delta": delta, "reason": reason[:200]},
    )
    logger.info("stock of goods %s adjusted by %d", goods.pk, delta)
    return goods


def _check_goods(goods: Goods) -> None:
    if goods.stock < 0:
        raise Invalid(_("Stock cannot be negative."), code=CoreCode.MIN_VALUE, field="stock")
    if goods.price_yuan <= 0:
        raise Invalid(_("The price must be above zero."), code=CoreCode.MIN_VALUE, field="price_yuan")


def price_in_points(goods: Goods, quantity: int, policy: PointsPolicy | None) -> int:
    """What goods cost in points under a policy (2 points per yuan by default), rounded up to whole points."""
    per_yuan = policy.points_per_yuan if policy else DEFAULT_POINTS_PER_YUAN
    return math.ceil(goods.price_yuan * quantity * per_yuan)


@transaction.atomic
def station_update(*, station: Station, actor, **fields) -> Station:
    """Change a station's name, kind, address, services, coordinates or whether it is open."""
    require(actor, CHANGE, station, _("You may not change this station."))
    station, _changes = update_fields(
        station,
        actor=actor,
        fields=fields,
        allowed=("name", "kind", "address", "services", "latitude", "longitude", "is_active"),
        audit_action="station.update",
        related=("unit",),
        exclude=("unit",),
        check=_check_coordinates,
    )
    return station


def _check_coordinates(station: Station) -> None:
    if (station.latitude is None) != (station.longitude is None):
        raise Invalid(
            _("Give both latitude and longitude, or neither."), code=ErrorCode.COORDINATES_INCOMPLETE, field="latitude"
        )
