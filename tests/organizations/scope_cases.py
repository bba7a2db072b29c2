import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from shapely.geometry import box

from accounts.permissions import CHANGE, SYSTEM, VIEW
from organizations.models import DemonstrationTitle, OrganizationUnit, PartyOrganization, UnitBoundary, UnitKind
from organizations.services import boundaries_store, demonstration_title_grant
from tests.factories import unit
from tests.scope import Act, ScopeCase


def move_body(county, grid):
    """Move the grid under a new village beside its own (same township: the matrix's answer for the grid holds)."""
    village = grid.parent
    return {"parent_code": unit(f"{village.name}迁入", village.kind, village.parent).code}


def move_form(county, grid):
    """The move page's form: the same new parent as `move_body`, by primary key."""
    return {"parent": OrganizationUnit.objects.get(code=move_body(county, grid)["parent_code"]).pk}


CASES = [
    ScopeCase(
        name="organization_unit",
        model=OrganizationUnit,
        make=lambda county, users, parent: unit("范围测试网格", UnitKind.GRID, parent),
        ui_list=lambda: reverse("organizations:browser") + "?q=T",
        ui_detail=lambda obj: reverse("organizations:unit_detail", args=[obj.pk]),
        ui_update=lambda obj: reverse("organizations:unit_edit", args=[obj.pk]),
        ui_update_data={"name": "改名", "code": "CHANGED01", "kind": "grid"},
        ui_delete=lambda obj: reverse("organizations:unit_delete", args=[obj.pk]),
        api_list="/api/v1/organizations/units/",
        api_update_data={"name": "改名"},
        api_create_body=lambda county, parent: {
            "name": "新网格",
            "code": f"NEW-{parent.code}",
            "kind": "grid",
            "parent_code": parent.code,
        },
        api_actions=(
            Act("children", VIEW, method="get"),
            Act("ancestors", VIEW, method="get"),
            Act("move", CHANGE, move_body),
        ),
        ui_actions=(
            Act("page move", CHANGE, move_form, url=lambda obj: reverse("organizations:unit_move", args=[obj.pk])),
        ),
        marker=lambda obj: obj.code,
    ),
    ScopeCase(
        name="party_organization",
        model=PartyOrganization,
        make=lambda county, users, parent: unit("党组织范围测试", UnitKind.GRID, parent).party_org,
        ui_update=lambda obj: reverse("organizations:party_org_edit", args=[obj.unit_id]),
        ui_update_data={"name": "改名", "org_type": "branch", "status": "normal"},
    ),
]


def make_title(county, users, unit):
    return demonstration_title_grant(party_org=unit.party_org, year=2024, title="village", actor=SYSTEM)


# Titles are kept on their own pages (granted, corrected, revoked) and shown inline in the party organization's admin.
CASES.append(
    ScopeCase(
        name="demonstration_title",
        model=DemonstrationTitle,
        make=make_title,
        admin=False,
        ui_list=lambda: reverse("organizations:title_list"),
        ui_update=lambda obj: reverse("organizations:title_edit", args=[obj.pk]),
        ui_update_data={"year": 2023, "title": "village"},
        ui_delete=lambda obj: reverse("organizations:title_revoke", args=[obj.pk]),
        marker=lambda title: title.party_org.unit.name,  # the builder's titles read alike ("2024 示范村")
    )
)


def make_boundary(county, users, parent):
    """An outline of a new grid under `parent` (each unit has one outline: a fresh grid per object)."""
    grid = unit("边界范围测试网格", UnitKind.GRID, parent)
    return boundaries_store(items=[(grid, box(112.3, 29.7, 112.31, 29.71), False)], source="test", actor=SYSTEM)[0]


def boundary_file(county, boundary):
    outline = {"type": "Polygon", "coordinates": [[[1, 2], [1.1, 2], [1.1, 2.1], [1, 2.1], [1, 2]]]}
    return {"file": SimpleUploadedFile("b.geojson", json.dumps(outline).encode(), "application/geo+json")}


# An outline is drawn on its unit's map (VIEW, the data endpoint) and imported on its unit's page (CHANGE).
CASES.append(
    ScopeCase(
        name="unit_boundary",
        model=UnitBoundary,
        make=make_boundary,
        ui_detail=lambda obj: reverse("grid_woodpecker:unit_map_data", args=[obj.unit_id]),
        ui_actions=(
            Act(
                "page boundary import",
                CHANGE,
                boundary_file,
                url=lambda obj: reverse("organizations:boundary_import", args=[obj.unit_id]),
            ),
        ),
        admin=False,
        marker=lambda obj: str(obj.unit_id),
    )
)
