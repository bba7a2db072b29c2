"""A real Celery worker on Redis: a change in one village reaches the city's roll-up within seconds.

The fixture starts `celery -A dangjian worker` as a subprocess on the test database pytest-django created, with its
own queue (so it never takes other runs' tasks), and stops it afterwards. Needs REDIS_URL (`make test` sets it).
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from goals import services, tasks
from goals.models import RollupValue
from organizations.models import DemonstrationTitleKind as T
from tests.factories import build_county

from .conftest import grant

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
MAX_WAIT = 20.0


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker(transactional_db, settings, tmp_path):
    if not settings.REDIS_URL:
        pytest.fail("REDIS_URL is not set: the real-worker test needs Redis (`make test` sets it).")
    queue = f"dangjian_goals_test_{uuid.uuid4().hex[:10]}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue  # where enqueue_chain sends the roll-ups
    env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": settings.REDIS_URL, "CELERY_QUEUE": queue}
    log = open(tmp_path / "worker.log", "w+")
    worker = subprocess.Popen(
        [str(CELERY), "-A", "dangjian", "worker", "-Q", queue, "--pool=solo", "-l", "warning",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{queue}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        # Ready when it has run one task (a unit that does not exist: a no-op).
        tasks.recompute_chain.apply_async((0, 2024), queue=queue).get(timeout=30)
        yield queue
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.seek(0)
        output = log.read()
        log.close()
        assert "Traceback" not in output, output


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
