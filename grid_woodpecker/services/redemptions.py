"""Redeeming points for goods: the woodpecker confirms a redemption, which spends the points and holds the stock
at once and issues a 6-digit pickup code; the station's counter hands the goods out against that code (or after
finding the woodpecker by phone), or either side cancels it (stock and points come back)."""

import logging
import math
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.settings import api_settings

from accounts.permissions import (
    COUNTER,
    can,
    require,
)
from cadres.validators import normalize_mobile
from core import audit, crypto
from core.api.throttling import WindowThrottle
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
    Station,
    Woodpecker,
    WoodpeckerStatus,
)
from . import notices
from .common import by_user
from .points import policy_for, post_entry
from .stations import price_in_points

logger = logging.getLogger(__name__)

PICKUP_CODE_DIGITS = 6
PICKUP_CODE_DRAWS = 50
# Wrong pickup codes at one station: the rate in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["pickup_code"] (5 in
# 10 minutes); past it the station's code form refuses until the window has room again.
PICKUP_THROTTLE = "pickup_code"


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
    goods.save(update_fields=["stock", "updated_at"])
    code = _new_pickup_code(goods.station)
    redemption = Redemption(woodpecker=woodpecker, goods=goods, quantity=quantity, points=points, idempotency_key=key)
    redemption.set_pickup_code(code)
    redemption.save()
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
    notices.redemption_ready(redemption, code)
    return redemption


def _new_pickup_code(station: Station) -> str:
    """A random 6-digit code no other redemption of the station still waiting for its hand-out holds. The station's
    row lock (taken after the goods' lock: one order for every redemption) makes two redemptions at one station
    draw one after the other, so the check below sees the other's committed code."""
    Station.objects.select_for_update().filter(pk=station.pk).first()
    waiting = Redemption.objects.filter(goods__station=station, status=RedemptionStatus.RESERVED)
    for _draw in range(PICKUP_CODE_DRAWS):  # a station holds far fewer than a million codes waiting: one draw or two
        code = f"{secrets.randbelow(10**PICKUP_CODE_DIGITS):0{PICKUP_CODE_DIGITS}d}"
        if not waiting.filter(pickup_code_hash=crypto.search_hash(code)).exists():
            return code
    raise RuntimeError(f"no free pickup code at station {station.pk} after {PICKUP_CODE_DRAWS} draws")


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
def redemption_confirm(*, redemption: Redemption, actor, verified_by: str = "staff") -> Redemption:
    """The goods are handed over at the counter: the reservation becomes final, with who handed it out and when.
    `verified_by` says how the counter knew the woodpecker ("phone": found by their phone number; "code": their
    pickup code, `redemption_hand_out`; "staff": an API client that checked them itself) and goes to the audit."""
    redemption = _lock_redemption(redemption)
    # The counter of either side: the station's staff or the woodpecker's grid staff (Redemption.scope_field).
    require(actor, COUNTER, redemption, _("Only the station's staff may settle this redemption."))
    _check_reserved(redemption)
    redemption.status = RedemptionStatus.CONFIRMED
    redemption.settled_at, redemption.settled_by = timezone.now(), by_user(actor)
    redemption.save()
    audit.record(
        actor=actor,
        action="redemption.confirm",
        obj=redemption,
        unit=redemption.woodpecker.grid,
        changes={"verified_by": verified_by, "station": redemption.goods.station_id},
    )
    return redemption


def _window(station: Station) -> WindowThrottle:
    """The station's window of wrong codes as it stands (DRF's sliding history in the cache), nothing recorded."""
    rates = api_settings.DEFAULT_THROTTLE_RATES[PICKUP_THROTTLE]
    throttle = WindowThrottle(PICKUP_THROTTLE, str(station.pk), rates if isinstance(rates, str) else rates[0])
    throttle.key = throttle.get_cache_key()
    throttle.now = throttle.timer()
    throttle.history = [t for t in throttle.cache.get(throttle.key, []) if t > throttle.now - throttle.duration]
    return throttle


def pickup_locked(station: Station) -> int:
    """Seconds until the station's code form takes codes again after too many wrong ones (0: open now)."""
    window = _window(station)
    if len(window.history) >= window.num_requests:
        return max(1, int(window.wait() or 1))
    return 0


def _check_locked(station: Station) -> None:
    """Refuse while the station's window of wrong codes and numbers is full (429 with Retry-After in the API)."""
    wait = pickup_locked(station)
    if wait:
        logger.info("pickup refused at station %s: too many wrong codes", station.pk)
        exc = ValidationError(
            _(
                "Too many wrong pickup codes at this station. Try again in %(minutes)d minutes, "
                "or find the woodpecker by phone."
            )
            % {"minutes": max(1, math.ceil(wait / 60))},
            code=ErrorCode.PICKUP_LOCKED,
        )
        exc.wait = wait  # the API sends it as Retry-After (429)
        raise exc


@transaction.atomic
def redemption_hand_out(*, station: Station, code: str, actor) -> Redemption:
    """Hand out the goods of the redemption waiting at `station` under the pickup `code`. A wrong code is refused
    with a message and counted: past the rate (5 in 10 minutes) the station refuses codes for a while."""
    require(actor, COUNTER, station, _("Only the station's staff may hand out its goods."))
    _check_locked(station)
    code = (code or "").strip()
    found = None
    if code.isdigit() and len(code) == PICKUP_CODE_DIGITS:
        found = (
            Redemption.objects.restrict(actor, COUNTER)
            .filter(goods__station=station, status=RedemptionStatus.RESERVED, pickup_code_hash=crypto.search_hash(code))
            .first()
        )
    if found is None:
        WindowThrottle.check(PICKUP_THROTTLE, station.pk)  # counts the wrong code in the station's window
        logger.info("wrong pickup code at station %s", station.pk)
        raise Invalid(
            _("No redemption waits at this station under this pickup code. Check the 6 digits with the woodpecker."),
            code=ErrorCode.PICKUP_CODE_WRONG,
            field="code",
        )
    return redemption_confirm(redemption=found, actor=actor, verified_by="code")


@transaction.atomic
def redemption_hand_out_by_phone(*, redemption: Redemption, phone: str, actor) -> Redemption:
    """Hand out a reservation after the counter found the woodpecker by their phone number: the number typed at the
    counter must be the woodpecker's own (compared by keyed hash), so that nothing is handed out on a click alone.
    Still open while the code form is closed after wrong codes (the lock's message sends the counter here)."""
    redemption = _lock_redemption(redemption)
    require(actor, COUNTER, redemption, _("Only the station's staff may settle this redemption."))
    try:
        phone = normalize_mobile(phone)
    except ValidationError:
        phone = ""
    if not phone or crypto.search_hash(phone) != redemption.woodpecker.person.mobile_hash:
        logger.info("wrong phone for redemption %s", redemption.pk)
        raise Invalid(
            _("This phone number is not the woodpecker's of this redemption. Check it with the woodpecker."),
            code=ErrorCode.PICKUP_PHONE_WRONG,
            field="phone",
        )
    return redemption_confirm(redemption=redemption, actor=actor, verified_by="phone")


@transaction.atomic
def redemption_cancel(*, redemption: Redemption, actor) -> Redemption:
    """Cancel a reservation (by the woodpecker or the counter): the stock and the points come back."""
    redemption = _lock_redemption(redemption)
    # The woodpecker themself (owner) or the counter of either side.
    require(actor, CANCEL, redemption, _("Only the station's staff may settle this redemption."))
    _check_reserved(redemption)
    goods = Goods.objects.select_for_update().get(pk=redemption.goods_id)
    goods.stock += redemption.quantity
    goods.save(update_fields=["stock", "updated_at"])
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
