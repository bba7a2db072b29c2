"""The province generator: the real Hubei tree and, generated beneath it, the records of a province, loaded with
PostgreSQL COPY into the portal's own tables.

At `province` scale: 28,651 division units and ~150,000 grids with their party organizations; ~4,000,000 party
members (people) with development records; cadre posts and reserves; training sessions and attendances; ~100,000
woodpeckers with ~1,000,000 clues over three years and their histories; three years of approved income for every
village. `prefecture` and `county` are the same per village, on Jingzhou's and Shishou's villages only.

Usage (Django set up by bench/run.py or by `python bench/generate.py --scale county`, DATABASE_URL naming a migrated
PostgreSQL database): `generate(scale, dist)` returns the counts per table and the seconds taken.
"""

import io
import random
import time
import uuid
from datetime import UTC as TZ
from datetime import date, datetime, timedelta

import divisions
from django.db import connection

YEARS = (2023, 2024, 2025)
NOW = datetime(2026, 1, 15, 9, 0, tzinfo=TZ)
CHUNK = 200_000
# Per village: members, grids, woodpeckers, clues — province totals ≈ 4.0M, 150k, 100k, 1.0M over 27,057 villages.
MEMBERS = (100, 196)
GRIDS = (4, 7)
WOODPECKERS = (3, 4)
CLUES = (30, 44)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国红梅文斌志"
CLUE_STEPS = ("submitted", "accepted", "dispatched", "in_progress", "resolved", "closed")


def ts(value) -> str:
    return value.isoformat()


def person_code(number: int) -> str:
    """A person's stable code (cadres.models.people): "P" and 8 characters of its alphabet, here the row's id in
    base 31, so that every generated person has a distinct one."""
    from cadres.models.people import PERSON_CODE_ALPHABET as ALPHABET

    digits = []
    for _position in range(8):
        number, rest = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[rest])
    return "P" + "".join(reversed(digits))


class Copier:
    """Rows of one table written by COPY in chunks; ids handed out from the table's current maximum."""

    def __init__(self, table: str, columns: tuple[str, ...]):
        self.table, self.columns = table, columns
        self.buffer, self.pending, self.count = io.StringIO(), 0, 0
        with connection.cursor() as cur:
            cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            self.next_id = cur.fetchone()[0] + 1

    def add(self, *values) -> int:
        row_id = self.next_id
        self.next_id += 1
        self.buffer.write(
            "\t".join(
                [str(row_id)]
                + ["\\N" if v is None else ("t" if v is True else "f" if v is False else str(v)) for v in values]
            )
        )
        self.buffer.write("\n")
        self.pending += 1
        if self.pending >= CHUNK:
            self.flush()
        return row_id

    def flush(self):
        if not self.pending:
            return
        self.buffer.seek(0)
        with connection.cursor() as cur:
            cur.cursor.copy_expert(f"COPY {self.table} (id, {', '.join(self.columns)}) FROM STDIN", self.buffer)
        self.count += self.pending
        self.buffer, self.pending = io.StringIO(), 0

    def finish(self):
        self.flush()
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{self.table}', 'id'), GREATEST(MAX(id), 1)) FROM {self.table}"
            )
        return self.count


def tables() -> dict[str, Copier]:
    spec = {
        "unit": (
            "organizations_organizationunit",
            "name code kind parent_id path depth sort_order is_active created_at updated_at",
        ),
        "party_org": ("organizations_partyorganization", "name org_type founded_on status unit_id"),
        "person": (
            "cadres_person",
            "name gender birth_date id_number_encrypted id_number_hash id_number_masked mobile_encrypted mobile_hash "
            "mobile_masked education employment_type created_at updated_at unit_id unit_path code",
        ),
        "member": (
            "cadres_partymember",
            "status joined_on full_on is_floating floating_location is_in_service without_post is_household created_at "
            "updated_at floating_managing_unit_id person_id unit_id unit_path floating_path",
        ),
        "development": (
            "cadres_developmentrecord",
            "stage applied_on activist_on target_on admitted_on full_on disqualified_reason created_at updated_at "
            "person_id unit_id",
        ),
        "post": (
            "cadres_cadrepost",
            "committee post is_one_shoulder is_dispatched term_start_year term_end_year started_on end_reason "
            "created_at person_id unit_id",
        ),
        "reserve": (
            "cadres_reservecadre",
            "post_for nomination stage nominated_on stage_on dropped_reason created_at person_id unit_id",
        ),
        "session": ("cadres_trainingsession", "topic level starts_on ends_on created_at organizer_id"),
        "attendance": ("cadres_trainingattendance", "created_at person_id session_id"),
        "woodpecker": (
            "grid_woodpecker_woodpecker",
            '"group" status is_lead lead_duties registered_at confirmed_at deactivation_reason grid_id person_id',
        ),
        "clue": (
            "grid_woodpecker_clue",
            "public_id address description source status reject_reason handler_kind deadline flag resolution rating "
            "rating_reason found_false submitted_at accepted_at resolved_at rated_at closed_at updated_at grid_id "
            "submitted_by_id category_id reporter_id grid_path",
        ),
        "event": ("grid_woodpecker_clueevent", "kind from_status to_status note created_at actor_id clue_id"),
        "income": (
            "collective_economy_incomereport",
            "year version status total_income operating_income income_sources development_model assets debt "
            "correction_reason return_reason submitted_at reviewed_at reviewed_by_id submitted_by_id village_id",
        ),
    }
    return {key: Copier(table, tuple(columns.split())) for key, (table, columns) in spec.items()}


class Generator:
    def __init__(self, tree: "divisions.Tree", user_id: int, seed: int = 11):
        from core import crypto

        self.tree, self.user_id, self.rng = tree, user_id, random.Random(seed)
        self.t = tables()
        self.cipher = crypto.encrypt("420000000000000000")
        self.search_hash = crypto.search_hash
        self.now = ts(NOW)

    def name(self) -> str:
        rng = self.rng
        return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")

    def person(self, unit, born: date, employment: str = "farmer") -> int:
        number = f"42{self.t['person'].next_id:015d}X"
        gender = "M" if self.rng.random() < 0.7 else "F"
        return self.t["person"].add(
            self.name(),
            gender,
            born,
            self.cipher,
            self.search_hash(number),
            number[0] + "*" * 16 + number[-1],
            "",
            "",
            "",
            self.rng.choice(("junior", "senior", "college", "bachelor")),
            employment,
            self.now,
            self.now,
            unit.id,
            unit.path,
            person_code(self.t["person"].next_id),
        )

    def units(self):
        """The division units, then ~5.5 grids a village, and a party organization for every unit."""
        for unit in self.tree.units:
            parent = unit.parent.id if unit.parent else None
            self.t["unit"].next_id = unit.id
            self.t["unit"].add(
                unit.name, unit.code, unit.kind, parent, unit.path, unit.depth, 0, True, self.now, self.now
            )
        grid_parent = self.tree.next_id
        self.grids = {}
        for village in self.tree.of_kind("village", "community"):
            grids = []
            for n in range(self.rng.randint(*GRIDS)):
                grid = divisions.Unit(grid_parent, f"{village.code}G{n + 1:02d}", f"第{n + 1}网格", "grid", village)
                grid_parent += 1
                grid.path, grid.depth = village.path + f"{grid.id:010d}.", village.depth + 1
                self.t["unit"].next_id = grid.id
                self.t["unit"].add(
                    grid.name, grid.code, "grid", village.id, grid.path, grid.depth, 0, True, self.now, self.now
                )
                grids.append(grid)
            self.grids[village.id] = grids
        for unit in [*self.tree.units, *(g for gs in self.grids.values() for g in gs)]:
            org_type = {"grid": "group", "village": "branch", "community": "branch"}.get(unit.kind, "committee")
            suffix = {"group": "党小组", "branch": "党支部"}.get(org_type, "党委")
            self.t["party_org"].add(unit.name + suffix, org_type, None, "normal", unit.id)

    def members(self, village, county_villages):
        """Members of the village's branch (and its grids'), their people, development records for the newest."""
        rng, grids = self.rng, self.grids[village.id]
        persons = []
        for _ in range(rng.randint(*MEMBERS)):
            unit = village if rng.random() < 0.85 else rng.choice(grids)
            born = date(rng.randint(1940, 2000), rng.randint(1, 12), rng.randint(1, 28))
            person = self.person(unit, born)
            joined = date(max(born.year + 19, rng.randint(1965, 2025)), rng.randint(1, 12), rng.randint(1, 28))
            probationary = joined > date(2025, 1, 15)
            full_on = None if probationary else date(joined.year + 1, joined.month, joined.day)
            floating = rng.random() < 0.03
            manager = rng.choice(county_villages) if floating else None
            self.t["member"].add(
                "probationary" if probationary else "full",
                joined,
                full_on,
                floating,
                "武汉" if floating else "",
                rng.random() < 0.05,
                rng.random() < 0.1,
                rng.random() < 0.2,
                self.now,
                self.now,
                manager.id if manager else None,
                person,
                unit.id,
                unit.path,
                manager.path if manager else "",
            )
            if joined.year >= YEARS[0]:
                applied = date(joined.year - 2, joined.month, joined.day)
                self.t["development"].add(
                    "probationary" if probationary else "full",
                    applied,
                    applied + timedelta(days=180),
                    applied + timedelta(days=540),
                    joined,
                    full_on,
                    "",
                    self.now,
                    self.now,
                    person,
                    unit.id,
                )
            persons.append(person)
        for stage in ("applicant", "activist", "target"):
            applied = date(2025, rng.randint(1, 12), rng.randint(1, 28)) - timedelta(days=400)
            person = self.person(village, date(rng.randint(1985, 2003), 5, 1))
            activist = applied + timedelta(days=200) if stage != "applicant" else None
            target = applied + timedelta(days=380) if stage == "target" else None
            self.t["development"].add(
                stage, applied, activist, target, None, None, "", self.now, self.now, person, village.id
            )
        return persons

    def cadres(self, village, persons):
        rng = self.rng
        for index, post in enumerate(("secretary", "deputy_secretary", "member", "member", "member")):
            self.t["post"].add(
                "party",
                post,
                post == "secretary" and rng.random() < 0.8,
                False,
                2021,
                2026,
                date(2021, 10, 15),
                "",
                self.now,
                persons[index],
                village.id,
            )
        for person in persons[5:7]:
            self.t["reserve"].add(
                "secretary",
                "recommended",
                "in_reserve",
                date(2024, 3, 1),
                date(2024, 6, 1),
                "",
                self.now,
                person,
                village.id,
            )

    def training(self, county, persons_by_village):
        """12 sessions a year at each county; 40% of members attend one session of each year."""
        rng = self.rng
        for year in YEARS:
            sessions = []
            for month in range(1, 13):
                start = date(year, month, 10)
                sessions.append(
                    self.t["session"].add(
                        f"{year}年第{month}期党员培训", "city", start, start + timedelta(days=2), self.now, county.id
                    )
                )
            for persons in persons_by_village:
                for person in persons:
                    if rng.random() < 0.4:
                        self.t["attendance"].add(self.now, person, rng.choice(sessions))

    def clues(self, village, categories):
        """3–4 woodpeckers on the village's grids; 30–44 clues over three years with their histories."""
        rng, grids = self.rng, self.grids[village.id]
        reporters = []
        for n in range(rng.randint(*WOODPECKERS)):
            grid = rng.choice(grids)
            person = self.person(grid, date(rng.randint(1960, 2000), 3, 3), "delivery_rider")
            reporters.append(
                (
                    self.t["woodpecker"].add("resident", "active", n == 0, "", self.now, self.now, "", grid.id, person),
                    grid,
                )
            )
        for _ in range(rng.randint(*CLUES)):
            reporter, grid = rng.choice(reporters)
            at = datetime(rng.choice(YEARS), rng.randint(1, 12), rng.randint(1, 28), rng.randint(7, 20), tzinfo=TZ)
            roll = rng.random()
            last = 5 if roll < 0.85 else 4 if roll < 0.9 else 3 if roll < 0.95 else 0
            status = CLUE_STEPS[last]
            steps = [at + timedelta(hours=6 * i) for i in range(last + 1)]
            clue = self.t["clue"].add(
                uuid.UUID(int=rng.getrandbits(128), version=4),
                "",
                "路灯损坏，夜间出行不便",
                "woodpecker",
                status,
                "",
                "community" if last >= 2 else "",
                ts(at + timedelta(days=7)) if last >= 2 else None,
                "",
                "已修复" if last >= 4 else "",
                "satisfied" if last == 5 else "",
                "",
                False,
                ts(at),
                ts(steps[1]) if last >= 1 else None,
                ts(steps[4]) if last >= 4 else None,
                ts(steps[5]) if last == 5 else None,
                ts(steps[5]) if last == 5 else None,
                ts(steps[-1]),
                grid.id,
                self.user_id,
                rng.choice(categories),
                reporter,
                grid.path,
            )
            for i in range(1, last + 1):
                self.t["event"].add(
                    "transition", CLUE_STEPS[i - 1], CLUE_STEPS[i], "", ts(steps[i]), self.user_id, clue
                )

    def income(self, village):
        rng = self.rng
        base = rng.lognormvariate(12.0, 0.7)
        for year in YEARS:
            total = round(base * (1 + 0.08 * (year - YEARS[0])), 2)
            operating = round(total * rng.uniform(0.2, 0.9), 2)
            reviewed = ts(datetime(year + 1, 1, 20, tzinfo=TZ))
            self.t["income"].add(
                year,
                1,
                "approved",
                f"{total:.2f}",
                f"{operating:.2f}",
                "",
                rng.choice(("asset", "industry", "cooperative", "resource")),
                f"{total * 3:.2f}",
                "0.00",
                "",
                "",
                reviewed,
                reviewed,
                self.user_id,
                self.user_id,
                village.id,
            )

    def run(self, categories_for) -> dict[str, int]:
        self.units()
        self.t["unit"].flush()
        self.t["party_org"].flush()
        counties = self.tree.of_kind("city", "district", "county")
        for county in counties:
            villages = [v for t in county.children for v in t.children]
            categories = categories_for(county)
            persons_by_village = []
            for village in villages:
                persons = self.members(village, villages)
                self.cadres(village, persons)
                self.clues(village, categories)
                self.income(village)
                persons_by_village.append(persons)
            self.training(county, persons_by_village)
        return {key: copier.finish() for key, copier in self.t.items()}


SAMPLED = (
    "organizations.OrganizationUnit",
    "organizations.PartyOrganization",
    "cadres.Person",
    "cadres.PartyMember",
    "cadres.DevelopmentRecord",
    "cadres.CadrePost",
    "cadres.ReserveCadre",
    "cadres.TrainingSession",
    "cadres.TrainingAttendance",
    "grid_woodpecker.Woodpecker",
    "grid_woodpecker.Clue",
    "grid_woodpecker.ClueEvent",
    "collective_economy.IncomeReport",
)


def validate_sample(size: int = 200, seed: int = 11) -> dict[str, list[str]]:
    """full_clean() on `size` random rows of each loaded table: the model name → the errors met (empty: all pass)."""
    from django.apps import apps
    from django.core.exceptions import ValidationError

    rng = random.Random(seed)
    found = {}
    for label in SAMPLED:
        model = apps.get_model(label)
        ids = list(
            model.objects.order_by().values_list("pk", flat=True)[
                : 1_000_000 : max(1, model.objects.count() // (size * 5))
            ]
        )
        errors = []
        for obj in model.objects.filter(pk__in=rng.sample(ids, min(size, len(ids)))):
            try:
                obj.full_clean()
            except ValidationError as error:
                errors.append(f"{obj.pk}: {error.message_dict}")
            except ValueError as error:  # a kind the models do not know yet (organizations.models.UnitKind)
                errors.append(f"{obj.pk}: {error}")
        found[label] = errors
    return found


def generate(scale: str, dist) -> tuple[dict[str, int], float, "divisions.Tree"]:
    from accounts.models import User
    from grid_woodpecker.models import ClueCategory

    start = time.perf_counter()
    user, _ = User.objects.get_or_create(username="bench_reporter")
    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM organizations_organizationunit")
        first_id = cur.fetchone()[0]
    tree = divisions.load(dist, scale, first_id)
    generator = Generator(tree, user.pk)
    with connection.cursor() as cur:
        # The generated rows are consistent by construction: COPY them without the per-row foreign-key triggers
        # (the bench database is the benchmark's own; validate_sample() checks a sample through the models).
        cur.execute("SET session_replication_role = replica")

    def categories_for(county):
        rows = [
            ClueCategory(unit_id=county.id, code=f"c{n}", name=name, deadline_days=7)
            for n, name in enumerate(("环境卫生", "道路设施", "治安隐患", "邻里纠纷", "其他"))
        ]
        return [c.pk for c in ClueCategory.objects.bulk_create(rows)]

    counts = generator.run(categories_for)
    with connection.cursor() as cur:
        cur.execute("SET session_replication_role = DEFAULT")
        # As autovacuum leaves a table in service: statistics, and the visibility map that lets a count skip the
        # heap pages it has no need to read.
        cur.execute("VACUUM ANALYZE")
    return counts, time.perf_counter() - start, tree
