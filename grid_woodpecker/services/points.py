"""The points ledger: the policy in force, earning for accepted clues and reversing for false ones, staff
adjustments and expiry. Every movement is one PointsEntry with an idempotency key, under the account's row lock."""

import logging
import secrets
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import (
    ADJUST,
    CHANGE,
    TRIAGE,
    require,
    require_at,
)
from core import audit
from core.errors import Conflict, Invalid

from ..errors import ErrorCode
from ..models import (
    Clue,
    EntryKind,
    PointsAccount,
    PointsEntry,
    PointsPolicy,
    Woodpecker,
)
from .common import by_user, lineage_ids, require_system

logger = logging.getLogger(__name__)

# Points a hand adjustment may move at most, up or down, per call (a correction, not a payroll).
MAX_ADJUST_POINTS = 1000


def policy_for(grid_or_unit, on: date | None = None) -> PointsPolicy | None:
    """The policy in force on a date for a unit: the latest effective one set at the unit or above it."""
    on = on or timezone.localdate()
    return (
        PointsPolicy.objects.filter(unit_id__in=lineage_ids(grid_or_unit), effective_from__lte=on)
        .order_by("-effective_from", "-unit__depth")
        .first()
    )


DEFAULT_POINTS_PER_CLUE = 10
DEFAULT_POINTS_PER_YUAN = Decimal("2")


@transaction.atomic
def policy_set(
    *,
    unit,
    effective_from: date,
    actor,
    points_per_clue: int = DEFAULT_POINTS_PER_CLUE,
    points_per_yuan: Decimal = DEFAULT_POINTS_PER_YUAN,
    expiry_days: int | None = None,
) -> PointsPolicy:
    """Set a city's exchange rule from a date on. Points already earned keep the rule they were earned under."""
    require_at(actor, CHANGE, PointsPolicy, unit, _("You may not set the policy of this unit."))
    policy = PointsPolicy(
        unit=unit,
        effective_from=effective_from,
        points_per_clue=points_per_clue,
        points_per_yuan=Decimal(points_per_yuan),
        expiry_days=expiry_days,
    )
    policy.full_clean(exclude=["unit"])
    try:
        with transaction.atomic():
            policy.save()
    except IntegrityError:
        logger.info("points policy of unit %s from %s: a concurrent one was saved first", unit.pk, effective_from)
        raise Conflict(_("A policy already starts on this date."), code=ErrorCode.POLICY_EXISTS, field="effective_from")
    audit.record(actor=actor, action="points_policy.set", obj=policy, unit=unit)
    return policy


def _account_locked(woodpecker_id: int) -> PointsAccount:
    account = PointsAccount.objects.select_for_update().filter(woodpecker_id=woodpecker_id).first()
    if account is None:
        PointsAccount.objects.get_or_create(woodpecker_id=woodpecker_id)
        account = PointsAccount.objects.select_for_update().get(woodpecker_id=woodpecker_id)
    return account


def post_entry(
    *,
    woodpecker_id: int,
    kind: str,
    points: int,
    key: str,
    actor,
    reason: str = "",
    clue=None,
    redemption=None,
    policy=None,
    expires_on=None,
    allow_partial: bool = False,
) -> PointsEntry | None:
    """Append one ledger entry and move the balance, under the account's row lock. The same key never posts
    twice: a retried call returns the first entry. A debit beyond the balance is refused (or, for a reversal,
    limited to what is left)."""
    account = _account_locked(woodpecker_id)  # same-account retries wait here, then find the first entry
    existing = PointsEntry.objects.filter(account=account, idempotency_key=key).first()
    if existing is not None:
        return existing
    if points < 0 and account.balance + points < 0:
        if not allow_partial:
            logger.info("debit of %d refused on points account %s: balance %d", -points, account.pk, account.balance)
            raise Conflict(
                _("Not enough points: the balance is %(balance)d, this needs %(points)d.")
                % {"balance": account.balance, "points": -points},
                code=ErrorCode.INSUFFICIENT_POINTS,
            )
        logger.warning(
            "debit %s on points account %s limited to the balance %d (asked %d)",
            key,
            account.pk,
            account.balance,
            -points,
        )
        points = -account.balance
    if points == 0:
        return None
    account.balance += points
    account.save(update_fields=["balance", "updated_at"])
    return PointsEntry.objects.create(
        account=account,
        kind=kind,
        points=points,
        balance_after=account.balance,
        idempotency_key=key,
        clue=clue,
        redemption=redemption,
        policy=policy,
        reason=reason,
        expires_on=expires_on,
        actor=by_user(actor),
    )


@transaction.atomic
def points_earn_for_clue(*, clue: Clue, actor) -> PointsEntry | None:
    """Pay the reporter of an accepted clue under the policy in force on the acceptance day (once per clue)."""
    require(actor, TRIAGE, clue)
    day = timezone.localdate(clue.accepted_at or timezone.now())
    policy = policy_for(clue.grid, day)
    points = policy.points_per_clue if policy else DEFAULT_POINTS_PER_CLUE
    expires_on = day + timedelta(days=policy.expiry_days) if policy and policy.expiry_days else None
    entry = post_entry(
        woodpecker_id=clue.reporter_id,
        kind=EntryKind.EARN,
        points=points,
        key=f"earn:clue:{clue.pk}",
        actor=actor,
        clue=clue,
        policy=policy,
        reason=_("Accepted clue #%(id)s") % {"id": clue.pk},
        expires_on=expires_on,
    )
    if entry is not None:
        audit.record(actor=actor, action="points.earn", obj=entry, unit=clue.grid)
    return entry


@transaction.atomic
def points_reverse_for_clue(*, clue: Clue, reason: str, actor) -> PointsEntry | None:
    """Reverse what an accepted clue earned when it is found false: a reversing entry, never a deletion."""
    require(actor, TRIAGE, clue)
    earned = PointsEntry.objects.filter(
        account__woodpecker_id=clue.reporter_id, idempotency_key=f"earn:clue:{clue.pk}"
    ).first()
    if earned is None:
        return None
    entry = post_entry(
        woodpecker_id=clue.reporter_id,
        kind=EntryKind.REVERSE,
        points=-earned.points,
        key=f"reverse:clue:{clue.pk}",
        actor=actor,
        clue=clue,
        reason=reason,
        allow_partial=True,
    )
    if entry is not None:
        audit.record(actor=actor, action="points.reverse", obj=entry, unit=clue.grid)
    return entry


@transaction.atomic
def points_adjust(*, woodpecker: Woodpecker, points: int, reason: str, actor, idempotency_key: str = "") -> PointsEntry:
    """Staff (organization-department or township, never a grid worker) correct a balance up or down, with a
    reason and by at most MAX_ADJUST_POINTS per call; never below zero."""
    require_at(actor, ADJUST, PointsAccount, woodpecker.grid, _("Only township or county staff may adjust points."))
    if not (reason or "").strip():
        raise Invalid(_("Give a reason for the adjustment."), code=ErrorCode.NOTE_REQUIRED, field="reason")
    if not points:
        raise Invalid(_("The adjustment cannot be zero."), code=ErrorCode.ADJUSTMENT_ZERO, field="points")
    if not -MAX_ADJUST_POINTS <= points <= MAX_ADJUST_POINTS:
        raise Invalid(
            _("An adjustment moves at most %(n)d points up or down.") % {"n": MAX_ADJUST_POINTS},
            code=ErrorCode.ADJUSTMENT_RANGE,
            field="points",
        )
    key = idempotency_key or f"adjust:{woodpecker.pk}:{secrets.token_hex(8)}"
    entry = post_entry(
        woodpecker_id=woodpecker.pk, kind=EntryKind.ADJUST, points=points, key=key, actor=actor, reason=reason.strip()
    )
    audit.record(actor=actor, action="points.adjust", obj=entry, unit=woodpecker.grid)
    return entry


@transaction.atomic
def points_expire_for_account(*, account_id: int, actor, today: date | None = None) -> int:
    """Expire earned points whose expiry date has passed (at most what is left on the balance); idempotent. A job."""
    require_system(actor)
    today = today or timezone.localdate()
    account = PointsAccount.objects.select_related("woodpecker__grid").get(pk=account_id)
    total = 0
    due = PointsEntry.objects.filter(account_id=account_id, kind=EntryKind.EARN, expires_on__lt=today)
    for earned in due.order_by("expires_on", "id"):
        key = f"expire:{earned.pk}"
        if PointsEntry.objects.filter(account_id=account_id, idempotency_key=key).exists():
            continue
        entry = post_entry(
            woodpecker_id=account.woodpecker_id,
            kind=EntryKind.EXPIRE,
            points=-earned.points,
            key=key,
            actor=actor,
            clue=earned.clue,
            allow_partial=True,
            reason=_("Points earned on %(d)s expired") % {"d": timezone.localdate(earned.created_at)},
        )
        total += -entry.points if entry is not None else 0
    return total
