"""A real Celery worker for a test: `celery -A dangjian worker` as a subprocess on the test database pytest-django
created, on its own queue (so it never takes other runs' tasks), stopped afterwards; its log must hold no
traceback. Needs REDIS_URL (`make test` sets it). Used by tests/goals/test_celery_worker.py and
tests/browser/test_import_browser.py."""

import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
CELERY = Path(sys.executable).with_name("celery")


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def celery_worker(settings, tmp_path, *, name: str, ready, env=None):
    """Start the worker on a queue `dangjian_<name>_test_<random>` (also set as CELERY_TASK_DEFAULT_QUEUE, which
    the project's enqueuers read at call time); `ready(queue)` runs one task on it and returns when it is done."""
    if not settings.REDIS_URL:
        pytest.fail("REDIS_URL is not set: the real-worker test needs Redis (`make test` sets it).")
    queue = f"dangjian_{name}_test_{uuid.uuid4().hex[:10]}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    environment = {
        **os.environ, "DATABASE_URL": database_url(), "REDIS_URL": settings.REDIS_URL, "CELERY_QUEUE": queue,
        **(env or {}),
    }  # fmt: skip
    log = open(tmp_path / "worker.log", "w+")
    worker = subprocess.Popen(
        [str(CELERY), "-A", "dangjian", "worker", "-Q", queue, "--pool=solo", "-l", "warning",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{queue}@%h"],
        cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        ready(queue)
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
