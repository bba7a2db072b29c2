"""Reserve cadres and the steps of their pipeline."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.permissions import APPROVE, IMPORT
from accounts.scoping import ScopedQuerySet

from .people import Person
from .roles import CADRES_IMPORT_ROLES, CADRES_WRITE_ROLES, STAFF_ONLY


class ReservePost(models.TextChoices):
    SECRETARY = "secretary", _("Village secretary")
    OTHER = "other", _("Other committee post")


class Nomination(models.TextChoices):
    SELF = "self", _("Self-nominated")
    RECOMMENDED = "recommended", _("Recommended")
    OPEN = "open", _("Open recruitment")


class ReserveStage(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    REVIEWED = "reviewed", _("Qualification reviewed")
    INSPECTED = "inspected", _("Inspected")
    IN_RESERVE = "in_reserve", _("In reserve")
    TRAINED = "trained", _("Trained")
    APPOINTED = "appointed", _("Appointed")
    DROPPED = "dropped", _("Dropped")


RESERVE_ORDER = [
    ReserveStage.NOMINATED,
    ReserveStage.REVIEWED,
    ReserveStage.INSPECTED,
    ReserveStage.IN_RESERVE,
    ReserveStage.TRAINED,
    ReserveStage.APPOINTED,
]
# Reserves that count as held in reserve for a village (the under-30 rule, the yearly figures).
ACTIVE_RESERVE_STAGES = (ReserveStage.IN_RESERVE, ReserveStage.TRAINED)


class ReserveCadre(models.Model):
    """A reserve cadre (后备干部) of a village: how nominated, which post reserved for, where in the pipeline."""

    scope_field = "unit"
    scope_write_roles = CADRES_WRITE_ROLES
    # Review, inspection and appointment are decisions of the township ("township manages").
    scope_actions = {APPROVE: STAFF_ONLY, IMPORT: CADRES_IMPORT_ROLES}

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="reserves")
    unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("organization unit"),
        on_delete=models.PROTECT,
        related_name="reserve_cadres",
    )
    post_for = models.CharField(_("reserve for"), max_length=16, choices=ReservePost.choices)
    nomination = models.CharField(_("nominated by"), max_length=16, choices=Nomination.choices)
    stage = models.CharField(_("stage"), max_length=16, choices=ReserveStage.choices, default=ReserveStage.NOMINATED)
    nominated_on = models.DateField(_("nominated on"))
    stage_on = models.DateField(_("stage reached on"))
    dropped_reason = models.CharField(_("reason for dropping"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reserve cadre")
        verbose_name_plural = _("reserve cadres")
        ordering = ["unit_id", "person__name", "id"]
        indexes = [models.Index(fields=["stage", "unit"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "unit", "post_for"],
                condition=~models.Q(stage__in=["dropped", "appointed"]),
                name="one_open_reserve_per_person_post",
            ),
            models.CheckConstraint(
                condition=~models.Q(stage="dropped") | ~models.Q(dropped_reason=""), name="dropped_reserve_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.get_post_for_display()}"


class ReserveStep(models.Model):
    """One step of a reserve cadre's pipeline, kept as history: from which stage to which, when, by whom, why."""

    scope_field = "reserve__unit"
    scope_write_roles = CADRES_WRITE_ROLES

    reserve = models.ForeignKey(
        ReserveCadre, verbose_name=_("reserve cadre"), on_delete=models.CASCADE, related_name="steps"
    )
    from_stage = models.CharField(_("from stage"), max_length=16, choices=ReserveStage.choices, blank=True)
    to_stage = models.CharField(_("to stage"), max_length=16, choices=ReserveStage.choices)
    on = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    actor = models.ForeignKey(
        "accounts.User", verbose_name=_("actor"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reserve step")
        verbose_name_plural = _("reserve steps")
        ordering = ["reserve_id", "on", "id"]

    def __str__(self):
        return f"{self.reserve} → {self.get_to_stage_display()}"
