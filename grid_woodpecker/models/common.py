"""What every woodpecker model shares: the roles that triage and see records, the app's own actions, and the
scoped queryset."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.roles import STAFF_ROLES, Role
from accounts.scoping import ScopedQuerySet

# Who triages and handles clues in their grid or community: township/org staff, the community secretary and the
# grid worker.
TRIAGE_ROLES = (*STAFF_ROLES, Role.SECRETARY, Role.GRID_WORKER)
# The triagers of the grid and community themselves, whose work page is the triage queue (staff land on oversight).
DESK_ROLES = (Role.SECRETARY, Role.GRID_WORKER)
# Who corrects a points balance by hand (`accounts/adjust`): staff only — organization-department and township
# staff; a grid worker or secretary does not credit points.
ADJUST_ROLES = STAFF_ROLES
# Actions only this app's records have (plain strings, like the constants of accounts.permissions), declared on
# their models below: a woodpecker redeems their own points, cancels their own reservation, takes a task of
# their grid.
REDEEM = "redeem"
CANCEL = "cancel"
TAKE = "take"
DESK = "desk"  # work at the triage desk: the landing page sends these triagers to the triage queue
# Whose role lets them see the records of their jurisdiction. A woodpecker's role at a grid does not show them their
# neighbours' clues or points: they see their own (`scope_owner_field`) and the public version of the rest.
VIEW_ROLES = (*TRIAGE_ROLES, Role.DEPARTMENT_HANDLER)


class GridScopedQuerySet(ScopedQuerySet):
    """The foundation's scoping (accounts.scoping.restrict), read by the roles in VIEW_ROLES unless a model says
    otherwise in `scope_view_roles`; owners and department handlers see their rows through `scope_owner_field`
    and `scope_department_field`."""

    default_view_roles = VIEW_ROLES


def coordinate_field(bound: int) -> models.DecimalField:
    """An optional latitude (bound 90) or longitude (bound 180) in degrees, 6 decimals (a clue's place, a station's)."""
    return models.DecimalField(
        _("latitude") if bound == 90 else _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-bound), MaxValueValidator(bound)],
    )
