"""Grid woodpeckers: volunteers who report clues in their grid, the clue closed loop, and the 1:10:5 points exchange.

Every model names its way to an OrganizationUnit in `scope_field`; clues are scoped by their grid, and a department
handler also sees the clues dispatched to their department (ClueQuerySet.restrict).

One module per sub-domain — `woodpeckers`, `clues` (with categories, inspection tasks, photos, the abuse list and
Open311 keys), `points`, `stations` (with goods and redemptions) — and `common` (roles, actions, the scoped
queryset). Everything is re-exported here: `grid_woodpecker.models.Clue` is the model's name for Django, the
migrations (`grid_woodpecker.models.clue_photo_path`) and every caller.
"""

from .clues import (
    AbuseListEntry,
    Clue,
    ClueCategory,
    ClueEvent,
    CluePhoto,
    ClueSource,
    ClueStatus,
    HandlerKind,
    InspectionTask,
    Open311Key,
    OverdueFlag,
    Rating,
    clue_photo_path,
)
from .common import (
    ADJUST_ROLES,
    CANCEL,
    DESK,
    REDEEM,
    TAKE,
    TRIAGE_ROLES,
    VIEW_ROLES,
    GridScopedQuerySet,
)
from .points import (
    EntryKind,
    PointsAccount,
    PointsEntry,
    PointsPolicy,
)
from .stations import (
    Goods,
    Redemption,
    RedemptionStatus,
    Station,
    StationKind,
)
from .woodpeckers import (
    Woodpecker,
    WoodpeckerGroup,
    WoodpeckerStatus,
)

__all__ = [
    "ADJUST_ROLES",
    "AbuseListEntry",
    "CANCEL",
    "Clue",
    "ClueCategory",
    "ClueEvent",
    "CluePhoto",
    "ClueSource",
    "ClueStatus",
    "EntryKind",
    "Goods",
    "GridScopedQuerySet",
    "HandlerKind",
    "InspectionTask",
    "Open311Key",
    "OverdueFlag",
    "PointsAccount",
    "PointsEntry",
    "PointsPolicy",
    "REDEEM",
    "Rating",
    "Redemption",
    "RedemptionStatus",
    "Station",
    "StationKind",
    "DESK",
    "TAKE",
    "TRIAGE_ROLES",
    "VIEW_ROLES",
    "Woodpecker",
    "WoodpeckerGroup",
    "WoodpeckerStatus",
    "clue_photo_path",
]
