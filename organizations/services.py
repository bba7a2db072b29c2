"""Write use-cases of the organization tree. Each runs in one transaction and writes an audit entry."""

import logging
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, F, OuterRef, ProtectedError, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, LPad, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import CHANGE, can_at, require, require_at
from accounts.scoping import repath_cached
from core import audit, events, tombstones
from core.errors import Conflict, Invalid
from core.errors import ErrorCode as CoreCode
from core.logs import timed
from core.services import save_new, update_fields

from . import geo
from .errors import ErrorCode
from .models import (
    MAX_PATH,
    PATH_STEP,
    DemonstrationTitle,
    OrganizationUnit,
    PartyOrganization,
    PartyOrgStatus,
    PartyOrgType,
    UnitBoundary,
)

audit.ACTION_LABELS.update(
    {
        "unit.create": gettext_lazy("Unit created"),
        "unit.update": gettext_lazy("Unit changed"),
        "unit.move": gettext_lazy("Unit moved"),
        "unit.delete": gettext_lazy("Unit deleted"),
        "party_org.update": gettext_lazy("Party organization changed"),
        "demonstration_title.grant": gettext_lazy("Demonstration title granted"),
        "demonstration_title.update": gettext_lazy("Demonstration title changed"),
        "demonstration_title.revoke": gettext_lazy("Demonstration title revoked"),
    }
)

UNIT_FIELDS = ("name", "code", "kind", "sort_order", "is_active")
PARTY_ORG_FIELDS = ("name", "org_type", "founded_on", "status", "rectification_started_on", "rectified_on")

DEFAULT_PARTY_ORG_TYPE = {
    "province": PartyOrgType.COMMITTEE,
    "prefecture": PartyOrgType.COMMITTEE,
    "city": PartyOrgType.COMMITTEE,
    "district": PartyOrgType.COMMITTEE,
    "county": PartyOrgType.COMMITTEE,
    "township": PartyOrgType.COMMITTEE,
    "zone": PartyOrgType.WORKING_COMMITTEE,
    "street": PartyOrgType.WORKING_COMMITTEE,
    "village": PartyOrgType.GENERAL_BRANCH,
    "community": PartyOrgType.COMMITTEE,
    "grid": PartyOrgType.BRANCH,
    "building": PartyOrgType.GROUP,
    "new_economy": PartyOrgType.JOINT_BRANCH,
}


# Ids, codes, counts and timings only: never a person's data (core/logs.py).
logger = logging.getLogger(__name__)
# A subtree move or a bulk creation slower than this (seconds) is logged as a warning.
SLOW_SECONDS = 5.0


def _segment(pk: int) -> str:
    return f"{pk:010d}."


def _save_unique(unit: OrganizationUnit) -> None:
    """Save, turning a code taken by a concurrent transaction (after full_clean passed) into the usual message."""
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError as exc:
        logger.info("unit code %s taken by a concurrent transaction", unit.code)
        raise Invalid(
            _("An organization unit with this code already exists."), code=CoreCode.UNIQUE, field="code"
        ) from exc


def _outside():
    return _("You may not change units outside your jurisdiction.")


def _check_root_allowed(actor, parent):
    # A unit without a parent is "at" no unit: only a superuser (or the SYSTEM actor) may do anything there.
    if parent is None and not can_at(actor, CHANGE, OrganizationUnit, None):
        if actor is None:
            raise PermissionDenied(_outside())
        raise Invalid(
            _("Only a system administrator can create a top-level unit."), code=ErrorCode.TOP_LEVEL_UNIT, field="parent"
        )


@transaction.atomic
def unit_create(
    *,
    name: str,
    code: str,
    kind: str,
    parent: OrganizationUnit | None,
    actor,
    party_org_name: str = "",
    party_org_type: str = "",
    founded_on: date | None = None,
    sort_order: int = 0,
) -> OrganizationUnit:
    """Create a unit under `parent` (validated against the kind rules) together with its party organization."""
    _check_root_allowed(actor, parent)
    require_at(actor, CHANGE, OrganizationUnit, parent, _outside())
    if parent is not None:
        parent = OrganizationUnit.objects.select_for_update().get(pk=parent.pk)
    unit = OrganizationUnit(name=name, code=code, kind=kind, parent=parent, sort_order=sort_order)
    unit.full_clean()
    unit.depth = parent.depth + 1 if parent else 0
    if len(parent.path if parent else "") + PATH_STEP > MAX_PATH:
        raise Invalid(_("The tree is too deep here."), code=ErrorCode.TREE_TOO_DEEP, field="parent")
    _save_unique(unit)
    unit.path = (parent.path if parent else "") + _segment(unit.pk)
    unit.save(update_fields=["path", "updated_at"])
    party_org = PartyOrganization(
        unit=unit,
        name=party_org_name or _("%(unit)s Party Organization") % {"unit": name},
        org_type=party_org_type or DEFAULT_PARTY_ORG_TYPE.get(kind, PartyOrgType.BRANCH),
        founded_on=founded_on,
    )
    party_org.full_clean()
    party_org.save()
    audit.record(actor=actor, action="unit.create", obj=unit, unit=unit, changes={"parent": parent and parent.code})
    return unit


@transaction.atomic
def unit_update(*, unit: OrganizationUnit, actor, **fields) -> OrganizationUnit:
    """Change a unit's own fields (not its place in the tree: see `unit_move`)."""

    def guard(unit):
        require(actor, CHANGE, unit, _outside())
        if "kind" in fields and fields["kind"] != unit.kind and unit.children.exists():
            raise Conflict(
                _("The kind of a unit with children cannot be changed."), code=ErrorCode.UNIT_HAS_CHILDREN, field="kind"
            )

    unit, changes = update_fields(
        unit,
        actor=actor,
        fields=fields,
        allowed=UNIT_FIELDS,
        audit_action="unit.update",
        unit=lambda unit: unit,
        guard=guard,
        save=_save_unique,
    )
    if {"is_active", "kind"} & set(changes):
        # Whether a unit counts, and as what, changes the expected units and ratio denominators of every source.
        events.records_changed(source="organizations", unit_ids=[unit.pk], year=None)
    return unit


@transaction.atomic
def unit_move(*, unit: OrganizationUnit, new_parent: OrganizationUnit, actor) -> OrganizationUnit:
    """Move `unit` and its whole subtree under `new_parent`: one statement rewrites every descendant's path.

    Permissions follow automatically, because jurisdiction is computed from paths at query time.
    """
    if new_parent is None:
        raise Invalid(_("Choose the new parent unit."), code=CoreCode.REQUIRED, field="parent")
    # Lock the moving subtree and the new parent so a concurrent move cannot interleave.
    locked = list(OrganizationUnit.objects.select_for_update().filter(pk__in=[unit.pk, new_parent.pk]).order_by("pk"))
    unit = next(u for u in locked if u.pk == unit.pk)
    new_parent = next(u for u in locked if u.pk == new_parent.pk)
    # Both ends of the move must lie in the writer's scope.
    require_at(actor, CHANGE, OrganizationUnit, [unit, new_parent], _outside())
    if new_parent.path.startswith(unit.path):
        raise Invalid(
            _("A unit cannot be moved under itself or one of its descendants."),
            code=ErrorCode.MOVE_INTO_DESCENDANT,
            field="parent",
        )
    if new_parent.pk == unit.parent_id:
        return unit
    old_parent = unit.parent
    unit.parent = new_parent
    unit.full_clean()
    old_path, new_path = unit.path, new_parent.path + _segment(unit.pk)
    delta = new_parent.depth + 1 - unit.depth
    deepest = OrganizationUnit.objects.subtree(unit).order_by("-depth").values_list("depth", flat=True).first()
    if (deepest + delta + 1) * PATH_STEP > MAX_PATH:
        raise Invalid(_("The tree would become too deep."), code=ErrorCode.TREE_TOO_DEEP, field="parent")
    with timed(logger, "subtree move", warn_after=SLOW_SECONDS, unit=unit.pk, parent=new_parent.pk) as log:
        list(OrganizationUnit.objects.select_for_update().subtree(unit).values_list("pk", flat=True))
        log["units"] = OrganizationUnit.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + delta,
            updated_at=timezone.now(),
        )
        log["cached"] = repath_cached(old_path, new_path)
        log["moved"] = tombstones.record_moves(old_path, new_path)
    OrganizationUnit.objects.filter(pk=unit.pk).update(parent=new_parent, updated_at=timezone.now())
    unit.refresh_from_db()
    # Every figure of the old and the new ancestors changes: recompute both chains (all years) after commit.
    events.records_changed(source="organizations", unit_ids=[unit.pk, old_parent and old_parent.pk], year=None)
    events.emit(events.UNIT_MOVED, unit_id=unit.pk, data={"parent": new_parent.code})
    audit.record(
        actor=actor,
        action="unit.move",
        obj=unit,
        unit=unit,
        changes={"parent": [old_parent and old_parent.code, new_parent.code]},
    )
    return unit


@transaction.atomic
def unit_delete(*, unit: OrganizationUnit, actor) -> None:
    """Delete a leaf unit. A unit with children or records attached is refused with a reason."""
    unit = OrganizationUnit.objects.select_for_update().get(pk=unit.pk)
    require(actor, CHANGE, unit, _outside())
    if unit.parent_id is None and not can_at(actor, CHANGE, OrganizationUnit, None):
        raise Invalid(
            _("Only a system administrator can delete a top-level unit."), code=ErrorCode.TOP_LEVEL_UNIT, field="unit"
        )
    if unit.children.exists():
        raise Conflict(
            _("Move or delete this unit's child units first."), code=ErrorCode.UNIT_HAS_CHILDREN, field="unit"
        )
    audit.record(actor=actor, action="unit.delete", obj=unit, unit=unit.parent, changes={"code": unit.code})
    try:
        unit.delete()
    except ProtectedError as exc:
        logger.info("unit %s not deleted: records still attached", unit.pk)
        raise Conflict(
            _("This unit still has records attached and cannot be deleted."), code=ErrorCode.UNIT_IN_USE, field="unit"
        ) from exc


@transaction.atomic
def party_org_update(*, party_org: PartyOrganization, actor, **fields) -> PartyOrganization:
    """Change a party organization's name, type, founding date or status."""

    def check(party_org):
        if party_org.status == PartyOrgStatus.WEAK_AND_LAX and not party_org.rectification_started_on:
            raise Invalid(
                _("Give the date rectification started."),
                code=ErrorCode.RECTIFICATION_DATE_REQUIRED,
                field="rectification_started_on",
            )

    party_org, _changes = update_fields(
        party_org,
        actor=actor,
        fields=fields,
        allowed=PARTY_ORG_FIELDS,
        audit_action="party_org.update",
        related=("unit",),
        guard=lambda party_org: require(actor, CHANGE, party_org, _outside()),
        check=check,
    )
    events.records_changed(source="organizations", unit_ids=[party_org.unit_id])
    return party_org


@transaction.atomic
def demonstration_title_grant(*, party_org: PartyOrganization, year: int, title: str, actor) -> DemonstrationTitle:
    """Record that a party organization holds a demonstration title for a year."""
    require_at(actor, CHANGE, DemonstrationTitle, party_org.unit, _outside())
    item = DemonstrationTitle(party_org=party_org, year=year, title=title)
    save_new(item, actor=actor, audit_action="demonstration_title.grant", unit=party_org.unit)
    events.records_changed(source="organizations", unit_ids=[party_org.unit_id], year=year)
    return item


@transaction.atomic
def demonstration_title_update(*, title: DemonstrationTitle, actor, **fields) -> DemonstrationTitle:
    """Correct a title's year or kind (a title recorded in error is revoked instead)."""
    year_before = title.year
    title, _changes = update_fields(
        title,
        actor=actor,
        fields=fields,
        allowed=("year", "title"),
        audit_action="demonstration_title.update",
        unit=lambda title: title.party_org.unit,
        related=("party_org__unit",),
        guard=lambda title: require(actor, CHANGE, title, _outside()),
    )
    for year in {year_before, title.year}:
        events.records_changed(source="organizations", unit_ids=[title.party_org.unit_id], year=year)
    return title


@transaction.atomic
def demonstration_title_revoke(*, title: DemonstrationTitle, actor) -> None:
    """Withdraw a title (granted in error, or taken back): the row goes, the audit trail keeps what it was."""
    title = (
        DemonstrationTitle.objects.select_for_update(of=("self",)).select_related("party_org__unit").get(pk=title.pk)
    )
    require(actor, CHANGE, title, _outside())
    unit = title.party_org.unit
    audit.record(
        actor=actor,
        action="demonstration_title.revoke",
        obj=title,
        unit=unit,
        changes={"year": [title.year, None], "title": [title.title, None]},
    )
    title.delete()
    events.records_changed(source="organizations", unit_ids=[unit.pk], year=title.year)


@transaction.atomic
def units_bulk_create(*, rows: list[dict], actor) -> list[OrganizationUnit]:
    """Create many units at once (a township's sheet, a province's tree): the same kind rules and scope checks as
    `unit_create`, in a few statements per tree level instead of several per unit. All or nothing.

    Each row: name, code, kind, parent_code (an existing unit, or a row earlier in the list), optional
    party_org_name, party_org_type, sort_order.
    """
    with timed(logger, "bulk unit creation", warn_after=SLOW_SECONDS, rows=len(rows)):
        errors, known = _bulk_check_batch(rows, actor)
        pending = list(rows)
        created: list[OrganizationUnit] = []
        # One wave per tree level: the rows whose parent exists (or was created by the previous wave).
        while pending and not errors:
            wave, later = [], []
            for row in pending:
                parent_code = row.get("parent_code")
                (wave if not parent_code or parent_code in known else later).append(row)
            if not wave:
                for row in later:
                    errors.setdefault(row["code"], []).append(_("The parent unit does not exist."))
                break
            units = _bulk_wave_units(wave, known, actor, errors)
            if errors:
                break
            _bulk_store_wave(units, known)
            created.extend(units)
            pending = later
        if errors:
            raise ValidationError(
                {
                    "rows": [
                        ValidationError(f"{code}: {' '.join(messages)}", code=ErrorCode.INVALID_ROWS)
                        for code, messages in errors.items()
                    ]
                }
            )
        _bulk_party_orgs_and_audit(created, rows, actor)
    return created


def _bulk_check_batch(rows: list[dict], actor) -> tuple[dict[str, list[str]], dict[str, OrganizationUnit]]:
    """Errors by code (codes twice in the batch or already taken, parents outside the actor's scope) and the
    existing parent units by code."""
    errors: dict[str, list[str]] = {}
    codes = [row["code"] for row in rows]
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            errors.setdefault(code, []).append(_("This code appears twice in the batch."))
        seen.add(code)
    for code in OrganizationUnit.objects.filter(code__in=codes).values_list("code", flat=True):
        errors.setdefault(code, []).append(_("An organization unit with this code already exists."))
    parent_codes = {row.get("parent_code") for row in rows if row.get("parent_code")} - seen
    known = {unit.code: unit for unit in OrganizationUnit.objects.filter(code__in=parent_codes)}
    for code, unit in known.items():
        if not can_at(actor, CHANGE, OrganizationUnit, unit):
            errors.setdefault(code, []).append(_outside())
    return errors, known


def _bulk_wave_units(wave: list[dict], known: dict, actor, errors: dict) -> list[OrganizationUnit]:
    """The (unsaved, validated) units of one wave; a row's validation errors are added to `errors`."""
    units = []
    for row in wave:
        parent = known.get(row.get("parent_code"))
        if parent is None:
            _check_root_allowed(actor, None)
        unit = OrganizationUnit(
            name=row["name"],
            code=row["code"],
            kind=row["kind"],
            parent=parent,
            sort_order=row.get("sort_order", 0),
            depth=parent.depth + 1 if parent else 0,
        )
        try:
            # Per-row queries are skipped on purpose: codes and parents were checked for the batch above.
            unit.full_clean(exclude=["parent"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            errors.setdefault(row["code"], []).extend(exc.messages)
        units.append(unit)
    return units


def _bulk_store_wave(units: list[OrganizationUnit], known: dict) -> None:
    OrganizationUnit.objects.bulk_create(units)
    for unit in units:
        unit.path = (unit.parent.path if unit.parent else "") + _segment(unit.pk)
        known[unit.code] = unit
    # One UPDATE for the wave, the path computed by the database from the parent's (bulk_update's CASE per
    # row was most of the cost at province scale).
    parent_path = OrganizationUnit.objects.filter(pk=OuterRef("parent_id")).values("path")[:1]
    OrganizationUnit.objects.filter(pk__in=[unit.pk for unit in units]).update(
        path=Concat(
            Coalesce(Subquery(parent_path), Value("")),
            LPad(Cast("id", CharField()), 10, Value("0")),
            Value("."),
            output_field=CharField(),
        )
    )


def _bulk_party_orgs_and_audit(created: list[OrganizationUnit], rows: list[dict], actor) -> None:
    """Each new unit's party organization, and one audit row per unit (written in bulk)."""
    by_code = {row["code"]: row for row in rows}
    PartyOrganization.objects.bulk_create(
        PartyOrganization(
            unit=unit,
            name=by_code[unit.code].get("party_org_name") or _("%(unit)s Party Organization") % {"unit": unit.name},
            org_type=by_code[unit.code].get("party_org_type")
            or DEFAULT_PARTY_ORG_TYPE.get(unit.kind, PartyOrgType.BRANCH),
        )
        for unit in created
    )
    audit.AuditEntry.objects.bulk_create(
        audit.AuditEntry(
            actor=actor if getattr(actor, "pk", None) else None,
            action="unit.create",
            object_type=OrganizationUnit._meta.label_lower,
            object_id=str(unit.pk),
            object_repr=unit.name,
            unit=unit,
            changes={
                "parent": unit.parent.code if unit.parent else None,
                "bulk": True,
                **({"by": "system"} if getattr(actor, "is_system", False) else {}),
            },
        )
        for unit in created
    )


# --- boundaries ----------------------------------------------------------------------------------------------------

audit.ACTION_LABELS["boundary.import"] = gettext_lazy("Boundary imported")

BOUNDARY_MESSAGES = {
    "too_large": gettext_lazy("The file is larger than %(mb)s MB."),
    "not_json": gettext_lazy("The file is not JSON text: a GeoJSON file is JSON in UTF-8."),
    "not_geojson": gettext_lazy(
        "The file is not GeoJSON: give a FeatureCollection, a Feature, or a Polygon or MultiPolygon geometry."
    ),
    "no_features": gettext_lazy("The file holds no features."),
    "not_polygon": gettext_lazy("Only a Polygon or a MultiPolygon can be a unit's boundary."),
    "bad_coordinates": gettext_lazy(
        "The coordinates do not draw a polygon: each ring needs at least four [longitude, latitude] pairs."
    ),
    "out_of_range": gettext_lazy("Coordinates are longitude (−180 to 180) and latitude (−90 to 90) in degrees."),
    "too_detailed": gettext_lazy("The boundary has too many points (at most %(n)s)."),
}


def _bad_geojson(exc: geo.BadGeoJSON):
    message = BOUNDARY_MESSAGES[exc.reason] % {"mb": geo.MAX_BYTES // (1024 * 1024), "n": geo.MAX_POINTS}
    if exc.detail:
        message = _("“%(name)s”: %(message)s") % {"name": exc.detail, "message": message}
    return Invalid(message, code=ErrorCode.BAD_GEOJSON, field="file")


def _match_features(unit: OrganizationUnit, features: list[geo.Feature]) -> list[tuple[OrganizationUnit, object]]:
    """Each feature's unit: by division or unit code, else by a name only one unit under `unit` has. A lone feature
    that names no unit under `unit` is the outline of `unit` itself."""
    codes = {code for f in features for code in f.codes}
    names = {f.name for f in features if f.name}
    found = list(OrganizationUnit.objects.subtree(unit).filter(Q(code__in=codes) | Q(name__in=names)))
    by_code = {u.code: u for u in found}
    by_name: dict[str, list[OrganizationUnit]] = {}
    for u in found:
        by_name.setdefault(u.name, []).append(u)
    matched, unmatched = [], []
    for feature in features:
        target = next((by_code[c] for c in feature.codes if c in by_code), None)
        if target is None and len(by_name.get(feature.name, [])) == 1:
            target = by_name[feature.name][0]
        if target is None and len(features) == 1:
            target = unit
        if target is None:
            unmatched.append(feature.name or "?")
        else:
            matched.append((target, feature.geometry))
    if unmatched:
        raise Invalid(
            _("No unit under %(unit)s has the division code or the name of: %(names)s.")
            % {"unit": unit.name, "names": "、".join(unmatched[:10]) + ("…" if len(unmatched) > 10 else "")},
            code=ErrorCode.UNMATCHED_FEATURES,
            field="file",
        )
    return matched


@transaction.atomic
def boundaries_import(*, unit: OrganizationUnit, content: bytes, name: str, actor) -> list[UnitBoundary]:
    """Import outlines from a GeoJSON file for `unit` and the units under it (a county's file of its townships, or
    one outline). The file is read and checked whole before anything is written: one bad geometry refuses it."""
    require_at(actor, CHANGE, UnitBoundary, unit, _outside())
    try:
        features = geo.features(geo.read_json(content))
    except geo.BadGeoJSON as exc:
        raise _bad_geojson(exc) from exc
    matched = _match_features(unit, features)
    return boundaries_store(items=[(u, g, False) for u, g in matched], source=name[:200], actor=actor)


@transaction.atomic
def boundaries_store(*, items, source: str, actor) -> list[UnitBoundary]:
    """Write outlines: `items` are (unit, shapely geometry, generated), one upsert for all and one audit row per
    unit. The demo's generated outlines and an import both come here."""
    require_at(actor, CHANGE, UnitBoundary, [unit for unit, _g, _d in items], _outside())
    rows = []
    for unit, geometry, generated in items:
        min_lng, min_lat, max_lng, max_lat = geo.bbox(geometry)
        rows.append(
            UnitBoundary(
                unit=unit,
                geometry=geo.to_geojson(geometry),
                min_lng=min_lng,
                min_lat=min_lat,
                max_lng=max_lng,
                max_lat=max_lat,
                source=source,
                generated=generated,
            )
        )
    UnitBoundary.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["unit"],
        update_fields=["geometry", "min_lng", "min_lat", "max_lng", "max_lat", "source", "generated", "updated_at"],
        batch_size=500,
    )
    audit.record_many(
        actor=actor,
        action="boundary.import",
        items=[(row, row.unit, {"source": source, **({"generated": True} if row.generated else {})}) for row in rows],
    )
    return rows
