"""Error codes of the organization tree (core/errors.py explains the contract; docs/api.md lists every code)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    UNKNOWN_UNIT = "unknown_unit", _("No unit with this code in your jurisdiction.")
    KIND_NOT_ALLOWED = "kind_not_allowed", _("A unit of this kind cannot be placed under that parent.")
    DIVISION_CODE = "division_code", _("The code does not fit the unit's level or its parent's division code.")
    MOVE_INTO_DESCENDANT = "move_into_descendant", _("A unit cannot be moved under itself or one of its descendants.")
    TREE_TOO_DEEP = "tree_too_deep", _("The tree would become too deep.")
    TOP_LEVEL_UNIT = "top_level_unit", _("Only a system administrator creates or deletes a top-level unit.")
    UNIT_HAS_CHILDREN = "unit_has_children", _("The unit has child units.")
    UNIT_IN_USE = "unit_in_use", _("The unit still has records attached.")
    RECTIFICATION_DATE_REQUIRED = (
        "rectification_date_required",
        _("A weak and lax organization needs the date rectification started."),
    )
    INVALID_ROWS = "invalid_rows", _("Rows of the batch are invalid.")
    BAD_GEOJSON = "bad_geojson", _("The file is not a usable GeoJSON boundary.")
    UNMATCHED_FEATURES = "unmatched_features", _("Features of the file match no unit under this one.")


# "Not allowed in this state" (409): the request is well-formed, the unit's present state refuses it.
CONFLICTS = frozenset({ErrorCode.UNIT_HAS_CHILDREN, ErrorCode.UNIT_IN_USE})
