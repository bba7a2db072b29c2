"""The import engine's use cases: upload → check (dry run) → preview → confirm → result, one `ImportJob` each.

The sheet is stored as a file by `core.imports` (under the uploader's directory, named by an opaque token), never in
the session. The check and the write run as Celery tasks (`core.tasks`, which call `parse` and `confirm` here);
both read the sheet again from the file, so a worker needs nothing but the job's id. The write is all-or-nothing
in one transaction unless the uploader chose "valid rows only"; the roll-ups run after commit (`core.events`), and
their failure never fails an import that committed.
"""

import logging
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import IMPORT, units_for
from core import audit
from core import imports as uploads
from core.models import ACTION_LABELS, ColumnMapping, ImportJob

from . import importers
from .reader import SheetRefused, read_table

# Ids, kinds and counts only: never a cell's content (core/logs.py).
logger = logging.getLogger(__name__)
PREVIEW_ROWS = 20
MAX_STORED_ERRORS = 5000
Status = ImportJob.Status
ACTION_LABELS["import.confirm"] = _("sheet import")


def importer_for(kind: str, actor):
    """The importer of `kind` if `actor` may import it somewhere (IMPORT on its model); None for an unknown kind (or a
    family's record the actor may not know of);
    PermissionDenied (403) for a kind the actor's roles may not import."""
    importer = importers.get(kind)
    if importer is None or not importer.visible_to(actor):
        return None
    if not units_for(actor, importer.model, IMPORT):
        raise PermissionDenied(_("Your role may not import records."))
    return importer


def job_create(*, actor, kind: str, name: str, content: bytes) -> ImportJob:
    """Store the upload and record the job (status 'checking'); the caller queues the check after commit."""
    importer = importer_for(kind, actor)
    if importer is None:
        raise PermissionDenied
    token = uploads.store(user=actor, kind=kind, name=name, content=content)
    saved = ColumnMapping.objects.filter(uploader=actor, kind=kind).values_list("mapping", flat=True).first()
    return ImportJob.objects.create(
        kind=kind,
        uploader=actor,
        scope_units=sorted(units_for(actor, importer.model, IMPORT)),
        file_name=(name or "")[:200],
        token=token,
        options={"saved_mapping": saved or {}},
    )


def job_set_options(job: ImportJob, *, status: str, **options) -> ImportJob:
    """Record the uploader's choices (amount unit, mapping, valid only, update existing) before the next run
    (`status`: checking again, or importing); the caller queues it after commit."""
    job.options = {**job.options, **options}
    job.status = status
    job.error_summary = ""
    job.save(update_fields=["options", "status", "error_summary", "updated_at"])
    return job


def save_mapping(job: ImportJob, mapping: dict[str, int]) -> None:
    """Keep the uploader's mapping (spec key → header text) for their next sheet of this kind."""
    headers = job.preview.get("headers", [])
    by_header = {key: headers[index] for key, index in mapping.items() if 0 <= index < len(headers)}
    ColumnMapping.objects.update_or_create(uploader=job.uploader, kind=job.kind, defaults={"mapping": by_header})


def _read(job: ImportJob, importer):
    stored = uploads.load(user=job.uploader, kind=job.kind, token=job.token)
    if stored is None:
        raise SheetRefused(_("The uploaded sheet has expired; upload it again."))
    name, content = stored
    unit = job.options.get("amount_unit")
    mapping = {key: int(index) for key, index in (job.options.get("mapping") or {}).items()}
    table = read_table(name, content, importer.spec, mapping=mapping or None, amount_unit=unit)
    saved = job.options.get("saved_mapping") or {}
    if table.missing and saved and not mapping:  # the uploader's mapping from last time, by header text
        indexes = {key: table.headers.index(text) for key, text in saved.items() if text in table.headers}
        if indexes:
            table = read_table(name, content, importer.spec, mapping=indexes, amount_unit=unit)
            job.options["mapping"] = indexes
    return table


def _needs_unit(importer, table) -> bool:
    """An amount column without a declared unit, and amounts in it: the uploader chooses 元 or 万元."""
    return bool(importer.spec.has_amounts and table.needs_unit)


def check(importer, table, *, actor, options, progress=lambda current, total: None) -> list[str]:
    """prepare + check_row for every row (progress reported as rows checked of all rows) + warnings: the one check
    of an uploaded sheet and of the API's bulk rows (core/sheets/bulk.py)."""
    ctx = importers.Context(actor=actor, options=options)
    importer.prepare(table, actor=actor, options=options)
    total = len(table.rows)
    step = max(1, total // 50)
    pause = settings.IMPORT_CHECK_ROW_PAUSE_MS / 1000
    for index, row in enumerate(table.rows, 1):
        importer.check_row(row, ctx)
        if pause:
            time.sleep(pause)  # the browser test's slowed worker only: 0 in every deployment
        if index % step == 0 or index == total:
            progress(index, total)
    return importer.warnings(table, ctx)


def _errors(importer, table) -> list[dict]:
    labels = {c.key: str(c.label) for c in importer.spec.columns}
    errors = []
    for row in table.rows:
        for key, message in row.errors.items():
            errors.append({"row": row.number, "column": labels.get(key, key or _("whole row")), "message": message})
    return errors


def _preview(importer, table, warnings) -> dict:
    columns = []
    for column in importer.spec.columns:
        if column.key not in table.columns:
            continue
        index = table.columns[column.key]
        header = table.headers[index] if index < len(table.headers) else ""
        unit = ""
        if column.type == "amount":
            used = table.column_units.get(column.key) or table.amount_unit or ""
            unit = {"yuan": "元", "wan": "万元"}.get(used, "")
        columns.append({"key": column.key, "label": str(column.label), "header": header, "unit": unit})
    shown = [c for c in importer.spec.columns if c.key in table.columns]
    rows = [
        {
            "number": row.number,
            "values": [importer.display(c, row.values.get(c.key)) for c in shown],
            "error": bool(row.errors),
        }
        for row in table.rows[:PREVIEW_ROWS]
    ]
    return {
        "columns": columns,
        "header_row": table.header_row,
        "format": " ".join(filter(None, [table.file_format, table.encoding])),
        "sheet_name": table.sheet_name,
        "headers": table.headers,
        "unmatched": table.unmatched,
        "missing": table.missing,
        "amount_unit": table.amount_unit or "",
        "amount_unit_source": table.amount_unit_source,
        "rows": rows,
        "warnings": [str(w) for w in warnings],
        "skipped": [{"row": n, "reason": str(r)} for n, r in table.skipped],
    }


def _finish(job: ImportJob, status, **fields) -> ImportJob:
    job.status = status
    for name, value in fields.items():
        setattr(job, name, value)
    job.save()
    return job


def fail(job_id: int) -> None:
    """A run that crashed (a bug, a lost database connection): the job says so instead of running forever."""
    ImportJob.objects.filter(pk=job_id, status__in=[Status.PARSING, Status.WRITING]).update(
        status=Status.FAILED, error_summary=_("The import stopped unexpectedly: nothing was written.")
    )


def parse(job_id: int, progress=lambda current, total: None) -> ImportJob | None:
    """The check (dry run): read the sheet, check every row, keep the preview, the counts and the row errors."""
    job = ImportJob.objects.filter(pk=job_id).select_related("uploader").first()
    if job is None:
        return None
    importer = importers.get(job.kind)
    try:
        table = _read(job, importer)
    except SheetRefused as exc:
        return _finish(job, Status.REFUSED, error_summary=str(exc))
    if table.missing:
        return _finish(job, Status.NEEDS_MAPPING, preview=_preview(importer, table, []))
    if _needs_unit(importer, table):
        return _finish(job, Status.NEEDS_UNIT, preview=_preview(importer, table, []))
    warnings = check(importer, table, actor=job.uploader, options=job.options, progress=progress)
    errors = _errors(importer, table)
    invalid = sum(1 for row in table.rows if row.errors)
    counts = {"total": len(table.rows), "valid": len(table.rows) - invalid, "invalid": invalid}
    counts["skipped"] = len(table.skipped)
    logger.info("import job %s (%s) checked: %s", job.pk, job.kind, counts)
    return _finish(
        job,
        Status.READY,
        preview=_preview(importer, table, warnings),
        errors=errors[:MAX_STORED_ERRORS],
        counts=counts,
        error_summary=_error_summary(counts, len(errors)),
    )


def _error_summary(counts: dict, errors: int) -> str:
    if not errors:
        return ""
    return _("%(rows)d rows have %(errors)d errors.") % {"rows": counts["invalid"], "errors": errors}


def confirm(job_id: int, progress=lambda current, total: None) -> ImportJob | None:
    """The write: the sheet is read and checked again (records may have changed since the preview), then written
    in one transaction: all rows, or with `valid_only` the rows without errors; nothing when a row fails otherwise
    or a warning was not confirmed."""
    job = ImportJob.objects.filter(pk=job_id).select_related("uploader").first()
    if job is None or job.status == Status.DONE:
        return job
    importer = importers.get(job.kind)
    if importer is None:  # a kind no app registers any more: the job stays unwritten
        return _finish(job, Status.FAILED, error_summary=_("This kind of import no longer exists."))
    try:
        table = _read(job, importer)
    except SheetRefused as exc:
        return _finish(job, Status.REFUSED, error_summary=str(exc))
    warnings = check(importer, table, actor=job.uploader, options=job.options, progress=progress)
    errors = _errors(importer, table)
    valid = [row for row in table.rows if not row.errors]
    invalid = len(table.rows) - len(valid)
    if invalid and not job.options.get("valid_only"):
        summary = _("%(n)d rows have errors: nothing was written.") % {"n": invalid}
        return _finish(job, Status.FAILED, errors=errors[:MAX_STORED_ERRORS], error_summary=summary)
    if warnings and not job.options.get("warnings_confirmed"):
        return _finish(job, Status.FAILED, error_summary=_("Confirm the warnings first: nothing was written."))
    try:
        with transaction.atomic():
            counts = importer.write(valid, actor=job.uploader, options=job.options)
            counts.skipped += invalid + len(table.skipped)
            job.counts = {**job.counts, **counts.as_dict(), "total": len(table.rows)}
            audit.record(
                actor=job.uploader,
                action="import.confirm",
                obj=job,
                changes={"kind": job.kind, "file": job.file_name, **counts.as_dict()},
            )
            _finish(job, Status.DONE, finished_at=timezone.now(), errors=errors[:MAX_STORED_ERRORS])
        # The sheet (ID numbers, phones) is not kept once written; the beat job purges the others after N hours.
        transaction.on_commit(lambda: uploads.discard(user=job.uploader, kind=job.kind, token=job.token))
    except ValidationError as exc:  # a service's refusal at write time: nothing was written
        job.refresh_from_db()
        return _finish(job, Status.FAILED, error_summary="；".join(exc.messages))
    logger.info("import job %s (%s) written: %s", job.pk, job.kind, job.counts)
    return job
