"""Woodpeckers: volunteers registered in a grid, pending until the grid confirms them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.permissions import IMPORT

from .common import TRIAGE_ROLES, GridScopedQuerySet


class WoodpeckerGroup(models.TextChoices):
    DELIVERY_RIDER = "delivery_rider", _("Delivery rider")
    COURIER = "courier", _("Courier")
    MEMBER_WITHOUT_POST = "member_without_post", _("Party member without post")
    IN_SERVICE_MEMBER = "in_service_member", _("In-service party member")
    RESIDENT = "resident", _("Resident")
    TWO_NEW_MEMBER = "two_new_member", _("Member of a two-new organization")


class WoodpeckerStatus(models.TextChoices):
    PENDING = "pending", _("Pending confirmation")
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Deactivated")


class Woodpecker(models.Model):
    """A volunteer registered to a grid who reports clues there (网格“啄木鸟”); a lead woodpecker (头鸟) has duties."""

    scope_field = "grid"
    scope_write_roles = TRIAGE_ROLES  # CHANGE: register on their behalf, confirm, deactivate, lead duties
    scope_actions = {IMPORT: TRIAGE_ROLES}  # import and export sheets of woodpeckers
    scope_owner_field = "user"

    person = models.OneToOneField(
        "cadres.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="woodpecker"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="woodpecker",
    )
    grid = models.ForeignKey(
        "organizations.OrganizationUnit", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="woodpeckers"
    )
    group = models.CharField(_("group"), max_length=32, choices=WoodpeckerGroup.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=WoodpeckerStatus.choices, default=WoodpeckerStatus.PENDING
    )
    is_lead = models.BooleanField(_("lead woodpecker"), default=False)
    lead_duties = models.TextField(_("lead duties"), blank=True)
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)
    deactivation_reason = models.CharField(_("deactivation reason"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("woodpecker")
        verbose_name_plural = _("woodpeckers")
        ordering = ["-registered_at", "id"]
        indexes = [models.Index(fields=["grid", "status"])]

    def __str__(self):
        return self.person.name if self.person_id else str(self.pk)
