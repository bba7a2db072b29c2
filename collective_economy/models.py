"""Village collective economy (村级集体经济): yearly income reports with their review and versions, the projects
behind the income, threshold targets and the doubling plan as data, performance-linked reward schemes and the
rewards computed from them, and the project competition (擂台比武).

Amounts are yuan as `DecimalField(max_digits=14, decimal_places=2)`; code computes them with Decimal only.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.permissions import APPROVE, IMPORT
from accounts.roles import ORG_DEPARTMENT_ROLES, SECRETARY_ROLES, STAFF_ROLES, VILLAGE_ROLES
from accounts.scoping import ScopedQuerySet

CENT = Decimal("0.01")
MONEY = {"max_digits": 14, "decimal_places": 2}
YEAR_RANGE = Q(year__gte=2000, year__lte=2100)

# Who may write what: each model declares its actions (accounts.permissions.can); the role sets live in
# accounts.roles, these names are kept for readability.
VILLAGE_WRITE_ROLES = VILLAGE_ROLES
STAFF_WRITE_ROLES = STAFF_ROLES
CITY_WRITE_ROLES = ORG_DEPARTMENT_ROLES
# The actions of this app besides VIEW, CHANGE and APPROVE.
SUBMIT = "submit"  # a village secretary submits or edits the village's income report
COMPUTE = "compute"  # the organization department computes the villages' rewards


class DevelopmentModel(models.TextChoices):
    """The four development models 四型模式."""

    RESOURCE = "resource", _("Resource development")
    INDUSTRY = "industry", _("Industry-driven")
    COOPERATIVE = "cooperative", _("Cooperative development")
    ASSET = "asset", _("Asset operation")


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting review")
    RETURNED = "returned", _("Sent back")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded by a correction")


OPEN_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.RETURNED)
REPORT_EDIT_STATUSES = OPEN_STATUSES


class IncomeReport(models.Model):
    """One version of a village's collective income report for a year. Approved versions are locked; a correction
    is a new version, and exactly one approved (current) version exists per village and year."""

    scope_field = "village"
    # CHANGE: correct an approved report (the secretary's correction waits for review, staff's is approved at once).
    scope_write_roles = VILLAGE_WRITE_ROLES
    # The organization department approves as township staff do.
    # IMPORT: the township's income sheet (core.sheets), written as approved figures.
    scope_actions = {SUBMIT: SECRETARY_ROLES, APPROVE: STAFF_WRITE_ROLES, IMPORT: STAFF_WRITE_ROLES}

    village = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="income_reports",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED)
    total_income = models.DecimalField(_("total collective income (yuan)"), **MONEY)
    operating_income = models.DecimalField(_("operating income (yuan)"), **MONEY)
    income_sources = models.TextField(_("income sources"), blank=True)
    development_model = models.CharField(_("development model"), max_length=12, choices=DevelopmentModel.choices)
    assets = models.DecimalField(_("assets at year end (yuan)"), **MONEY, default=Decimal("0.00"))
    debt = models.DecimalField(_("debt at year end (yuan)"), **MONEY, default=Decimal("0.00"))
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    return_reason = models.TextField(_("reason for sending back"), blank=True)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("corrected version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("income report")
        verbose_name_plural = _("income reports")
        ordering = ["village__path", "-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["village", "year", "version"], name="uniq_income_report_version"),
            models.UniqueConstraint(
                fields=["village", "year"],
                condition=Q(status="approved"),
                name="uniq_current_approved_income_report",
                violation_error_message=_("This village already has an approved report for this year."),
            ),
            models.UniqueConstraint(
                fields=["village", "year"],
                condition=Q(status__in=["submitted", "returned"]),
                name="uniq_open_income_report",
                violation_error_message=_("This village already has a report for this year waiting for review."),
            ),
            models.CheckConstraint(condition=YEAR_RANGE, name="income_report_year_range"),
            models.CheckConstraint(condition=Q(total_income__gte=0), name="income_total_not_negative"),
            models.CheckConstraint(
                condition=Q(operating_income__gte=0, operating_income__lte=models.F("total_income")),
                name="income_operating_within_total",
            ),
            models.CheckConstraint(condition=Q(assets__gte=0, debt__gte=0), name="income_assets_debt_not_negative"),
        ]
        indexes = [models.Index(fields=["year", "status"], name="income_year_status")]

    def __str__(self):
        return _("%(village)s %(year)s income report v%(version)s") % {
            "village": self.village.name if self.village_id else "",
            "year": self.year,
            "version": self.version,
        }

    @property
    def is_locked(self) -> bool:
        return self.status in (ReportStatus.APPROVED, ReportStatus.SUPERSEDED)


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    BUILDING = "building", _("Under construction")
    OPERATING = "operating", _("Operating")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class Project(models.Model):
    """A project behind a village's collective income (a cooperative, a rented asset, a processing plant…)."""

    scope_field = "village"
    scope_write_roles = VILLAGE_WRITE_ROLES

    village = models.ForeignKey(
        "organizations.OrganizationUnit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("project name"), max_length=120)
    development_model = models.CharField(_("development model"), max_length=12, choices=DevelopmentModel.choices)
    investment = models.DecimalField(_("investment (yuan)"), **MONEY, default=Decimal("0.00"))
    partners = models.CharField(
        _("partners"), max_length=300, blank=True, help_text=_("Cooperatives, companies and others working with it.")
    )
    status = models.CharField(_("status"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED)
    start_year = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("collective economy project")
        verbose_name_plural = _("collective economy projects")
        ordering = ["village__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["village", "name"], name="uniq_project_name_per_village"),
            models.CheckConstraint(condition=Q(investment__gte=0), name="project_investment_not_negative"),
        ]

    def __str__(self):
        return self.name


class ThresholdTarget(models.Model):
    """A target share of villages whose income reaches `threshold` in a year, set for a scope (city or township).

    A township without its own target inherits the nearest one above it (the Jingzhou defaults set for the city)."""

    scope_field = "unit"
    scope_write_roles = STAFF_WRITE_ROLES

    unit = models.ForeignKey(
        "organizations.OrganizationUnit", verbose_name=_("scope"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    threshold = models.DecimalField(_("income threshold (yuan)"), **MONEY)
    target_share = models.DecimalField(
        _("target share (%)"), max_digits=5, decimal_places=2, help_text=_("Percentage of villages, e.g. 70.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("income threshold target")
        verbose_name_plural = _("income threshold targets")
        ordering = ["unit__path", "year", "threshold"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "threshold"], name="uniq_threshold_target"),
            models.CheckConstraint(condition=YEAR_RANGE, name="threshold_target_year_range"),
            models.CheckConstraint(condition=Q(threshold__gt=0), name="threshold_target_positive"),
            models.CheckConstraint(
                condition=Q(target_share__gte=0, target_share__lte=100), name="threshold_target_share_range"
            ),
        ]

    def __str__(self):
        return _("%(unit)s %(year)s: %(share)s%% of villages over %(threshold)s yuan") % {
            "unit": self.unit.name if self.unit_id else "",
            "year": self.year,
            "share": self.target_share,
            "threshold": self.threshold,
        }


class DoublingPlan(models.Model):
    """The doubling plan 倍增计划: each village's income in the target year should reach `multiple` × its base year."""

    scope_field = "unit"
    scope_write_roles = STAFF_WRITE_ROLES

    unit = models.ForeignKey(
        "organizations.OrganizationUnit", verbose_name=_("scope"), on_delete=models.PROTECT, related_name="+"
    )
    base_year = models.PositiveSmallIntegerField(_("base year"))
    target_year = models.PositiveSmallIntegerField(_("target year"))
    multiple = models.DecimalField(_("multiple"), max_digits=5, decimal_places=2, default=Decimal("2.00"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("doubling plan")
        verbose_name_plural = _("doubling plans")
        ordering = ["unit__path", "base_year"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "base_year"], name="uniq_doubling_plan"),
            models.CheckConstraint(condition=Q(target_year__gt=models.F("base_year")), name="doubling_plan_years"),
            models.CheckConstraint(condition=Q(multiple__gt=1), name="doubling_plan_multiple"),
        ]

    def __str__(self):
        return _("%(unit)s doubling plan %(base)s–%(target)s") % {
            "unit": self.unit.name if self.unit_id else "",
            "base": self.base_year,
            "target": self.target_year,
        }


class RewardScheme(models.Model):
    """The city's performance-linked reward scheme 经营性绩效奖励办法, in force from `effective_year` until a later
    scheme of the same unit takes over."""

    scope_field = "unit"
    scope_write_roles = CITY_WRITE_ROLES

    unit = models.ForeignKey(
        "organizations.OrganizationUnit", verbose_name=_("scope"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=120)
    effective_year = models.PositiveSmallIntegerField(_("effective from year"))
    village_cap = models.DecimalField(
        _("cap per village (yuan)"), **MONEY, null=True, blank=True, help_text=_("Empty: no cap over all rules.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reward scheme")
        verbose_name_plural = _("reward schemes")
        ordering = ["unit__path", "-effective_year"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "effective_year"], name="uniq_reward_scheme_year"),
            models.CheckConstraint(condition=Q(effective_year__gte=2000), name="reward_scheme_year_range"),
            models.CheckConstraint(
                condition=Q(village_cap__isnull=True) | Q(village_cap__gte=0), name="reward_scheme_cap"
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.effective_year}）"


class RewardRuleKind(models.TextChoices):
    THRESHOLD_CROSSING = "crossing", _("Crossing a threshold")
    GROWTH = "growth", _("Growth over the previous year")


class IncomeBasis(models.TextChoices):
    TOTAL = "total", _("Total collective income")
    OPERATING = "operating", _("Operating income")


class RewardRule(models.Model):
    """One rule of a reward scheme: a fixed amount for first reaching `threshold`, or `rate` of the growth over the
    previous year once it reaches `min_growth`; either capped at `cap`."""

    scope_field = "scheme__unit"
    scope_write_roles = CITY_WRITE_ROLES

    scheme = models.ForeignKey(
        RewardScheme, verbose_name=_("reward scheme"), on_delete=models.CASCADE, related_name="rules"
    )
    kind = models.CharField(_("rule kind"), max_length=12, choices=RewardRuleKind.choices)
    basis = models.CharField(_("income basis"), max_length=12, choices=IncomeBasis.choices, default=IncomeBasis.TOTAL)
    threshold = models.DecimalField(_("threshold (yuan)"), **MONEY, null=True, blank=True)
    amount = models.DecimalField(_("fixed reward (yuan)"), **MONEY, null=True, blank=True)
    rate = models.DecimalField(
        _("share of growth"), max_digits=6, decimal_places=4, null=True, blank=True, help_text=_("0.1000 = 10%")
    )
    min_growth = models.DecimalField(_("minimum growth (yuan)"), **MONEY, default=Decimal("0.00"))
    cap = models.DecimalField(_("cap (yuan)"), **MONEY, null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reward rule")
        verbose_name_plural = _("reward rules")
        ordering = ["scheme", "sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="crossing") | Q(threshold__gt=0, amount__gte=0),
                name="reward_rule_crossing_fields",
                violation_error_message=_("A threshold rule needs a threshold and a fixed reward."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="growth") | Q(rate__gt=0, rate__lte=1),
                name="reward_rule_growth_fields",
                violation_error_message=_("A growth rule needs a share of growth between 0 and 1."),
            ),
            models.CheckConstraint(condition=Q(cap__isnull=True) | Q(cap__gte=0), name="reward_rule_cap"),
            models.CheckConstraint(condition=Q(min_growth__gte=0), name="reward_rule_min_growth"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.sort_order}"


class VillageReward(models.Model):
    """The reward computed for a village for a year under a scheme, with the explanation of every step."""

    scope_field = "village"
    scope_write_roles = CITY_WRITE_ROLES
    scope_actions = {COMPUTE: CITY_WRITE_ROLES}

    village = models.ForeignKey(
        "organizations.OrganizationUnit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    scheme = models.ForeignKey(
        RewardScheme, verbose_name=_("reward scheme"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("reward (yuan)"), **MONEY)
    explanation = models.JSONField(_("how it was computed"), default=list)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("computed by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("village reward")
        verbose_name_plural = _("village rewards")
        ordering = ["village__path", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="uniq_village_reward_year"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="village_reward_positive"),
            models.CheckConstraint(condition=YEAR_RANGE, name="village_reward_year_range"),
        ]

    def __str__(self):
        return _("%(village)s %(year)s reward") % {
            "village": self.village.name if self.village_id else "",
            "year": self.year,
        }


class ProjectCompetition(models.Model):
    """A project competition 擂台比武 held by a city or township for a year: projects scored by reviewers, ranked."""

    scope_field = "unit"
    scope_write_roles = STAFF_WRITE_ROLES

    unit = models.ForeignKey(
        "organizations.OrganizationUnit", verbose_name=_("held by"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=120)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("project competition")
        verbose_name_plural = _("project competitions")
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "name"], name="uniq_project_competition"),
            models.CheckConstraint(condition=YEAR_RANGE, name="project_competition_year_range"),
        ]

    def __str__(self):
        return f"{self.year} {self.name}"


class ProjectScore(models.Model):
    """One reviewer's score (0–100) of a project in a competition."""

    scope_field = "project__village"
    scope_write_roles = STAFF_WRITE_ROLES

    competition = models.ForeignKey(
        ProjectCompetition, verbose_name=_("project competition"), on_delete=models.CASCADE, related_name="scores"
    )
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="scores")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    scored_at = models.DateTimeField(_("scored at"), auto_now=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("project score")
        verbose_name_plural = _("project scores")
        ordering = ["competition", "project", "reviewer"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "project", "reviewer"], name="uniq_project_score"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="project_score_range"),
        ]

    def __str__(self):
        return f"{self.project} · {self.score}"
