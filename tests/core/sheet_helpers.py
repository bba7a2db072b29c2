"""Helpers of the sheet import tests: sheets built in the test, and the engine's pages driven with Celery eager
(the check and the write run when the request's transaction "commits": the test captures the on-commit calls)."""

import io
import re

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from core.models import ImportJob
from dangjian.celery import app as celery_app


class EagerCelery:
    """Celery runs tasks in the calling thread (and raises their errors) while the block runs."""

    def __enter__(self):
        conf = celery_app.conf
        self.before = {key: conf.get(key) for key in ("task_always_eager", "task_eager_propagates")}
        conf.update(task_always_eager=True, task_eager_propagates=True)

    def __exit__(self, *exc):
        celery_app.conf.update(self.before)


def xlsx(rows, *, title_rows=()) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [*title_rows, *rows]:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, encoding="utf-8") -> bytes:
    return "\n".join(",".join(str(c) for c in row) for row in rows).encode(encoding) + b"\n"


def post(client, url, data=None, **kwargs):
    """POST and run what the request queued after commit (the import's Celery tasks, eagerly)."""
    with EagerCelery(), TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data or {}, **kwargs)


def upload(client, kind, name, content):
    """Upload a sheet; return (the response, the job it created or None)."""
    response = post(client, reverse("imports:start", args=[kind]), {"file": SimpleUploadedFile(name, content)})
    match = re.search(r"/imports/job/(\d+)/", response.get("Location", ""))
    job = ImportJob.objects.get(pk=match.group(1)) if match else None
    return response, job


def confirm(client, job, **choices):
    data = {name: "on" for name, value in choices.items() if value}
    response = post(client, reverse("imports:job", args=[job.pk]), data)
    job.refresh_from_db()
    return response


def page(client, job):
    return client.get(reverse("imports:job", args=[job.pk])).content.decode()


def export(client, kind) -> bytes:
    """The list's xlsx export as the user downloads it."""
    response = client.get(reverse("sheets:export", args=[kind, "xlsx"]))
    assert response.status_code == 200, (kind, response.status_code)
    return response.getvalue()


def corrected(body: bytes, name: str, header: str, value) -> bytes:
    """An exported sheet with one cell changed: column `header` of the one row whose 姓名 is `name`."""
    book = openpyxl.load_workbook(io.BytesIO(body))
    sheet = book.active
    headers = [cell.value for cell in sheet[1]]
    rows = [row for row in sheet.iter_rows(min_row=2) if row[headers.index("姓名")].value == name]
    assert len(rows) == 1, (name, len(rows))
    rows[0][headers.index(header)].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
