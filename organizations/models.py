"""The organization tree: territorial units (city → township/street → village/community → grid → building) and
non-territorial ones (agencies, enterprises, two-new and new-economy organizations, co-building units), each
carrying its party organization.

The parent foreign key is the truth; `path` is a materialized path kept beside it ("0000000001.0000000042.") so
that "everything under X" is one indexed prefix query at any depth.
"""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from accounts.permissions import IMPORT
from accounts.roles import STAFF_ROLES
from accounts.scoping import ScopedQuerySet

from .errors import ErrorCode

PATH_STEP = 11  # ten digits and a dot per level
MAX_PATH = 255


class UnitKind(models.TextChoices):
    CITY = "city", _("City")
    TOWNSHIP = "township", _("Township")
    STREET = "street", _("Street")
    DEVELOPMENT_ZONE = "zone", _("Development zone")
    VILLAGE = "village", _("Village")
    COMMUNITY = "community", _("Community")
    GRID = "grid", _("Grid")
    BUILDING = "building", _("Building")
    AGENCY = "agency", _("Municipal agency")
    ENTERPRISE = "enterprise", _("Enterprise")
    TWO_NEW = "two_new", _("Two-new organization")
    NEW_ECONOMY = "new_economy", _("New-economy organization")
    CO_BUILDING = "co_building", _("Co-building unit")


K = UnitKind
TOWNSHIP_LEVEL = (K.TOWNSHIP, K.STREET, K.DEVELOPMENT_ZONE)
VILLAGE_LEVEL = (K.VILLAGE, K.COMMUNITY)

# Which kinds each kind may sit under. An empty tuple means it is a root.
ALLOWED_PARENTS: dict[str, tuple] = {
    K.CITY: (),
    K.TOWNSHIP: (K.CITY,),
    K.STREET: (K.CITY,),
    K.DEVELOPMENT_ZONE: (K.CITY,),
    K.VILLAGE: TOWNSHIP_LEVEL,
    K.COMMUNITY: TOWNSHIP_LEVEL,
    K.GRID: VILLAGE_LEVEL,
    K.BUILDING: (K.GRID,),
    K.AGENCY: (K.CITY,),
    K.ENTERPRISE: (K.CITY, *TOWNSHIP_LEVEL),
    K.TWO_NEW: (K.CITY, *TOWNSHIP_LEVEL, K.COMMUNITY),
    K.NEW_ECONOMY: (K.CITY, *TOWNSHIP_LEVEL),
    K.CO_BUILDING: (K.CITY, *TOWNSHIP_LEVEL, K.COMMUNITY),
}

unit_code_validator = RegexValidator(
    r"^[0-9A-Z][0-9A-Z-]{5,31}$",
    _("Use 6 to 32 characters: digits, capital letters and hyphens, starting with a digit or letter."),
)


def kind_rule_error(kind: str, parent_kind: str | None):
    """The message for placing a unit of `kind` under `parent_kind`, or None when the rule allows it."""
    allowed = ALLOWED_PARENTS.get(kind)
    if allowed is None:
        return _("Unknown unit kind.")
    if parent_kind is None:
        if allowed:
            return _("A %(kind)s must have a parent unit (one of: %(allowed)s).") % {
                "kind": UnitKind(kind).label,
                "allowed": "、".join(str(UnitKind(k).label) for k in allowed),
            }
        return None
    if not allowed:
        return _("A %(kind)s is a top-level unit and cannot have a parent.") % {"kind": UnitKind(kind).label}
    if parent_kind not in allowed:
        return _("A %(kind)s cannot be placed under a %(parent)s; allowed parents: %(allowed)s.") % {
            "kind": UnitKind(kind).label,
            "parent": UnitKind(parent_kind).label,
            "allowed": "、".join(str(UnitKind(k).label) for k in allowed),
        }
    return None


class OrganizationUnitQuerySet(ScopedQuerySet):
    def subtree(self, unit, *, include_self=True):
        """Every unit under `unit` at any depth: one prefix query on the indexed path."""
        qs = self.filter(path__startswith=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)

    def ancestors_of(self, unit, *, include_self=False):
        """The units above `unit`, root first: one query on the path's prefixes."""
        prefixes = [unit.path[: i * PATH_STEP] for i in range(1, unit.depth + (2 if include_self else 1))]
        return self.filter(path__in=prefixes).order_by(Length("path"))


class OrganizationUnit(models.Model):
    """A node of the county's organization tree (a territory or a non-territorial organization)."""

    scope_field = ""
    scope_write_roles = STAFF_ROLES  # create children, edit, move, delete (a top-level unit: superusers only)
    scope_actions = {IMPORT: STAFF_ROLES}  # a sheet of units (core.sheets)

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[unit_code_validator],
        help_text=_("The stable external code other government systems use."),
        error_messages={"unique": _("An organization unit with this code already exists.")},
    )
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=MAX_PATH, editable=False, default="", blank=True)
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrganizationUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization unit")
        verbose_name_plural = _("organization units")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["path"], name="orgunit_path_prefix", opclasses=["text_pattern_ops"]),
            models.Index(fields=["path"], name="orgunit_path"),
            models.Index(
                fields=["kind", "path"], name="orgunit_kind_path", opclasses=["text_pattern_ops", "text_pattern_ops"]
            ),
            models.Index(fields=["name"], name="orgunit_name"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.kind:
            parent = self.parent if self.parent_id else None
            message = kind_rule_error(self.kind, parent.kind if parent else None)
            if message:
                field = "parent" if parent or ALLOWED_PARENTS.get(self.kind) else "kind"
                raise ValidationError({field: ValidationError(message, code=ErrorCode.KIND_NOT_ALLOWED)})
            if self.pk and parent and parent.path.startswith(self.path) and self.path:
                message = _("A unit cannot be moved under itself or one of its descendants.")
                raise ValidationError({"parent": ValidationError(message, code=ErrorCode.MOVE_INTO_DESCENDANT)})

    @property
    def is_territorial(self) -> bool:
        return self.kind in (K.CITY, *TOWNSHIP_LEVEL, *VILLAGE_LEVEL, K.GRID, K.BUILDING)


class PartyOrgType(models.TextChoices):
    COMMITTEE = "committee", _("Party committee")
    WORKING_COMMITTEE = "working_committee", _("Party working committee")
    GENERAL_BRANCH = "general_branch", _("General party branch")
    BRANCH = "branch", _("Party branch")
    GROUP = "group", _("Party group")
    JOINT_BRANCH = "joint_branch", _("Joint party branch")


class PartyOrgStatus(models.TextChoices):
    NORMAL = "normal", _("Normal")
    WEAK_AND_LAX = "weak_and_lax", _("Weak and lax, under rectification")


class PartyOrganization(models.Model):
    """The party organization a unit carries: its type, name, founding date and status."""

    scope_field = "unit"
    scope_write_roles = STAFF_ROLES

    unit = models.OneToOneField(
        OrganizationUnit, verbose_name=_("organization unit"), on_delete=models.CASCADE, related_name="party_org"
    )
    name = models.CharField(_("party organization name"), max_length=150)
    org_type = models.CharField(_("party organization type"), max_length=24, choices=PartyOrgType.choices)
    founded_on = models.DateField(_("founding date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=PartyOrgStatus.choices, default=PartyOrgStatus.NORMAL)
    rectification_started_on = models.DateField(_("rectification started"), null=True, blank=True)
    rectified_on = models.DateField(_("rectification accepted"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("party organization")
        verbose_name_plural = _("party organizations")

    def __str__(self):
        return self.name


class DemonstrationTitleKind(models.TextChoices):
    COUNTY = "county", _("Demonstration county")
    TOWNSHIP = "township", _("Demonstration township")
    STREET = "street", _("Demonstration street")
    VILLAGE = "village", _("Demonstration village")
    COMMUNITY = "community", _("Demonstration community")
    SMART_PLATFORM = "smart_platform", _("Street with a smart-service platform")


class DemonstrationTitle(models.Model):
    """A title a party organization holds for a year (示范村 2023, …)."""

    scope_field = "party_org__unit"
    scope_write_roles = STAFF_ROLES  # grant

    party_org = models.ForeignKey(
        PartyOrganization, verbose_name=_("party organization"), on_delete=models.CASCADE, related_name="titles"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=24, choices=DemonstrationTitleKind.choices)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("demonstration title")
        verbose_name_plural = _("demonstration titles")
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(fields=["party_org", "year", "title"], name="uniq_demonstration_title"),
            models.CheckConstraint(condition=models.Q(year__gte=1921, year__lte=2100), name="demonstration_year_range"),
        ]

    def __str__(self):
        return f"{self.year} {self.get_title_display()}"
