"""A real Celery worker on Redis: a change in one village reaches the city's roll-up within seconds.

The fixture starts a real worker (tests/worker.py) on the test database, on its own queue. Needs REDIS_URL.
"""

import time

import pytest

from goals import services, tasks
from goals.models import RollupValue
from organizations.models import DemonstrationTitleKind as T
from tests import worker
from tests.factories import build_county

from .conftest import grant

pytestmark = pytest.mark.django_db(transaction=True)
MAX_WAIT = 20.0


@pytest.fixture
def celery_worker(transactional_db, settings, tmp_path):
    # Ready when it has run one task (a unit that does not exist: a no-op).
    with worker.celery_worker(
        settings,
        tmp_path,
        name="goals",
        ready=lambda q: tasks.recompute_chain.apply_async((0, 2024), queue=q).get(timeout=30),
    ) as queue:
        yield queue


def test_village_change_reaches_city_rollup_within_seconds(celery_worker):
    county = build_county()
    services.rollup_year(year=2024)
    city = RollupValue.objects.get(indicator="demonstration_villages", unit=county["city"], year=2024)
    assert city.value == 0

    started = time.monotonic()
    grant(county["village_b1"], 2024, T.VILLAGE)  # the service announces the change; goals queues the chain
    while time.monotonic() - started < MAX_WAIT:
        city.refresh_from_db()
        if city.value == 1:
            break
        time.sleep(0.1)
    elapsed = time.monotonic() - started
    assert city.value == 1, f"the city roll-up did not change within {MAX_WAIT} s"
    assert elapsed < 5, f"took {elapsed:.1f} s"
    township = RollupValue.objects.get(indicator="demonstration_villages", unit=county["township_b"], year=2024)
    assert township.value == 1
