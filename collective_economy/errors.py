"""Error codes of the village collective economy (core/errors.py explains the contract; docs/api.md lists them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    NOT_A_VILLAGE = "not_a_village", _("Only administrative villages report collective income.")
    NEGATIVE_AMOUNT = "negative_amount", _("An amount cannot be negative.")
    OPERATING_EXCEEDS_TOTAL = "operating_exceeds_total", _("Operating income exceeds the total income.")
    REPORT_ALREADY_APPROVED = (
        "report_already_approved",
        _("The year's report is already approved; submit a correction."),
    )
    REPORT_PENDING = "report_pending", _("A report of this village and year is already waiting for review.")
    REPORT_LOCKED = "report_locked", _("The report is approved and locked.")
    REPORT_NOT_SUBMITTED = "report_not_submitted", _("The report is not waiting for review.")
    REPORT_NOT_CURRENT = "report_not_current", _("Only the current approved report can be corrected.")
    PROJECT_SCORED = "project_scored", _("The project has been scored in a competition.")
    SCOPE_UNIT_KIND = "scope_unit_kind", _("Targets, plans, schemes and competitions belong to the city or a township.")
    RULES_REQUIRED = "rules_required", _("A reward scheme needs at least one rule.")
    NO_REWARD_SCHEME = "no_reward_scheme", _("No reward scheme is in force for the year.")
    PROJECT_OUTSIDE_COMPETITION = (
        "project_outside_competition",
        _("The project's village is not under the competition's unit."),
    )
    MISSING_COLUMNS = "missing_columns", _("The sheet lacks required columns.")


# "Not allowed in this state" (409): the report or project as it stands refuses the step.
CONFLICTS = frozenset(
    {
        ErrorCode.REPORT_ALREADY_APPROVED,
        ErrorCode.REPORT_PENDING,
        ErrorCode.REPORT_LOCKED,
        ErrorCode.REPORT_NOT_SUBMITTED,
        ErrorCode.REPORT_NOT_CURRENT,
        ErrorCode.PROJECT_SCORED,
        ErrorCode.NO_REWARD_SCHEME,
    }
)
