"""Member development: the record of an applicant's way to full membership and its dated steps."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.permissions import APPROVE
from accounts.scoping import ScopedQuerySet

from .people import Person
from .roles import APPROVE_AS_COUNTY, CADRES_WRITE_ROLES, COUNTY_ROLES, STAFF_ONLY


class DevelopmentStage(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    ACTIVIST = "activist", _("Activist")
    TARGET = "target", _("Development target")
    PROBATIONARY = "probationary", _("Probationary member")
    FULL = "full", _("Full member")
    DISQUALIFIED = "disqualified", _("Disqualified")


STAGE_ORDER = [
    DevelopmentStage.APPLICANT,
    DevelopmentStage.ACTIVIST,
    DevelopmentStage.TARGET,
    DevelopmentStage.PROBATIONARY,
    DevelopmentStage.FULL,
]


class DevelopmentRecord(models.Model):
    """One person's way through member development (发展党员): applicant → activist → target → probationary → full."""

    scope_field = "unit"
    scope_write_roles = CADRES_WRITE_ROLES
    scope_actions = {
        APPROVE: STAFF_ONLY,  # the branch proposes a step, the township approves it
        APPROVE_AS_COUNTY: COUNTY_ROLES,  # the level a decision is recorded at (ApprovalLevel.COUNTY)
    }

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="development_records"
    )
    unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("party branch unit"),
        on_delete=models.PROTECT,
        related_name="development_records",
    )
    stage = models.CharField(
        _("stage"), max_length=16, choices=DevelopmentStage.choices, default=DevelopmentStage.APPLICANT
    )
    applied_on = models.DateField(_("applied on"))
    activist_on = models.DateField(_("activist since"), null=True, blank=True)
    target_on = models.DateField(_("development target since"), null=True, blank=True)
    admitted_on = models.DateField(_("admitted as probationary member on"), null=True, blank=True)
    full_on = models.DateField(_("became full member on"), null=True, blank=True)
    probation_extended_until = models.DateField(_("probation extended until"), null=True, blank=True)
    disqualified_on = models.DateField(_("disqualified on"), null=True, blank=True)
    disqualified_reason = models.CharField(_("reason for disqualification"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("development record")
        verbose_name_plural = _("development records")
        ordering = ["unit_id", "person__name", "id"]
        indexes = [models.Index(fields=["stage", "unit"]), models.Index(fields=["admitted_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=~models.Q(stage="disqualified"), name="one_open_development_per_person"
            ),
            models.CheckConstraint(
                condition=models.Q(activist_on__isnull=True) | models.Q(activist_on__gte=models.F("applied_on")),
                name="development_activist_after_application",
            ),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.get_stage_display()}"

    @property
    def pending_step(self):
        return next((s for s in self.steps.all() if s.status == StepStatus.PROPOSED), None)


class StepKind(models.TextChoices):
    ADVANCE = "advance", _("Advance to the next stage")
    EXTEND = "extend", _("Extend probation")
    DISQUALIFY = "disqualify", _("Disqualify")


class StepStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, awaiting approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Sent back")


class ApprovalLevel(models.TextChoices):
    BRANCH = "branch", _("Branch")
    TOWNSHIP = "township", _("Township party committee")
    COUNTY = "county", _("County organization department")


class DevelopmentStep(models.Model):
    """One dated step of a development record: proposed by the branch, approved (or sent back) above it."""

    scope_field = "record__unit"
    scope_write_roles = CADRES_WRITE_ROLES

    record = models.ForeignKey(
        DevelopmentRecord, verbose_name=_("development record"), on_delete=models.CASCADE, related_name="steps"
    )
    kind = models.CharField(_("step"), max_length=16, choices=StepKind.choices, default=StepKind.ADVANCE)
    to_stage = models.CharField(_("to stage"), max_length=16, choices=DevelopmentStage.choices)
    effective_on = models.DateField(_("effective date"))
    extended_until = models.DateField(_("extended until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=StepStatus.choices, default=StepStatus.PROPOSED)
    note = models.CharField(_("note"), max_length=200, blank=True)
    proposed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        "accounts.User", verbose_name=_("decided by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    level = models.CharField(_("approval level"), max_length=16, choices=ApprovalLevel.choices, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    return_reason = models.CharField(_("reason for sending back"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("development step")
        verbose_name_plural = _("development steps")
        ordering = ["record_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"], condition=models.Q(status="proposed"), name="one_pending_step_per_record"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="returned") | ~models.Q(return_reason=""), name="returned_step_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.record.person.name} → {self.get_to_stage_display()} ({self.get_status_display()})"
