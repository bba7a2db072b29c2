"""The sheet import in a real browser with a real Celery worker: the progress bar is seen moving (its value changes
between polls) while the worker checks a sheet of several thousand members, then the preview; the write, with its
own progress, then the result. On a 390-px phone: the column-mapping step, under the CSP, without a horizontal
scroll.

The worker is `celery -A dangjian worker` on the test database and its own queue (as tests/goals/test_celery_worker.py
starts it), with the test's upload directory, so it reads the sheets the live server stored.
"""

import io
import time

import openpyxl
import pytest

from cadres.models import PartyMember
from core.models import ImportJob
from core.tasks import purge_import_uploads
from tests import worker
from tests.cadres import helpers as h

from .test_csp_browser import watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROWS = 6000


@pytest.fixture
def import_worker(transactional_db, settings, tmp_path):
    # The live server stores the sheets in the test's upload directory: the worker reads them there.
    # A pause of 1 ms per checked row keeps the check longer than a few polls on a fast machine.
    env = {"IMPORT_UPLOAD_ROOT": str(settings.IMPORT_UPLOAD_ROOT), "IMPORT_CHECK_ROW_PAUSE_MS": "1"}
    with worker.celery_worker(
        settings, tmp_path, name="import", env=env,
        ready=lambda q: purge_import_uploads.apply_async(queue=q).get(timeout=60),
    ) as queue:  # fmt: skip
        yield queue


def _member_sheet(county, rows, headers=("姓名", "身份证号码", "单位编码", "党员类别", "入党日期")) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("党员")
    sheet.append(list(headers))
    for i in range(rows):
        sheet.append(
            [
                f"党员{i}",
                h.make_id(birth=f"{1950 + i // 1000}0101"),
                county["village_a1"].code,
                "正式党员",
                "1985-07-01",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _watch_bar(page, *, until, timeout=180.0) -> list[int]:
    """The bar's values (aria-valuenow) sampled every 100 ms until `until` shows up (the page reloaded)."""
    values, started = [], time.monotonic()
    while time.monotonic() - started < timeout:
        if page.locator(until).count():
            return values
        try:
            value = page.get_attribute("#progress-track", "aria-valuenow", timeout=500)
        except Exception:  # noqa: BLE001 - the page is reloading between two samples
            value = None
        if value is not None and (not values or values[-1] != int(value)):
            values.append(int(value))
        page.wait_for_timeout(100)
    raise AssertionError(f"{until} did not appear within {timeout} s; bar values {values}")


def test_progress_bar_moves_while_a_real_worker_checks_and_writes(
    live_server, page, login, county, users, import_worker, tmp_path
):
    problems = watch(page)
    sheet = tmp_path / "members.xlsx"
    sheet.write_bytes(_member_sheet(county, ROWS))
    login(page, "staff_a")
    page.goto(f"{live_server.url}/imports/members/")
    page.set_input_files("input[name=file]", str(sheet))
    page.click("#import-upload button[type=submit]")
    page.wait_for_selector("#import-progress")
    checked = _watch_bar(page, until="#confirm-form")
    moving = [v for v in checked if 0 < v < 100]
    assert len(set(moving)) >= 2 and moving == sorted(moving), f"the bar did not move while checking: {checked}"
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.READY and job.counts["valid"] == ROWS
    assert page.locator("#preview-rows tbody tr").count() == 20 and "1985-07-01" in page.content()
    page.click("#confirm-form button[type=submit]")
    _watch_bar(page, until="#import-counts")
    assert f"新建 {ROWS}" in page.inner_text("#import-counts")
    assert PartyMember.objects.count() == ROWS
    assert problems() == []


def test_mapping_step_on_a_phone(live_server, phone_page, login, county, users, import_worker, tmp_path):
    page = phone_page
    problems = watch(page)
    sheet = tmp_path / "members.xlsx"
    sheet.write_bytes(_member_sheet(county, 3, headers=("名字", "证件号", "所在村", "类别", "时间")))
    login(page, "staff_a")
    page.goto(f"{live_server.url}/imports/members/")
    page.set_input_files("input[name=file]", str(sheet))
    page.click("#import-upload button[type=submit]")
    page.wait_for_selector("#mapping-form", timeout=60000)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    for key, index in (("name", 0), ("id_number", 1), ("unit_code", 2), ("status", 3), ("joined_on", 4)):
        page.select_option(f"select[name=col_{key}]", str(index))
    page.click("#mapping-form button[type=submit]")
    page.wait_for_selector("#confirm-form", timeout=60000)
    assert "共 3 行：3 行有效" in page.inner_text("#import-counts")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert problems() == []
