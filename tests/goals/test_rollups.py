"""Roll-ups: ratios aggregate as Σnumerator/Σdenominator, a change recomputes only its chain, tasks are
idempotent and concurrent recomputations leave the value the records give."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from accounts.permissions import SYSTEM
from goals import indicators as registry
from goals import selectors, services, tasks
from goals.models import RollupRun, RollupValue
from organizations.models import DemonstrationTitleKind as T
from organizations.models import UnitKind
from tests.factories import unit

from .conftest import grant

pytestmark = pytest.mark.django_db


def test_ratio_rolls_up_from_numerators_not_mean_of_percentages(db):
    city = unit("比率市", UnitKind.CITY, None, code="RATIOCITY1")
    p = unit("三比四镇", UnitKind.TOWNSHIP, city, code="RATIOTOWNP")
    q = unit("一比六镇", UnitKind.TOWNSHIP, city, code="RATIOTOWNQ")
    p_villages = [unit(f"P村{i}", UnitKind.VILLAGE, p) for i in range(4)]
    q_villages = [unit(f"Q村{i}", UnitKind.VILLAGE, q) for i in range(6)]
    for village in p_villages[:3] + q_villages[:1]:
        grant(village, 2024, T.VILLAGE)
    services.rollup_year(year=2024, root_id=city.pk)

    def figure(u):
        row = RollupValue.objects.get(indicator="demonstration_village_share", unit=u, year=2024)
        return row.numerator, row.denominator, row.value

    assert figure(p) == (3, 4, Decimal("75.00"))
    assert figure(q) == (1, 6, Decimal("16.67"))
    assert figure(city) == (4, 10, Decimal("40.00"))  # the mean of 75% and 16.67% would be 45.83%


def test_change_in_one_village_recomputes_only_its_chain(county, monkeypatch, django_capture_on_commit_callbacks):
    services.rollup_year(year=2024)
    before = {(row.indicator, row.unit_id): row.computed_at for row in RollupValue.objects.filter(year=2024)}
    city_before = RollupValue.objects.get(indicator="demonstration_villages", unit=county["city"], year=2024)
    queued = []
    monkeypatch.setattr(
        tasks, "enqueue_chain", lambda unit_id, year, source=None: queued.append((unit_id, year, source))
    )

    with django_capture_on_commit_callbacks(execute=True):
        grant(county["village_a2"], 2024, T.VILLAGE)
    assert queued == [(county["village_a2"].pk, 2024, "organizations")]

    tasks.recompute_chain(*queued[0])  # what the worker runs
    chain = {county["village_a2"].pk, county["township_a"].pk, county["city"].pk}
    after = {(row.indicator, row.unit_id): row.computed_at for row in RollupValue.objects.filter(year=2024)}
    assert after.keys() == before.keys()
    changed = {unit_id for key, unit_id in after if after[(key, unit_id)] != before[(key, unit_id)]}
    assert changed == chain
    # Only the indicators read from the changed source's records are recomputed.
    recomputed = {key for key, unit_id in after if after[(key, unit_id)] != before[(key, unit_id)]}
    assert recomputed == set(registry.of_source("organizations"))
    city_after = RollupValue.objects.get(pk=city_before.pk)
    assert (city_before.value, city_after.value) == (Decimal("0.00"), Decimal("1.00"))


def test_change_without_year_refreshes_computed_years(county, monkeypatch, django_capture_on_commit_callbacks):
    services.rollup_year(year=2022)
    queued = []
    monkeypatch.setattr(tasks, "enqueue_chain", lambda unit_id, year, source=None: queued.append((unit_id, year)))
    from organizations.services import party_org_update

    with django_capture_on_commit_callbacks(execute=True):
        party_org_update(party_org=county["village_b1"].party_org, actor=SYSTEM, name="乙一村党支部")
    years = {year for _unit, year in queued}
    assert 2022 in years and len(years) == 2  # 2022 (computed before) and the current year


def test_task_run_twice_gives_the_same_rows(county):
    grant(county["village_a1"], 2024, T.VILLAGE)
    fields = ["indicator", "unit_id", "year", "numerator", "denominator", "value"]
    tasks.recompute_year(2024)
    first = sorted(RollupValue.objects.values_list(*fields))
    ids = set(RollupValue.objects.values_list("pk", flat=True))
    tasks.recompute_year(2024)
    tasks.recompute_chain(county["village_a1"].pk, 2024)
    assert sorted(RollupValue.objects.values_list(*fields)) == first
    assert set(RollupValue.objects.values_list("pk", flat=True)) == ids


def test_task_for_a_deleted_unit_does_nothing(county):
    assert tasks.recompute_chain(999_999_999, 2024) == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_recomputations_leave_the_value_from_records():
    from tests.factories import build_county

    county = build_county()
    grant(county["village_a1"], 2024, T.VILLAGE)
    grant(county["village_b1"], 2024, T.VILLAGE)
    errors = []

    def work():
        try:
            services.rollup_chain(unit_id=county["village_a1"].pk, year=2024)
            services.rollup_chain(unit_id=county["village_b1"].pk, year=2024)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = RollupValue.objects.filter(indicator="demonstration_villages", unit=county["city"], year=2024)
    assert [row.value for row in rows] == [Decimal("2.00")]


def test_changes_in_one_transaction_queue_each_chain_once(county, monkeypatch, django_capture_on_commit_callbacks):
    from django.db import transaction

    queued = []
    monkeypatch.setattr(tasks, "enqueue_chain", lambda unit_id, year, source=None: queued.append((unit_id, year)))
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            grant(county["village_a1"], 2024, T.VILLAGE)
            grant(county["village_a1"], 2024, T.COMMUNITY)
            grant(county["grid_a1"], 2024, T.VILLAGE)  # below the village: its chain starts at the village
            grant(county["village_b1"], 2024, T.VILLAGE)
    assert sorted(queued) == sorted([(county["village_a1"].pk, 2024), (county["village_b1"].pk, 2024)])


def test_change_touching_many_chains_queues_one_full_recompute(county, monkeypatch, django_capture_on_commit_callbacks):
    chains, years = [], []
    monkeypatch.setattr(tasks, "enqueue_chain", lambda unit_id, year, source=None: chains.append(unit_id))
    monkeypatch.setattr(tasks, "enqueue_year", lambda year, source=None: years.append((year, source)))
    monkeypatch.setattr(tasks, "CHAIN_LIMIT", 1)
    from core.events import records_changed

    with django_capture_on_commit_callbacks(execute=True):
        records_changed(source="organizations", unit_ids=[county["village_a1"].pk, county["village_b1"].pk], year=2024)
    assert (chains, years) == ([], [(2024, "organizations")])


def test_rolled_back_change_queues_nothing(county, monkeypatch, django_capture_on_commit_callbacks):
    from django.db import transaction

    queued = []
    monkeypatch.setattr(tasks, "enqueue_chain", lambda unit_id, year, source=None: queued.append(unit_id))
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                grant(county["village_a1"], 2024, T.VILLAGE)
                raise RuntimeError
        except RuntimeError:
            pass
        grant(county["village_b1"], 2024, T.VILLAGE)
    assert queued == [county["village_b1"].pk]


def test_slow_rollup_logs_a_warning_with_its_unit_and_year(county, monkeypatch, caplog):
    monkeypatch.setattr(services, "SLOW_ROLLUP_SECONDS", -1.0)  # every recomputation counts as slow
    with caplog.at_level("WARNING", logger="goals.services"):
        services.rollup_year(year=2024, root_id=county["city"].pk, source="organizations")
    [record] = [r for r in caplog.records if r.name == "goals.services"]
    assert record.levelname == "WARNING"
    assert f"root {county['city'].pk}, year 2024, source organizations" in record.getMessage()


def test_a_full_recompute_of_one_source_leaves_the_others(county):
    services.rollup_year(year=2024)
    before = dict(RollupValue.objects.filter(year=2024).values_list("pk", "computed_at"))
    RollupValue.objects.filter(year=2024, indicator="activists").delete()  # cadres figures to write again
    services.rollup_year(year=2024, source="cadres")
    after = dict(RollupValue.objects.filter(year=2024).values_list("pk", "computed_at"))
    # Figures that did not change are not rewritten; the missing ones are written again.
    assert {pk: after[pk] for pk in before if pk in after} == {pk: before[pk] for pk in before if pk in after}
    written = set(RollupValue.objects.filter(year=2024).exclude(pk__in=before).values_list("indicator", flat=True))
    assert written == {"activists"}
    runs = {run.source: run.finished_at for run in RollupRun.objects.filter(year=2024, root__isnull=True)}
    assert set(runs) == {"", "cadres"} and runs["cadres"] >= runs[""]


def test_dashboard_figures_are_as_of_the_last_full_run_that_checked_them(county, users):
    services.rollup_year(year=2024)
    first = RollupRun.objects.get(year=2024, source="", root__isnull=True).finished_at
    services.rollup_year(year=2024, source="cadres")
    second = RollupRun.objects.get(year=2024, source="cadres", root__isnull=True).finished_at
    rows = selectors.dashboard_rows(user=users["city_staff"], unit=county["city"], year=2024)
    cadres = [row for row in rows if row.rollup and row.indicator.source == "cadres"]
    assert cadres and selectors.computed_at(cadres, unit=county["city"], year=2024) == second
    assert selectors.computed_at(rows, unit=county["city"], year=2024) == first  # the other sources'


def test_dashboard_kinds_sit_only_under_dashboard_kinds():
    """What the incremental roll-up relies on: a dashboard unit's nearest dashboard ancestor is its parent, and a
    non-dashboard unit has no dashboard unit below it (so the records a chain unit owns are its own and those under
    its non-dashboard children)."""
    from organizations.models import ALLOWED_PARENTS

    for kind in services.DASHBOARD_KINDS:
        assert set(ALLOWED_PARENTS[kind]) <= set(services.DASHBOARD_KINDS), kind


@pytest.mark.parametrize("year", [1985, 2101])
def test_rollups_of_years_outside_the_kept_range_are_skipped_and_logged(county, year, caplog):
    with caplog.at_level("INFO", logger="goals.services"):
        assert services.rollup_chain(unit_id=county["village_a1"].pk, year=year, source="cadres") == 0
        assert tasks.recompute_year(year) == 0
    assert not RollupValue.objects.exists()
    assert sum(f"year {year} is outside" in r.getMessage() for r in caplog.records) == 2


def test_nightly_check_logs_figures_that_differ_from_the_stored_ones(county, caplog):
    services.rollup_year(year=2024)
    city = RollupValue.objects.get(indicator="demonstration_villages", unit=county["city"], year=2024)
    RollupValue.objects.filter(pk=city.pk).update(numerator=7, value=7)  # a figure the incremental path lost
    with caplog.at_level("INFO", logger="goals.services"):
        tasks.recompute_year(2024)  # the nightly entry: every source, a check
    [warning] = [r for r in caplog.records if r.levelname == "WARNING"]
    assert "1 figures of year 2024 differed" in warning.getMessage()
    assert f"('demonstration_villages', {county['city'].pk})" in warning.getMessage()
    assert RollupValue.objects.get(pk=city.pk).numerator == 0  # and repaired


def test_a_full_recompute_writes_only_the_figures_that_changed(county, monkeypatch):
    services.rollup_year(year=2024)
    grant(county["village_a1"], 2024, T.VILLAGE)
    written = []
    upsert = services._upsert
    monkeypatch.setattr(services, "_upsert", lambda rows: (written.extend(rows), upsert(rows)))
    services.rollup_year(year=2024, source="organizations")
    chain = {county["village_a1"].pk, county["township_a"].pk, county["city"].pk}
    expected = {
        (key, unit_id) for key in ("demonstration_villages", "demonstration_village_share") for unit_id in chain
    }
    assert {(row.indicator, row.unit_id) for row in written} == expected


def test_full_recompute_of_a_subtree_carries_its_figures_up_its_ancestors(county):
    """A root below the top (a county under its prefecture, here a township under the city): its ancestors add it up."""
    services.rollup_year(year=2024)
    grant(county["village_a1"], 2024, T.VILLAGE)
    services.rollup_year(year=2024, root_id=county["township_a"].pk, source="organizations")

    def value(u):
        return RollupValue.objects.get(indicator="demonstration_villages", unit=u, year=2024).value

    assert (value(county["township_a"]), value(county["city"]), value(county["township_b"])) == (1, 1, 0)
