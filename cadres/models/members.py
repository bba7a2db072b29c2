"""Party members and the transfers of their organization relationship."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.permissions import IMPORT
from accounts.scoping import CachedScopePathMixin, ScopedQuerySet

from .people import Person
from .roles import CADRES_IMPORT_ROLES, CADRES_WRITE_ROLES


class MemberStatus(models.TextChoices):
    FULL = "full", _("Full member")
    PROBATIONARY = "probationary", _("Probationary member")


class PartyMember(CachedScopePathMixin, models.Model):
    """A party member (党员) of a branch: full or probationary, with floating, double-report and household facts.

    Visible from the member's own unit and, for a floating member, from the organization that manages them now
    (possibly in another county), which sees only what the list and detail show (masked personal data).
    """

    scope_field = ("unit", "floating_managing_unit")
    # Scoped lists use this table's own path indexes (accounts.scoping): the two sides are OR-ed on one table.
    scope_path_cache = {"unit": "unit_path", "floating_managing_unit": "floating_path"}
    scope_write_roles = CADRES_WRITE_ROLES  # the services ask at the home unit (require_at): see services.py
    scope_actions = {IMPORT: CADRES_IMPORT_ROLES}

    person = models.OneToOneField(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="party_member"
    )
    unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("party branch unit"),
        on_delete=models.PROTECT,
        related_name="party_members",
    )
    unit_path = models.CharField(max_length=255, editable=False, blank=True, default="")
    status = models.CharField(_("membership status"), max_length=16, choices=MemberStatus.choices)
    joined_on = models.DateField(_("joining date"), help_text=_("The political birthday is its anniversary."))
    full_on = models.DateField(_("became full member on"), null=True, blank=True)
    is_floating = models.BooleanField(_("floating member"), default=False)
    floating_location = models.CharField(_("where the member is now"), max_length=100, blank=True)
    floating_managing_unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("managing organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_floating_members",
        help_text=_("The organization that manages the floating member now; it may lie in another county."),
    )
    floating_path = models.CharField(max_length=255, editable=False, blank=True, default="")
    is_in_service = models.BooleanField(_("in-service member"), default=False)
    report_community = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("double-report community"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reporting_members",
    )
    without_post = models.BooleanField(_("member without post"), default=False)
    is_household = models.BooleanField(_("member household"), default=False)
    household_building = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("household building"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="member_households",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["unit_id", "person__name", "id"]
        indexes = [
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["joined_on"]),
            models.Index(fields=["unit_path"], name="member_unit_path", opclasses=["text_pattern_ops"]),
            models.Index(fields=["floating_path"], name="member_floating_path", opclasses=["text_pattern_ops"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_floating=True) | models.Q(floating_managing_unit__isnull=True),
                name="member_managing_unit_only_floating",
            ),
        ]

    def __str__(self):
        return self.person.name


class TransferStatus(models.TextChoices):
    OUT = "out", _("Transferred out")
    IN = "in", _("Arrived, awaiting receipt")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


class MemberTransfer(models.Model):
    """Transfer of a member's organization relationship (组织关系转接): out → in → received.

    Both sides see the transfer itself (name, masked ID, units, dates) and nothing else of the other side.
    """

    scope_field = ("from_unit", "to_unit")
    scope_write_roles = CADRES_WRITE_ROLES

    member = models.ForeignKey(
        PartyMember, verbose_name=_("party member"), on_delete=models.CASCADE, related_name="transfers"
    )
    from_unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("from unit"),
        on_delete=models.PROTECT,
        related_name="transfers_out",
    )
    to_unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("to unit"),
        on_delete=models.PROTECT,
        related_name="transfers_in",
    )
    status = models.CharField(_("status"), max_length=16, choices=TransferStatus.choices, default=TransferStatus.OUT)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    out_on = models.DateField(_("transferred out on"))
    in_on = models.DateField(_("arrived on"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("created by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization relationship transfer")
        verbose_name_plural = _("organization relationship transfers")
        ordering = ["-out_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=models.Q(status__in=["out", "in"]), name="one_open_transfer_per_member"
            ),
            models.CheckConstraint(condition=~models.Q(from_unit=models.F("to_unit")), name="transfer_units_differ"),
        ]

    def __str__(self):
        return f"{self.member} · {self.from_unit} → {self.to_unit}"
