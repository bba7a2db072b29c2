"""Annual goals: targets per indicator, year and scope unit; stored roll-ups per (indicator, unit, year); and the
completeness registrations units make when their figures for a year are reported.

Indicators themselves are defined in code (`goals/indicators.py`); models refer to them by their key.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.permissions import IMPORT
from accounts.roles import ORG_DEPARTMENT_ROLES, VILLAGE_ROLES
from accounts.scoping import ScopedQuerySet

from .indicators import Measure, label

YEAR_RANGE = models.Q(year__gte=2000, year__lte=2100)


class Target(models.Model):
    """The value an indicator should reach by the end of a year in a scope (the city, or one township)."""

    scope_field = "unit"
    scope_write_roles = ORG_DEPARTMENT_ROLES  # set, change, delete
    scope_actions = {IMPORT: ORG_DEPARTMENT_ROLES}  # a sheet of targets (core.sheets)

    indicator = models.CharField(_("indicator"), max_length=64)
    unit = models.ForeignKey(
        "organizations.OrganizationUnit", verbose_name=_("scope unit"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(
        _("target value"),
        max_digits=16,
        decimal_places=2,
        help_text=_("A count, a percentage (0–100), yuan or person-times, in the indicator's unit."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    # A target handed down from the parent scope's (`services.target_hand_down`): where it came from and by what
    # rule (shared by a base such as "share:villages", "same" value, or set child by child: "manual"). Empty for a
    # target set for the scope itself; setting it by hand later keeps the origin and says "manual".
    origin = models.ForeignKey(
        "self",
        verbose_name=_("handed down from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handed_down",
    )
    rule = models.CharField(_("hand-down rule"), max_length=40, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["year", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit", "year"], name="goals_target_unique"),
            models.CheckConstraint(condition=YEAR_RANGE, name="goals_target_year_range"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="goals_target_value_not_negative"),
        ]

    def __str__(self):
        return f"{self.year} {label(self.indicator)} {self.value}"


class RollupValue(models.Model):
    """An indicator's figure for one unit and year, computed from the records under the unit (never from
    increments): numerator and denominator, so that a ratio rolls up as Σ numerators / Σ denominators."""

    scope_field = "unit"
    scope_write_roles = ()  # written only by the roll-up tasks

    indicator = models.CharField(_("indicator"), max_length=64)
    unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("organization unit"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    numerator = models.DecimalField(_("numerator"), max_digits=18, decimal_places=2, default=Decimal(0))
    denominator = models.DecimalField(_("denominator"), max_digits=18, decimal_places=2, null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2, null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("roll-up value")
        verbose_name_plural = _("roll-up values")
        ordering = ["year", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit", "year"], name="goals_rollup_unique"),
            models.CheckConstraint(condition=YEAR_RANGE, name="goals_rollup_year_range"),
        ]
        indexes = [models.Index(fields=["unit", "year"], name="goals_rollup_unit_year")]

    def __str__(self):
        return f"{self.year} {label(self.indicator)} {self.value}"


class RollupRun(models.Model):
    """When a full recompute of a year last checked every figure of a source (blank: every source) under a root
    (none: every tree). A figure that did not change keeps the time it was last written (`RollupValue.computed_at`);
    what a dashboard says its figures are as of is the later of that and this run's time
    (`goals.selectors.computed_at`). One row per (year, source, root), updated by each run: rewriting the time on
    every unchanged figure cost a province's full recompute half its time (687,624 rows)."""

    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("data source"), max_length=32, blank=True)
    root = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("root unit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    finished_at = models.DateTimeField(_("finished at"))

    class Meta:
        verbose_name = _("full roll-up run")
        verbose_name_plural = _("full roll-up runs")
        indexes = [models.Index(fields=["year", "source"], name="goals_rolluprun_year_source")]

    def __str__(self):
        return f"{self.year} {self.source or '*'} {self.finished_at:%Y-%m-%d %H:%M}"


class ReportConfirmation(models.Model):
    """A unit declares its records of one source complete for a year (DHIS2's "complete data set registration").

    Completeness of a figure = the reporting units under a scope that have confirmed, for sources whose own records
    have no 'reported' notion."""

    scope_field = "unit"
    scope_write_roles = VILLAGE_ROLES  # confirm

    source = models.CharField(_("data source"), max_length=40)
    unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("organization unit"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("report confirmation")
        verbose_name_plural = _("report confirmations")
        ordering = ["-year", "source"]
        constraints = [
            models.UniqueConstraint(fields=["source", "unit", "year"], name="goals_confirmation_unique"),
            models.CheckConstraint(condition=YEAR_RANGE, name="goals_confirmation_year_range"),
        ]

    def __str__(self):
        return f"{self.year} {self.source} {self.unit_id}"


class PeriodValue(models.TextChoices):
    """How a form-backed indicator takes a year's figure from a unit's periodic reports."""

    SUM = "sum", _("Sum of the year's approved periods (a flow: members developed)")
    LATEST = "latest", _("Latest approved period of the year (a stock: members at period end)")


class ShownLevels(models.TextChoices):
    """The dashboards a form-backed indicator is listed on (`Indicator.levels`)."""

    EVERY = "every", _("Every level, down to the village")
    TOWNSHIP = "township", _("From the township up")
    COUNTY = "county", _("From the county up")


class FormIndicator(models.Model):
    """A goal indicator backed by a numeric field of a periodic report form (issue 14), declared by staff in the
    portal. It joins the indicator registry at run time as `form:<id>` (`goals/sources/reporting.py`) and reads the
    answers of the form's approved reports."""

    scope_field = "form__unit"
    scope_write_roles = ORG_DEPARTMENT_ROLES  # declare, change, retire

    form = models.ForeignKey(
        "reporting.ReportForm", verbose_name=_("report form"), on_delete=models.PROTECT, related_name="+"
    )
    field_code = models.SlugField(_("field code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    # A percentage is never summed up the tree: the form's own count, people or yuan are.
    measure = models.CharField(
        _("unit of measure"),
        max_length=16,
        choices=[(m.value, m.label) for m in Measure if m != Measure.PERCENT],
        default=Measure.COUNT,
    )
    period_value = models.CharField(
        _("value of the year"), max_length=8, choices=PeriodValue.choices, default=PeriodValue.SUM
    )
    levels = models.CharField(_("shown at"), max_length=10, choices=ShownLevels.choices, default=ShownLevels.EVERY)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("form indicator")
        verbose_name_plural = _("form indicators")
        ordering = ["form", "pk"]

    def __str__(self):
        return self.name

    @property
    def key(self) -> str:
        return f"form:{self.pk}"

    @property
    def state_label(self):
        return _("In use") if self.is_active else _("Retired from the dashboards")
