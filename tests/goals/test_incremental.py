"""The incremental roll-up equals the full recompute after every change.

A small generated tree (seeded, two seeds) with records of every source; 30 random changes each (records created,
changed, deleted, moved between units; a village moved to another township). After each change the change is
announced as the services do (`core.events.records_changed`, delivered after commit), the chains run as the worker
runs them, and every stored figure of the year must equal what a full recompute computes from the records.
"""

import random
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from accounts.permissions import SYSTEM
from cadres.demo import builders as cadres
from cadres.models import DevelopmentRecord, PartyMember, TrainingAttendance, TrainingSession
from collective_economy.models import DevelopmentModel, IncomeReport, ReportStatus, RewardScheme, VillageReward
from core.events import records_changed
from goals import rollup, services, tasks
from goals.models import RollupValue
from grid_woodpecker.models import Clue, ClueStatus, Rating
from organizations.models import DemonstrationTitle, DemonstrationTitleKind, UnitKind
from organizations.services import unit_move, unit_update
from tests.cadres.test_person import make_id
from tests.factories import unit, user_with_role
from tests.grid_woodpecker import helpers as wp_helpers

pytestmark = pytest.mark.django_db

YEAR = 2024
STEPS = 30


def build_tree(rng: random.Random) -> dict:
    """city → 3 townships (with an enterprise) → 2–3 villages or communities → 1–2 grids (a building), and an
    agency under the city: every kind of owner a record can have."""
    city = unit("生成市", UnitKind.CITY, None)
    tree = {"city": city, "townships": [], "villages": [], "grids": [], "others": [city]}
    tree["others"].append(unit("生成局", UnitKind.AGENCY, city))
    for t in range(3):
        township = unit(f"生成镇{t}", rng.choice([UnitKind.TOWNSHIP, UnitKind.STREET]), city)
        tree["townships"].append(township)
        tree["others"].append(unit(f"生成企业{t}", UnitKind.ENTERPRISE, township))
        for v in range(rng.randint(2, 3)):
            village = unit(f"生成村{t}{v}", rng.choice([UnitKind.VILLAGE, UnitKind.COMMUNITY]), township)
            tree["villages"].append(village)
            for g in range(rng.randint(1, 2)):
                grid = unit(f"生成网格{t}{v}{g}", UnitKind.GRID, village)
                tree["grids"].append(grid)
                if rng.random() < 0.3:
                    tree["others"].append(unit(f"生成楼{t}{v}{g}", UnitKind.BUILDING, grid))
    tree["all"] = tree["others"] + tree["townships"] + tree["villages"] + tree["grids"]
    return tree


class World:
    """The records of every source on the generated tree, changed at random. Each change returns the source and
    the units whose figures it touches (before and after), as the services announce them."""

    def __init__(self, tree, rng):
        self.tree, self.rng, self.seq = tree, rng, 100
        self.scheme = RewardScheme.objects.create(unit=tree["city"], name="生成办法", effective_year=YEAR)
        self.session = TrainingSession.objects.create(
            topic="生成培训", organizer=tree["city"], level="city", starts_on=date(YEAR, 5, 1), ends_on=date(YEAR, 5, 2)
        )
        self.category = wp_helpers.category(tree["city"])
        self.reporter = user_with_role("generated_reporter")

    def day(self):
        return date(self.rng.choice([YEAR - 1, YEAR, YEAR]), self.rng.randint(1, 12), self.rng.randint(1, 28))

    def when(self):
        d = self.day()
        return datetime(d.year, d.month, d.day, 4, tzinfo=UTC)

    def pick(self, key):
        return self.rng.choice(self.tree[key])

    # organizations
    def title(self):
        owner = self.rng.choice(self.tree["all"])
        kind = self.rng.choice(
            [DemonstrationTitleKind.VILLAGE, DemonstrationTitleKind.COMMUNITY, DemonstrationTitleKind.TOWNSHIP]
        )
        existing = DemonstrationTitle.objects.filter(party_org__unit=owner, year=YEAR, title=kind).first()
        if existing:
            existing.delete()
        else:
            DemonstrationTitle.objects.create(party_org=owner.party_org, year=YEAR, title=kind)
        return "organizations", [owner.pk]

    def move(self):
        village = self.pick("villages")
        village.refresh_from_db()
        target = self.rng.choice([t for t in self.tree["townships"] if t.pk != village.parent_id])
        unit_move(unit=village, new_parent=target, actor=SYSTEM)  # announces the change itself
        return None, []

    def toggle(self):
        village = self.pick("villages")
        village.refresh_from_db()
        # An inactive village leaves every village ratio's denominator: unit_update announces it itself.
        unit_update(unit=village, actor=SYSTEM, is_active=not village.is_active)
        return None, []

    # cadres
    def member(self):
        self.seq += 1
        where = self.rng.choice(self.tree["all"])
        [person] = cadres.people_bulk_create(
            rows=[{"name": f"生成{self.seq}", "unit": where, "id_number": make_id(seq=str(self.seq))}], actor=SYSTEM
        )
        PartyMember.objects.create(person=person, unit=where, status="full", joined_on=self.day())
        if self.rng.random() < 0.5:
            TrainingAttendance.objects.create(session=self.session, person=person)
        if self.rng.random() < 0.5:
            DevelopmentRecord.objects.create(
                person=person, unit=where, applied_on=date(YEAR - 2, 1, 1), admitted_on=self.day()
            )
        return "cadres", [where.pk]

    def member_moves(self):
        member = PartyMember.objects.select_related("person").order_by("?").first()
        if member is None:
            return self.member()
        where = self.rng.choice(self.tree["all"])
        before = member.unit_id
        PartyMember.objects.filter(pk=member.pk).update(unit=where)
        member.person.__class__.objects.filter(pk=member.person_id).update(unit=where)
        DevelopmentRecord.objects.filter(person_id=member.person_id).update(unit=where)
        return "cadres", [before, where.pk]

    # grid woodpeckers
    def clue(self):
        grid = self.pick("grids")
        closed = self.rng.random() < 0.5
        rating = self.rng.choice(["", Rating.SATISFIED, Rating.UNSATISFIED])
        Clue.objects.create(
            grid=grid,
            category=self.category,
            description="生成线索",
            submitted_by=self.reporter,
            status=ClueStatus.CLOSED if closed else ClueStatus.ACCEPTED,
            accepted_at=self.when(),
            resolved_at=self.when() if closed else None,
            rating=rating,
            rated_at=self.when() if rating else None,
        )
        return "grid_woodpecker", [grid.pk]

    def clue_closes(self):
        clue = Clue.objects.exclude(status=ClueStatus.CLOSED).order_by("?").first()
        if clue is None:
            return self.clue()
        Clue.objects.filter(pk=clue.pk).update(status=ClueStatus.CLOSED, resolved_at=self.when())
        return "grid_woodpecker", [clue.grid_id]

    # collective economy
    def income(self):
        village = self.pick("villages")
        report = IncomeReport.objects.filter(village=village, year=YEAR, status=ReportStatus.APPROVED).first()
        if report:
            report.delete()
        else:
            total = Decimal(self.rng.choice([50_000, 150_000, 250_000]))
            IncomeReport.objects.create(
                village=village,
                year=YEAR,
                status=ReportStatus.APPROVED,
                total_income=total,
                operating_income=total,
                development_model=DevelopmentModel.RESOURCE,
            )
        return "collective_economy", [village.pk]

    def reward(self):
        village = self.pick("villages")
        amount = Decimal(self.rng.randint(0, 100_000)) / 100
        VillageReward.objects.update_or_create(
            village=village, year=YEAR, defaults={"scheme": self.scheme, "amount": amount}
        )
        return "collective_economy", [village.pk]

    CHANGES = ("title", "move", "toggle", "member", "member_moves", "clue", "clue_closes", "income", "reward")

    def change(self):
        name = self.rng.choice(self.CHANGES)
        return name, getattr(self, name)()


def stored_figures() -> dict:
    rows = RollupValue.objects.filter(year=YEAR).values_list("indicator", "unit_id", "numerator", "denominator")
    return {(key, unit_id): (numerator, denominator) for key, unit_id, numerator, denominator in rows}


def differences(stored: dict, full: dict) -> list:
    return sorted((key, stored.get(key), figure) for key, figure in full.items() if stored.get(key) != figure)


@pytest.mark.parametrize("seed", [11, 2026])
def test_incremental_equals_full_after_every_random_change(seed, monkeypatch, django_capture_on_commit_callbacks):
    rng = random.Random(seed)
    tree = build_tree(rng)
    world = World(tree, rng)
    for _ in range(12):  # records before the first full recompute
        world.change()
    services.rollup_year(year=YEAR)
    # The worker, inline: each queued chain (or full recompute of a source) runs at once.
    monkeypatch.setattr(
        tasks, "enqueue_chain", lambda unit_id, year, source=None: tasks.recompute_chain(unit_id, year, source)
    )
    monkeypatch.setattr(tasks, "enqueue_year", lambda year, source=None: tasks.recompute_year(year, None, source))
    indicators = rollup.indicators_of()
    for step in range(STEPS):
        with django_capture_on_commit_callbacks(execute=True):
            name, (source, unit_ids) = world.change()
            if source:
                records_changed(source=source, unit_ids=unit_ids, year=YEAR)
        full = rollup.full_totals(year=YEAR, indicators=indicators)
        diff = differences(stored_figures(), full)
        assert not diff, f"seed {seed}, step {step} ({name}): stored ≠ full recompute: {diff[:5]}"
