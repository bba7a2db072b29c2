"""Error codes of the annual goals (core/errors.py explains the contract; docs/api.md lists every code)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    UNKNOWN_INDICATOR = "unknown_indicator", _("No indicator with this key.")
    TARGET_UNIT_KIND = (
        "target_unit_kind",
        _("Targets are set for the province, a prefecture, a county-level unit, or a township, street or zone."),
    )
    TARGET_LEVEL = "target_level", _("The indicator's target does not fit this level.")
    HAND_DOWN_RULE = "hand_down_rule", _("This rule does not hand down this indicator's target.")
    HAND_DOWN_NO_BASE = "hand_down_no_base", _("The units under the scope have nothing to share the target by.")
    HAND_DOWN_NO_CHILDREN = "hand_down_no_children", _("No unit under the scope takes this target.")
    NO_DEFAULT_TARGETS = "no_default_targets", _("No default target table fits this level.")
    NEGATIVE_TARGET = "negative_target", _("A target cannot be negative.")
    PERCENT_OVER_100 = "percent_over_100", _("A percentage target lies between 0 and 100.")
    UNKNOWN_SOURCE = "unknown_source", _("No data source with this name.")
    NOT_A_REPORTING_UNIT = "not_a_reporting_unit", _("Only villages and communities confirm their yearly report.")
    FUTURE_YEAR = "future_year", _("The year has not started.")
    FORM_FIELD_UNKNOWN = "form_field_unknown", _("The form's published versions have no field with this code.")
    FORM_FIELD_NOT_NUMERIC = "form_field_not_numeric", _("Only a whole-number or decimal field can back an indicator.")


CONFLICTS = frozenset()
