"""Cadre posts and what hangs on them: elevated management, joint vetting, degree study, assessments."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.permissions import IMPORT
from accounts.scoping import ScopedQuerySet

from .people import EducationLevel, Person
from .roles import CADRES_IMPORT_ROLES, CADRES_WRITE_ROLES, STAFF_ONLY


class Committee(models.TextChoices):
    PARTY = "party", _("Village party organization committee")
    VILLAGERS = "villagers", _("Villagers' / residents' committee")
    WORK_TEAM = "work_team", _("Village work team")


class PostKind(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
    COMMITTEE_MEMBER = "member", _("Committee member")
    CHAIR = "chair", _("Chair of the villagers' committee")
    DEPUTY_CHAIR = "deputy_chair", _("Deputy chair")
    FIRST_SECRETARY = "first_secretary", _("First secretary")
    WORK_TEAM_MEMBER = "work_team_member", _("Work team member")


class CadrePost(models.Model):
    """A post a person holds in a unit's committees (村"两委") for a term; ended posts are the adjustment history."""

    scope_field = "unit"
    scope_write_roles = CADRES_WRITE_ROLES
    scope_actions = {IMPORT: CADRES_IMPORT_ROLES}

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="posts")
    unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("organization unit"),
        on_delete=models.PROTECT,
        related_name="cadre_posts",
    )
    committee = models.CharField(_("committee"), max_length=16, choices=Committee.choices, default=Committee.PARTY)
    post = models.CharField(_("post"), max_length=20, choices=PostKind.choices)
    is_one_shoulder = models.BooleanField(_("one shoulder (secretary also chairs the committee)"), default=False)
    is_dispatched = models.BooleanField(_("dispatched secretary"), default=False)
    term_start_year = models.PositiveSmallIntegerField(_("term starts (election year)"))
    term_end_year = models.PositiveSmallIntegerField(_("term ends"))
    started_on = models.DateField(_("in post since"))
    ended_on = models.DateField(_("left post on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for leaving"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("cadre post")
        verbose_name_plural = _("cadre posts")
        ordering = ["unit_id", "committee", "post", "id"]
        indexes = [models.Index(fields=["post", "unit"])]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=models.Q(post="secretary", ended_on__isnull=True),
                name="one_sitting_secretary_per_unit",
            ),
            models.CheckConstraint(
                condition=models.Q(term_end_year__gt=models.F("term_start_year")), name="post_term_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(is_one_shoulder=False) | models.Q(post="secretary"),
                name="one_shoulder_only_secretary",
            ),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.get_post_display()}"


class Direction(models.TextChoices):
    POSITIVE = "positive", _("Positive (promote the strong)")
    NEGATIVE = "negative", _("Negative (rectify the weak)")


class ElevatedManagement(models.Model):
    """Elevated management (提级管理) of a village secretary by the county: direction, reason, start, review."""

    scope_field = "post__unit"
    scope_write_roles = STAFF_ONLY

    post = models.ForeignKey(
        CadrePost, verbose_name=_("secretary post"), on_delete=models.PROTECT, related_name="elevations"
    )
    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices)
    reason = models.CharField(_("reason"), max_length=200)
    started_on = models.DateField(_("started on"))
    review_on = models.DateField(_("review date"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("elevated management")
        verbose_name_plural = _("elevated management")
        ordering = ["-started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_on__gt=models.F("started_on")), name="elevation_review_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.post} · {self.get_direction_display()}"


class VettingResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class JointVetting(models.Model):
    """Joint vetting and filing (联审备案) of a secretary candidate by the departments, then filed with the county."""

    scope_field = "unit"
    scope_write_roles = STAFF_ONLY

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="vettings")
    unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("organization unit"),
        on_delete=models.PROTECT,
        related_name="vettings",
    )
    post = models.CharField(_("post"), max_length=20, choices=PostKind.choices, default=PostKind.SECRETARY)
    vetted_on = models.DateField(_("vetted on"))
    departments = models.CharField(_("vetting departments"), max_length=200, blank=True)
    result = models.CharField(_("result"), max_length=16, choices=VettingResult.choices)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("joint vetting")
        verbose_name_plural = _("joint vettings")
        ordering = ["-vetted_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(result="passed") | models.Q(filed_on__isnull=True), name="only_passed_vetting_filed"
            ),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.vetted_on}"


class DegreeStudy(models.Model):
    """A cadre studying for a degree (学历能力"双提升"): school, level aimed at, enrolment and graduation."""

    scope_field = "unit"
    scope_write_roles = CADRES_WRITE_ROLES

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="studies")
    unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("organization unit"),
        on_delete=models.PROTECT,
        related_name="degree_studies",
    )
    school = models.CharField(_("school"), max_length=100)
    target_level = models.CharField(_("degree aimed at"), max_length=16, choices=EducationLevel.choices)
    enrolled_on = models.DateField(_("enrolled on"))
    graduated_on = models.DateField(_("graduated on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("degree study")
        verbose_name_plural = _("degree studies")
        ordering = ["-enrolled_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(graduated_on__isnull=True) | models.Q(graduated_on__gt=models.F("enrolled_on")),
                name="study_graduation_after_enrolment",
            ),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.school}"


class CapabilityAssessment(models.Model):
    """A secretary's yearly capability assessment score; the ranking (序位管理) is computed from the scores."""

    scope_field = "unit"
    scope_write_roles = STAFF_ONLY

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="assessments")
    unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("organization unit"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    comment = models.CharField(_("comment"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("capability assessment")
        verbose_name_plural = _("capability assessments")
        ordering = ["-year", "-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "unit", "year"], name="one_assessment_per_year"),
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=100), name="assessment_score_range"),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.year}"
