"""The grid woodpeckers' queues on the workbench (core/workbench.py): clues to triage, overdue and soon-due clues
with their cards, goods to hand out at the counter, and a woodpecker's clues awaiting their rating and goods to pick
up. Every queryset starts from `restrict()` with the action the work needs."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import COUNTER, HANDLE, RATE, TRIAGE, holds_action
from accounts.roles import Role
from core import workbench

from .models import Clue, ClueStatus, OverdueFlag, Redemption, RedemptionStatus, Woodpecker, WoodpeckerStatus
from .models.common import DESK
from .services.supervision import OPEN_WORK

SOON_HOURS = 48


def _clue_item(clue) -> workbench.Item:
    note = date_format(timezone.localtime(clue.deadline), "SHORT_DATETIME_FORMAT") if clue.deadline else ""
    tone = {OverdueFlag.RED: "alert", OverdueFlag.YELLOW: "warn"}.get(clue.flag, "")
    if clue.flag:
        note = f"{OverdueFlag(clue.flag).label} · {note}"
    return workbench.Item(
        label=f"#{clue.pk} {clue.category.name} · {clue.grid.name}",
        url=reverse("grid_woodpecker:clue_detail", args=[clue.pk]),
        note=note,
        tone=tone,
    )


@workbench.shortcut(key="clue_new", order=10)
def report_problem(user):
    """ "Report a problem", one tap from an active woodpecker's home (one query, for woodpeckers only)."""
    if not user.has_role(Role.WOODPECKER) or user.is_superuser:
        return None
    if not Woodpecker.objects.filter(user=user, status=WoodpeckerStatus.ACTIVE).exists():
        return None
    return workbench.Shortcut(key="clue_new", label=_("Report a problem"), url=reverse("grid_woodpecker:clue_new"))


def triage_clues(user):
    return Clue.objects.restrict(user, TRIAGE).filter(status=ClueStatus.SUBMITTED).select_related("grid", "category")


@workbench.queue(key="clue_triage", label=gettext_lazy("Clues to triage"), order=10)
def clue_triage(user):
    if not holds_action(user, Clue, TRIAGE):
        return None
    url = reverse("grid_woodpecker:triage") if holds_action(user, Clue, DESK) else None
    url = url or reverse("grid_woodpecker:clue_list") + f"?status={ClueStatus.SUBMITTED}"
    return workbench.short(triage_clues(user).order_by("submitted_at", "id"), _clue_item, url)


def open_work(user):
    """Open clues the user triages or handles (a department's handlers: those dispatched to them)."""
    return (
        Clue.objects.restrict(user, HANDLE)
        .filter(status__in=OPEN_WORK, deadline__isnull=False)
        .select_related("grid", "category")
        .order_by("deadline", "id")
    )


def overdue_clues(user, now=None):
    return open_work(user).filter(deadline__lt=now or timezone.now())


def soon_due_clues(user, now=None):
    now = now or timezone.now()
    return open_work(user).filter(deadline__gte=now, deadline__lt=now + timedelta(hours=SOON_HOURS))


@workbench.queue(key="clue_overdue", label=gettext_lazy("Overdue clues"), order=11)
def clue_overdue(user):
    if not holds_action(user, Clue, HANDLE):
        return None
    return workbench.short(overdue_clues(user), _clue_item, reverse("grid_woodpecker:clue_list") + "?flag=red")


@workbench.queue(key="clue_soon_due", label=gettext_lazy("Clues due within two days"), order=12)
def clue_soon_due(user):
    if not holds_action(user, Clue, HANDLE):
        return None
    return workbench.short(soon_due_clues(user), _clue_item, reverse("grid_woodpecker:clue_list"))


def awaiting_rating(user):
    return (
        Clue.objects.restrict(user, RATE)
        .filter(status=ClueStatus.RESOLVED, reporter__user=user)
        .select_related("grid", "category")
        .order_by("resolved_at", "id")
    )


@workbench.queue(key="clue_rating", label=gettext_lazy("My clues awaiting my rating"), order=5)
def clue_rating(user):
    if not user.has_role(Role.WOODPECKER) or user.is_superuser:
        return None
    return workbench.short(awaiting_rating(user), _clue_item, reverse("grid_woodpecker:me"))


def _redemption_item(redemption) -> workbench.Item:
    return workbench.Item(
        label=_("%(goods)s × %(quantity)s") % {"goods": redemption.goods.name, "quantity": redemption.quantity},
        url=reverse("grid_woodpecker:counter"),
        note=redemption.goods.station.name,
    )


def _pickup_item(redemption) -> workbench.Item:
    return workbench.Item(
        label=_("%(goods)s × %(quantity)s") % {"goods": redemption.goods.name, "quantity": redemption.quantity},
        url=reverse("grid_woodpecker:redemption_detail", args=[redemption.pk]),  # the pickup code is there
        note=redemption.goods.station.name,
    )


def to_hand_out(user):
    return (
        Redemption.objects.restrict(user, COUNTER)
        .filter(status=RedemptionStatus.RESERVED)
        .select_related("goods__station")
        .order_by("reserved_at", "id")
    )


@workbench.queue(key="redemptions_counter", label=gettext_lazy("Goods to hand out"), order=20)
def redemptions_counter(user):
    if not holds_action(user, Redemption, COUNTER):
        return None
    return workbench.short(to_hand_out(user), _redemption_item, reverse("grid_woodpecker:counter"))


def to_pick_up(user):
    return (
        Redemption.objects.restrict(user)
        .filter(status=RedemptionStatus.RESERVED, woodpecker__user=user)
        .select_related("goods__station")
        .order_by("reserved_at", "id")
    )


@workbench.queue(key="redemptions_pickup", label=gettext_lazy("My goods to pick up"), order=6)
def redemptions_pickup(user):
    if not user.has_role(Role.WOODPECKER) or user.is_superuser:
        return None
    return workbench.short(to_pick_up(user), _pickup_item, reverse("grid_woodpecker:points"))
