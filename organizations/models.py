"""The organization tree: territorial units (province → prefecture → county-level city, district or county →
township/street → village/community → grid → building) and non-territorial ones (agencies, enterprises, two-new and
new-economy organizations, co-building units), each carrying its party organization.

Territorial units down to the village carry the national division code where they have one (2, 4, 6, 9 and 12
digits: docs/domain.md "Levels and codes"); `code_rule_error` checks it against the kind and the parent's code.

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
    PROVINCE = "province", _("Province")
    PREFECTURE = "prefecture", _("Prefecture-level city (autonomous prefecture)")
    CITY = "city", _("County-level city")
    DISTRICT = "district", _("District")
    COUNTY = "county", _("County")
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
ABOVE_COUNTY = (K.PROVINCE, K.PREFECTURE)
# The county level: a county-level city, a district, a county (神农架林区, a forestry district, is a county: see
# organizations/divisions.py).
COUNTY_LEVEL = (K.CITY, K.DISTRICT, K.COUNTY)
TOWNSHIP_LEVEL = (K.TOWNSHIP, K.STREET, K.DEVELOPMENT_ZONE)
VILLAGE_LEVEL = (K.VILLAGE, K.COMMUNITY)

# Which kinds each kind may sit under. An empty tuple means it is always a root.
ALLOWED_PARENTS: dict[str, tuple] = {
    K.PROVINCE: (),
    K.PREFECTURE: (K.PROVINCE,),
    # Under a prefecture, or directly under the province (Hubei's 仙桃, 潜江, 天门, 神农架).
    **{kind: (K.PREFECTURE, K.PROVINCE) for kind in COUNTY_LEVEL},
    K.TOWNSHIP: COUNTY_LEVEL,
    K.STREET: COUNTY_LEVEL,
    K.DEVELOPMENT_ZONE: COUNTY_LEVEL,
    K.VILLAGE: TOWNSHIP_LEVEL,
    K.COMMUNITY: TOWNSHIP_LEVEL,
    K.GRID: VILLAGE_LEVEL,
    K.BUILDING: (K.GRID,),
    K.AGENCY: (*ABOVE_COUNTY, *COUNTY_LEVEL),
    K.ENTERPRISE: (*COUNTY_LEVEL, *TOWNSHIP_LEVEL),
    K.TWO_NEW: (*COUNTY_LEVEL, *TOWNSHIP_LEVEL, K.COMMUNITY),
    K.NEW_ECONOMY: (*COUNTY_LEVEL, *TOWNSHIP_LEVEL),
    K.CO_BUILDING: (*COUNTY_LEVEL, *TOWNSHIP_LEVEL, K.COMMUNITY),
}
# Kinds that may also stand without a parent: a province, and a county that deploys the portal on its own.
ROOT_KINDS = (K.PROVINCE, *COUNTY_LEVEL)

# The national division code of each territorial level: its length in digits.
DIVISION_CODE_LENGTH: dict[str, int] = {
    K.PROVINCE: 2,
    K.PREFECTURE: 4,
    **{kind: 6 for kind in COUNTY_LEVEL},
    **{kind: 9 for kind in TOWNSHIP_LEVEL},
    **{kind: 12 for kind in VILLAGE_LEVEL},
}
# Levels above the county exist only with their division code; below, a local code (letters) is still accepted.
DIVISION_CODE_REQUIRED = ABOVE_COUNTY
# County-level units directly under their province: those coded xx90yy (省直辖县级行政区划: Hubei's 429004 仙桃市,
# 429005 潜江市, 429006 天门市, 429021 神农架林区) and every district and county of the four municipalities (直辖市),
# which have no prefecture level. Their four-digit grouping (4290, 1101 市辖区) is not a unit: no prefecture carries it.
PROVINCE_DIRECT = "90"
MUNICIPALITIES = ("11", "12", "31", "50")


def is_province_direct(code: str) -> bool:
    """Whether a division code (4 digits or more) lies in a grouping administered directly by the province."""
    return code[:2] in MUNICIPALITIES or code[2:4] == PROVINCE_DIRECT


unit_code_validator = RegexValidator(
    r"^(?:[0-9]{2}|[0-9]{4}|[0-9A-Z][0-9A-Z-]{5,31})$",
    _(
        "Use a national division code (2 or 4 digits above the county) or 6 to 32 characters: digits, capital "
        "letters and hyphens, starting with a digit or letter."
    ),
)


def is_division_code(code: str) -> bool:
    return bool(code) and code.isascii() and code.isdigit()


def kind_rule_error(kind: str, parent_kind: str | None):
    """The message for placing a unit of `kind` under `parent_kind`, or None when the rule allows it."""
    allowed = ALLOWED_PARENTS.get(kind)
    if allowed is None:
        return _("Unknown unit kind.")
    if parent_kind is None:
        if allowed and kind not in ROOT_KINDS:
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


def code_rule_error(kind: str, code: str, parent_kind: str | None, parent_code: str | None):
    """The message for a unit of `kind` with `code` under a parent of `parent_kind` and `parent_code`, or None.

    A code of digits only is a national division code: its length must be the kind's (2, 4, 6, 9, 12), and it must
    start with the parent's code when that is a division code too. A county-level unit directly under its province
    has the province-administered code xx90yy; a prefecture never does.
    """
    length = DIVISION_CODE_LENGTH.get(kind)
    if length is None or not code:
        return None
    label = UnitKind(kind).label
    if not is_division_code(code):
        if kind in DIVISION_CODE_REQUIRED:
            return _("A %(kind)s is identified by its national division code of %(n)s digits.") % {
                "kind": label,
                "n": length,
            }
        return None
    if len(code) != length:
        return _("The division code of a %(kind)s has %(n)s digits.") % {"kind": label, "n": length}
    if parent_code and is_division_code(parent_code) and not code.startswith(parent_code):
        return _("The division code must start with the parent unit's code %(code)s.") % {"code": parent_code}
    if kind == K.PREFECTURE and is_province_direct(code):
        return _("Code %(code)s groups the county-level units directly under the province; it is not a unit.") % {
            "code": code
        }
    if kind in COUNTY_LEVEL and parent_kind == K.PROVINCE and not is_province_direct(code):
        message = _("Directly under the province sit only the county-level units it administers (code %(prefix)s90…).")
        return message % {"prefix": code[:2]}
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
    """A node of the organization tree (a territory or a non-territorial organization)."""

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
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

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
            message = code_rule_error(self.kind, self.code, *((parent.kind, parent.code) if parent else (None, None)))
            if message:
                raise ValidationError({"code": ValidationError(message, code=ErrorCode.DIVISION_CODE)})
            if self.pk and parent and parent.path.startswith(self.path) and self.path:
                message = _("A unit cannot be moved under itself or one of its descendants.")
                raise ValidationError({"parent": ValidationError(message, code=ErrorCode.MOVE_INTO_DESCENDANT)})

    @property
    def is_territorial(self) -> bool:
        return self.kind in (*ABOVE_COUNTY, *COUNTY_LEVEL, *TOWNSHIP_LEVEL, *VILLAGE_LEVEL, K.GRID, K.BUILDING)


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


class UnitBoundary(models.Model):
    """A unit's outline: a GeoJSON Polygon or MultiPolygon (longitude, latitude), imported from a file
    (`services.boundaries_import`) or drawn for the demo. Kept beside the unit, not on it, so that the many queries
    that join a unit (a clue's grid, a member's branch) never carry its polygon along; the bounding box is kept in
    columns so that "which grid holds this point" reads a few candidates by index (`selectors.grid_at`)."""

    scope_field = "unit"
    scope_write_roles = STAFF_ROLES  # import an outline

    unit = models.OneToOneField(
        OrganizationUnit,
        verbose_name=_("organization unit"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="boundary",
    )
    geometry = models.JSONField(_("boundary"))
    min_lng = models.FloatField()
    min_lat = models.FloatField()
    max_lng = models.FloatField()
    max_lat = models.FloatField()
    source = models.CharField(_("source"), max_length=200, blank=True)
    generated = models.BooleanField(
        _("drawn for illustration"), default=False, help_text=_("Not a surveyed outline: drawn to show the map.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit boundary")
        verbose_name_plural = _("unit boundaries")
        indexes = [models.Index(fields=["min_lng", "max_lng", "min_lat", "max_lat"], name="boundary_bbox")]

    def __str__(self):
        return str(self.unit)
