"""Registration of woodpeckers by staff (self-registration by phone is `signup`), confirmation by the grid,
deactivation, lead woodpeckers (头鸟) and corrections (grid, group, lead duties)."""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.errors import ErrorCode as AccountCode
from accounts.models import RoleAssignment, User
from accounts.permissions import (
    CHANGE,
    require,
    require_at,
)
from accounts.roles import Role
from cadres.services import person_create
from core import audit
from core.errors import Conflict, Invalid
from core.services import update_fields
from organizations.models import OrganizationUnit

from ..errors import ErrorCode
from ..models import (
    PointsAccount,
    Woodpecker,
    WoodpeckerStatus,
)
from .common import announce, by_user, validate_grid

logger = logging.getLogger(__name__)


def _lock_woodpecker(woodpecker: Woodpecker) -> Woodpecker:
    return Woodpecker.objects.select_for_update(of=("self",)).select_related("grid").get(pk=woodpecker.pk)


@transaction.atomic
def woodpecker_create(
    *,
    name: str,
    id_number: str,
    grid: OrganizationUnit,
    group: str,
    actor,
    mobile: str = "",
    username: str = "",
    password: str = "",
    is_lead: bool = False,
    lead_duties: str = "",
    user=None,
) -> Woodpecker:
    """Register a woodpecker on their behalf (staff, import): active at once, with a login if a name is given
    (or the existing login `user`)."""
    validate_grid(grid)
    require_at(actor, CHANGE, Woodpecker, grid, _("You may not register woodpeckers outside your jurisdiction."))
    if user is not None and Woodpecker.objects.filter(user=user).exists():
        raise Conflict(
            _("This login already belongs to a woodpecker."), code=ErrorCode.ALREADY_A_WOODPECKER, field="username"
        )
    if user is None and username:
        if User.objects.filter(username__iexact=username).exists():
            raise Invalid(
                _("This login name is taken; choose another."), code=AccountCode.USERNAME_TAKEN, field="username"
            )
        # A password chosen by staff is changed by the woodpecker at first login (accounts.middleware).
        user = User.objects.create_user(
            username=username,
            password=password or None,
            display_name=name,
            must_change_password=bool(password) and not getattr(actor, "is_system", False),
        )
    person = person_create(name=name, id_number=id_number, mobile=mobile, unit=grid, actor=actor)
    woodpecker = Woodpecker.objects.create(
        person=person,
        user=user,
        grid=grid,
        group=group,
        status=WoodpeckerStatus.PENDING,
        is_lead=is_lead,
        lead_duties=lead_duties,
    )
    audit.record(actor=actor, action="woodpecker.create", obj=woodpecker, unit=grid)
    return woodpecker_confirm(woodpecker=woodpecker, actor=actor)


@transaction.atomic
def woodpecker_confirm(*, woodpecker: Woodpecker, actor) -> Woodpecker:
    """The grid worker or community secretary confirms a registration: the login gets its woodpecker role."""
    woodpecker = _lock_woodpecker(woodpecker)
    require(actor, CHANGE, woodpecker, _("You may not confirm woodpeckers of this grid."))
    if woodpecker.status == WoodpeckerStatus.ACTIVE:
        return woodpecker
    woodpecker.status = WoodpeckerStatus.ACTIVE
    woodpecker.confirmed_at = timezone.now()
    woodpecker.confirmed_by = by_user(actor)
    woodpecker.deactivated_at = None
    woodpecker.deactivation_reason = ""
    woodpecker.save()
    if woodpecker.user_id:
        RoleAssignment.objects.get_or_create(user_id=woodpecker.user_id, role=Role.WOODPECKER, unit=woodpecker.grid)
    PointsAccount.objects.get_or_create(woodpecker=woodpecker)
    audit.record(actor=actor, action="woodpecker.confirm", obj=woodpecker, unit=woodpecker.grid)
    announce(woodpecker.grid)
    return woodpecker


@transaction.atomic
def woodpecker_deactivate(*, woodpecker: Woodpecker, reason: str, actor) -> Woodpecker:
    """Deactivate a woodpecker (they stop filing clues; their points and history stay)."""
    woodpecker = _lock_woodpecker(woodpecker)
    require(actor, CHANGE, woodpecker, _("You may not change woodpeckers of this grid."))
    if not (reason or "").strip():
        raise Invalid(_("Give a reason for the deactivation."), code=ErrorCode.NOTE_REQUIRED, field="reason")
    woodpecker.status = WoodpeckerStatus.INACTIVE
    woodpecker.deactivated_at = timezone.now()
    woodpecker.deactivation_reason = reason.strip()
    woodpecker.save()
    if woodpecker.user_id:
        RoleAssignment.objects.filter(user_id=woodpecker.user_id, role=Role.WOODPECKER).delete()
    audit.record(actor=actor, action="woodpecker.deactivate", obj=woodpecker, unit=woodpecker.grid)
    announce(woodpecker.grid)
    return woodpecker


@transaction.atomic
def woodpecker_set_lead(*, woodpecker: Woodpecker, is_lead: bool, duties: str, actor) -> Woodpecker:
    """Make a woodpecker a lead woodpecker (头鸟) with duties, or take it back."""
    require(actor, CHANGE, woodpecker, _("You may not change woodpeckers of this grid."))
    if is_lead and not (duties or "").strip():
        raise Invalid(_("Describe the lead woodpecker's duties."), code=ErrorCode.NOTE_REQUIRED, field="lead_duties")
    woodpecker.is_lead = is_lead
    woodpecker.lead_duties = (duties or "").strip() if is_lead else ""
    woodpecker.save(update_fields=["is_lead", "lead_duties", "updated_at"])
    audit.record(actor=actor, action="woodpecker.lead", obj=woodpecker, unit=woodpecker.grid)
    return woodpecker


WOODPECKER_CHANGEABLE = ("grid", "group", "is_lead", "lead_duties")


@transaction.atomic
def woodpecker_update(*, woodpecker: Woodpecker, actor, **fields) -> Woodpecker:
    """Correct a woodpecker's grid, group or lead duties (a sheet read back, "update existing records").

    A move to another grid needs the right to change woodpeckers at both grids; the login's woodpecker role moves
    with it, and so does the person's record when it was attached to the old grid (as registration does). A lead
    woodpecker needs duties, as `woodpecker_set_lead` asks; one who is not a lead keeps none."""
    old = {}

    def guard(locked):
        require(actor, CHANGE, locked, _("You may not change woodpeckers of this grid."))
        old.update(grid=locked.grid, is_lead=locked.is_lead, lead_duties=locked.lead_duties)

    def check(locked):
        if locked.grid_id != old["grid"].pk:
            validate_grid(locked.grid)
            require_at(
                actor, CHANGE, Woodpecker, locked.grid, _("You may not register woodpeckers outside your jurisdiction.")
            )
        locked.lead_duties = (locked.lead_duties or "").strip() if locked.is_lead else ""
        lead_changed = (locked.is_lead, locked.lead_duties) != (old["is_lead"], old["lead_duties"])
        if locked.is_lead and not locked.lead_duties and lead_changed:
            raise Invalid(
                _("Describe the lead woodpecker's duties."), code=ErrorCode.NOTE_REQUIRED, field="lead_duties"
            )

    woodpecker, changes = update_fields(
        woodpecker,
        actor=actor,
        fields=fields,
        allowed=WOODPECKER_CHANGEABLE,
        audit_action="woodpecker.update",
        unit=lambda locked: locked.grid,
        related=("grid", "person"),
        exclude=("person", "user", "grid"),
        guard=guard,
        check=check,
    )
    if "grid" in changes:
        _move_grid(woodpecker, old["grid"], actor)
    if changes:
        announce(woodpecker.grid)
    return woodpecker


def _move_grid(woodpecker: Woodpecker, old_grid: OrganizationUnit, actor) -> None:
    """What follows a woodpecker to its new grid: the login's role there, the person's record if it was the old
    grid's."""
    grid = woodpecker.grid
    if woodpecker.user_id:
        moved = RoleAssignment.objects.filter(user_id=woodpecker.user_id, role=Role.WOODPECKER, unit=old_grid)
        if moved.exists():
            moved.delete()
            RoleAssignment.objects.get_or_create(user_id=woodpecker.user_id, role=Role.WOODPECKER, unit=grid)
    person = woodpecker.person
    if person.unit_id == old_grid.pk:
        person.unit = grid
        person.save(update_fields=["unit"])
        audit.record(
            actor=actor, action="person.update", obj=person, unit=grid, changes={"unit": [str(old_grid), str(grid)]}
        )
    announce(old_grid)
    logger.info("woodpecker %s moved from grid %s to %s", woodpecker.pk, old_grid.pk, grid.pk)
