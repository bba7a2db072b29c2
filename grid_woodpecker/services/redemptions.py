"""Redeeming points for goods: a reservation holds the points and the stock together; the counter confirms
the handover or either side cancels it (stock and points come back)."""

import logging
import secrets

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import (
    COUNTER,
    can,
    require,
)
from core import audit
from core.errors import Conflict, Invalid
from core.errors import ErrorCode as CoreCode

from ..errors import ErrorCode
from ..models import (
    CANCEL,
    REDEEM,
    EntryKind,
    Goods,
    PointsAccount,
    Redemption,
    RedemptionStatus,
    Woodpecker,
    WoodpeckerStatus,
)
from . import notices
from .common import by_user
from .points import policy_for, post_entry
from .stations import price_in_points

logger = logging.getLogger(__name__)


@transaction.atomic
def redemption_reserve(
    *, woodpecker: Woodpecker, goods: Goods, actor, quantity: int = 1, idempotency_key: str = ""
) -> Redemption:
    """Hold the points and the stock together for goods to be handed over at the counter. Two requests racing
    for the last item or the last points: the row locks order them and the second is refused."""
    account = PointsAccount.objects.filter(woodpecker=woodpecker).first()
    if account is None or not can(actor, REDEEM, account):
        raise PermissionDenied(_("Only the woodpecker may redeem their own points."))
    if woodpecker.status != WoodpeckerStatus.ACTIVE:
        raise Conflict(_("Only an active woodpecker may redeem points."), code=ErrorCode.WOODPECKER_INACTIVE)
    if quantity < 1:
        raise Invalid(_("Redeem at least one."), code=CoreCode.MIN_VALUE, field="quantity")
    key = idempotency_key or f"redeem:{woodpecker.pk}:{secrets.token_hex(8)}"
    existing = Redemption.objects.filter(woodpecker=woodpecker, idempotency_key=key).first()
    if existing is not None:
        return existing
    try:
        # A concurrent retry with the same key loses the insert race (unique per woodpecker and key): its work is
        # rolled back to this savepoint and it answers with the first redemption.
        with transaction.atomic():
            return _redemption_reserve(woodpecker=woodpecker, goods=goods, actor=actor, quantity=quantity, key=key)
    except IntegrityError:
        existing = Redemption.objects.filter(woodpecker=woodpecker, idempotency_key=key).first()
        if existing is None:
            logger.exception("redemption of goods %s failed on a constraint other than its key", goods.pk)
            raise
        logger.info("concurrent retry of redemption %s answered with the first one", existing.pk)
        return existing


def _redemption_reserve(*, woodpecker, goods, actor, quantity, key) -> Redemption:
    goods = (
        Goods.objects.select_for_update(of=("self",)).select_related("station__unit").get(pk=goods.pk)
    )  # lock order: goods
    existing = Redemption.objects.filter(woodpecker=woodpecker, idempotency_key=key).first()
    if existing is not None:  # a same-key retry that waited for the lock above: the first one has committed
        return existing
    if not goods.is_active or not goods.station.is_active:
        raise Conflict(_("These goods are not offered any more."), code=ErrorCode.GOODS_WITHDRAWN)
    if goods.stock < quantity:
        logger.info("redemption refused: goods %s has %d in stock, %d asked", goods.pk, goods.stock, quantity)
        raise Conflict(
            _("Sorry, “%(name)s” is out of stock (%(stock)d left).") % {"name": goods.name, "stock": goods.stock},
            code=ErrorCode.OUT_OF_STOCK,
        )
    points = price_in_points(goods, quantity, policy_for(woodpecker.grid))
    goods.stock -= quantity
    goods.save(update_fields=["stock"])
    redemption = Redemption.objects.create(
        woodpecker=woodpecker, goods=goods, quantity=quantity, points=points, idempotency_key=key
    )
    post_entry(
        woodpecker_id=woodpecker.pk,
        kind=EntryKind.REDEEM,
        points=-points,
        key=f"redeem:{redemption.pk}",
        actor=actor,
        redemption=redemption,
        reason=f"{goods.name} × {quantity}",
    )
    audit.record(actor=actor, action="redemption.reserve", obj=redemption, unit=woodpecker.grid)
    notices.redemption_ready(redemption)
    return redemption


def _lock_redemption(redemption: Redemption) -> Redemption:
    return (
        Redemption.objects.select_for_update(of=("self",))
        .select_related("goods__station", "woodpecker__grid")
        .get(pk=redemption.pk)
    )


def _check_reserved(redemption: Redemption) -> None:
    if redemption.status != RedemptionStatus.RESERVED:
        raise Conflict(_("This redemption is already settled."), code=ErrorCode.REDEMPTION_SETTLED)


@transaction.atomic
def redemption_confirm(*, redemption: Redemption, actor) -> Redemption:
    """The goods are handed over at the counter: the reservation becomes final."""
    redemption = _lock_redemption(redemption)
    # The counter of either side: the station's staff or the woodpecker's grid staff (Redemption.scope_field).
    require(actor, COUNTER, redemption, _("Only the station's staff may settle this redemption."))
    _check_reserved(redemption)
    redemption.status = RedemptionStatus.CONFIRMED
    redemption.settled_at, redemption.settled_by = timezone.now(), by_user(actor)
    redemption.save()
    audit.record(actor=actor, action="redemption.confirm", obj=redemption, unit=redemption.woodpecker.grid)
    return redemption


@transaction.atomic
def redemption_cancel(*, redemption: Redemption, actor) -> Redemption:
    """Cancel a reservation (by the woodpecker or the counter): the stock and the points come back."""
    redemption = _lock_redemption(redemption)
    # The woodpecker themself (owner) or the counter of either side.
    require(actor, CANCEL, redemption, _("Only the station's staff may settle this redemption."))
    _check_reserved(redemption)
    goods = Goods.objects.select_for_update().get(pk=redemption.goods_id)
    goods.stock += redemption.quantity
    goods.save(update_fields=["stock"])
    redemption.status = RedemptionStatus.CANCELLED
    redemption.settled_at, redemption.settled_by = timezone.now(), by_user(actor)
    redemption.save()
    post_entry(
        woodpecker_id=redemption.woodpecker_id,
        kind=EntryKind.REFUND,
        points=redemption.points,
        key=f"refund:{redemption.pk}",
        actor=actor,
        redemption=redemption,
        reason=_("Redemption cancelled"),
    )
    audit.record(actor=actor, action="redemption.cancel", obj=redemption, unit=redemption.woodpecker.grid)
    return redemption
