"""The full recompute (`rollup_year`, the nightly job) announces `rollup.updated` once per tree and year whose
figures changed — with their count and indicators — never once per figure, and nothing when nothing changed."""

import pytest

from core import events
from goals import services
from goals.models import RollupValue

YEAR = 2024


@pytest.fixture
def heard():
    seen = []

    def listener(*, kind, unit_id, data):
        seen.append((unit_id, data))

    events.listen(events.ROLLUP_UPDATED)(listener)
    yield seen
    events._listeners[events.ROLLUP_UPDATED].remove(listener)


def test_one_event_per_tree_with_the_count_of_changed_figures(county, heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        computed = services.rollup_year(year=YEAR)
    stored = RollupValue.objects.filter(year=YEAR)
    assert computed and stored.count() > 1
    [(unit_id, data)] = heard  # every figure is new, yet one event for the one tree
    assert unit_id == county["city"].pk
    assert data["year"] == YEAR and data["source"] == "" and data["changed"] == stored.count()
    assert data["indicators"] == sorted(set(stored.values_list("indicator", flat=True)))

    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.rollup_year(year=YEAR)
    assert heard == []  # nothing changed: nothing announced

    row = stored.filter(unit=county["village_a1"]).first()
    row.delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.rollup_year(year=YEAR, root_id=county["township_a"].pk)
    assert heard == [
        (county["township_a"].pk, {"year": YEAR, "source": "", "changed": 1, "indicators": [row.indicator]})
    ]


def test_a_second_tree_gets_its_own_event(county, heard, django_capture_on_commit_callbacks):
    from tests.factories import unit

    other = unit("另一市", "city", None, code="TCITY0002")
    unit("另一镇", "township", other, code="TOWNC0001")
    with django_capture_on_commit_callbacks(execute=True):
        services.rollup_year(year=YEAR)
    assert sorted(unit_id for unit_id, _data in heard) == sorted([county["city"].pk, other.pk])
