"""The sheet engine's rows given as JSON: the API's bulk exchange (`core/api/bulk.py`, docs/api.md "批量交换").

A request's rows are dicts by the spec's column keys (`village_code`, `total_income`, `field_members` …). They become
the engine's `Row`s through `reader.parse_records`, the function that parses a sheet's cells (same types, same
cleaning, same Chinese messages), then go through the kind's own importer exactly as an uploaded sheet does:
`jobs.check` (`prepare`, `check_row` for every row, `warnings`), and for a write `importer.write` in one transaction
with the sheet import's audit row (`import.confirm` on an `ImportJob` that records the run). Nothing is a second
validation path: the only additions are about the JSON itself — a key that is no column, and a value that is an
object or a list, are row errors.

- A kind takes part when its importer says so (`Importer.bulk`); `Importer.bulk_params` are the column keys a
  request's `params` may give once for every row (the year of the income, the period of a report).
- A key missing from a row is a blank cell; an amount is read in the unit its column's sheet header declares
  (元 unless the header says 万元, as the export's CSV header shows), or the unit the value states ("12.5万").
- Rows are numbered from 1 in the order sent (`Row.number`), as the engine's warnings and row errors say them.
- All or nothing: any row error and nothing is written, unless `valid_only`; warnings (an income far from last
  year's, villages missing) must be confirmed (`confirm_warnings`), as on the sheet pages.
"""

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import IMPORT, units_for
from core import audit
from core.errors import ErrorCode
from core.models import ImportJob

from . import importers, jobs
from .export import header
from .layout import unit_in
from .reader import Table, parse_records

MAX_ROWS = 5000  # rows per request; more is a 400 (`max_length` on `rows`): send them in several requests
MAX_LISTED_ERRORS = jobs.MAX_STORED_ERRORS
SOURCE = "API"  # the ImportJob's file name for a bulk import
SCALARS = (str, int, float, bool, Decimal, type(None))


@dataclass
class RowError:
    row: int  # 1-based position of the row in the request
    field: str  # the column key, "" for the whole row
    column: str  # the column's Chinese label
    message: str
    code: str

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "field": self.field,
            "column": self.column,
            "message": self.message,
            "code": self.code,
        }


@dataclass
class Outcome:
    """What a bulk run found and did. `written` is False for a dry run and for a refusal."""

    kind: str
    dry_run: bool
    total: int
    invalid: int
    row_errors: list[RowError]
    warnings: list[str]
    counts: dict = field(default_factory=dict)  # the write's Counts (created, updated, unchanged, skipped)
    written: bool = False
    job: int | None = None
    refusal: str = ""  # the code of a refused write: rows_invalid or warnings_unconfirmed

    def as_dict(self) -> dict:
        counts = {"total": self.total, "valid": self.total - self.invalid, "invalid": self.invalid, **self.counts}
        return {
            "kind": self.kind,
            "dry_run": self.dry_run,
            "written": self.written,
            "job": self.job,
            "counts": counts,
            "row_errors": [error.as_dict() for error in self.row_errors[:MAX_LISTED_ERRORS]],
            "warnings": self.warnings,
        }


def importer_for(kind: str, actor):
    """The importer of a bulk-capable `kind` the actor may import (as the sheet pages decide: PermissionDenied for a
    kind the actor's roles may not import), or None (404): no such kind, a family's record the actor may not know
    of, or a kind without bulk exchange."""
    importer = jobs.importer_for(kind, actor) if _exists(kind) else None
    return importer if importer is not None and importer.bulk else None


def usable_importers(actor, allowed=None) -> list:
    """The importers of the bulk-capable kinds `actor` may import, as `importer_for` decides for each (`income`, then
    `report_<form id>` for each published form of their jurisdiction, by id); `allowed(kind)`, when given, filters
    further (a system client's scopes)."""
    importers.discover()
    kinds = [kind for kind, cls in sorted(importers.REGISTRY.items()) if cls.bulk]
    found = []
    with ExitStack() as loaded:
        for prefix, cls in sorted(importers.FAMILIES.items()):
            if cls.bulk:
                params = [str(param) for param in cls.bulk_family_params(actor)]
                loaded.enter_context(cls.preloaded(params))
                kinds.extend(f"{prefix}_{param}" for param in params)
        for kind in kinds:
            if allowed is not None and not allowed(kind):
                continue
            try:
                importer = importer_for(kind, actor)
            except PermissionDenied:
                continue
            if importer is not None:
                found.append(importer)
    return found


def exporter_for(kind: str, actor):
    """The importer of a bulk-capable `kind` whose record the actor may know of, or None (404); whether the actor may
    export it is the importer's `bulk_export` to say."""
    importer = jobs.importers.get(kind) if _exists(kind) else None
    if importer is None or not importer.bulk or not importer.visible_to(actor):
        return None
    return importer


def _exists(kind: str) -> bool:
    return isinstance(kind, str) and 0 < len(kind) <= 60 and kind.replace("_", "").isalnum() and kind.isascii()


def column_units(spec) -> dict[str, str]:
    """The unit of each amount column: the one its header declares (元, or 万元 for a report field in 万元)."""
    units = {}
    for column in spec.columns:
        if column.type == "amount":
            units[column.key] = unit_in(header(column)) or "yuan"
    return units


def table_from_rows(spec, rows: list[dict], params: dict) -> tuple[Table, dict[tuple[int, str], str]]:
    """The engine's `Table` of JSON rows (every column of the spec present; a missing key is a blank cell), and the
    codes of the errors found before the importer's check (unknown key, a value that is no scalar)."""
    keys = [column.key for column in spec.columns]
    columns = {key: index for index, key in enumerate(keys)}
    known = set(keys)
    codes: dict[tuple[int, str], str] = {}
    records, early = [], {}
    for number, given in enumerate(rows, 1):
        values = {**params, **given}
        found = {}
        for key, value in values.items():
            if key not in known:
                found[key] = (_("%(key)s is not a column of this import.") % {"key": key}, ErrorCode.UNKNOWN_FIELD)
            elif not isinstance(value, SCALARS):
                found[key] = (_("A value must be text, a number, true/false or null."), ErrorCode.INCORRECT_TYPE)
        cells = [None if key in found else values.get(key) for key in keys]
        records.append((number, cells))
        if found:
            early[number] = found
    parsed = parse_records(records, spec, columns, column_units(spec))
    for row in parsed:
        for key, (message, code) in early.get(row.number, {}).items():
            row.errors.setdefault(key, message)
            codes[(row.number, key)] = code
    table = Table(
        header_row=0,
        columns=columns,
        headers=keys,
        unmatched=[],
        missing=[],
        amount_unit=None,
        amount_unit_source="",
        rows=parsed,
        skipped=[],
        file_format="json",
    )
    return table, codes


def _row_errors(importer, table, codes) -> list[RowError]:
    labels = {column.key: str(column.label) for column in importer.spec.columns}
    required = set(importer.spec.required)
    found = []
    for row in table.rows:
        for key, message in row.errors.items():
            code = codes.get((row.number, key))
            if code is None:
                blank = key in required and not row.raw.get(key)
                code = ErrorCode.REQUIRED if blank else ErrorCode.ROW_INVALID
            found.append(RowError(row.number, key, labels.get(key, key or _("whole row")), str(message), str(code)))
    return found


def run(
    *,
    importer,
    rows: list[dict],
    params: dict,
    actor,
    dry_run: bool,
    update_existing: bool = False,
    valid_only: bool = False,
    confirm_warnings: bool = False,
) -> Outcome:
    """Check the rows with the kind's importer and, unless `dry_run`, write them in one transaction (all or nothing,
    or the valid rows with `valid_only`) with the sheet import's audit row. A refused write returns its `refusal`
    and writes nothing. Row errors are in the outcome; a service's refusal at write time raises (nothing written)."""
    options = {"update_existing": bool(update_existing and importer.can_update), "valid_only": bool(valid_only)}
    table, codes = table_from_rows(importer.spec, rows, params)
    warnings = [str(w) for w in jobs.check(importer, table, actor=actor, options=options)]
    row_errors = _row_errors(importer, table, codes)
    valid = [row for row in table.rows if not row.errors]
    invalid = len(table.rows) - len(valid)
    outcome = Outcome(importer.spec.kind, dry_run, len(table.rows), invalid, row_errors, warnings)
    if dry_run:
        # The would-be counts of writing the valid rows, as the importer's write decides them (`Importer.plan`);
        # `skipped` also counts the rows with errors, which a `valid_only` import would leave out.
        planned = importer.plan(valid, actor=actor, options=options)
        if planned is not None:
            planned.skipped += invalid
            outcome.counts = planned.as_dict()
        return outcome
    if invalid and not valid_only:
        outcome.refusal = ErrorCode.ROWS_INVALID
        return outcome
    if warnings and not confirm_warnings:
        outcome.refusal = ErrorCode.WARNINGS_UNCONFIRMED
        return outcome
    with transaction.atomic():
        counts = importer.write(valid, actor=actor, options=options)
        counts.skipped += invalid
        job = ImportJob.objects.create(
            kind=importer.spec.kind,
            uploader=actor,
            scope_units=sorted(units_for(actor, importer.model, IMPORT)),
            file_name=SOURCE,
            status=ImportJob.Status.DONE,
            options={**options, "warnings_confirmed": bool(warnings)},
            counts={**counts.as_dict(), "total": len(table.rows)},
            errors=[{"row": e.row, "column": e.column, "message": e.message} for e in row_errors[:MAX_LISTED_ERRORS]],
            finished_at=timezone.now(),
        )
        audit.record(
            actor=actor,
            action="import.confirm",
            obj=job,
            changes={"kind": job.kind, "file": SOURCE, **counts.as_dict()},
        )
    outcome.counts, outcome.written, outcome.job = counts.as_dict(), True, job.pk
    return outcome


# -- the export --------------------------------------------------------------------------------------------------


def json_value(column, value):
    """A row's value as the bulk JSON holds it and the import reads it back: an amount or decimal as a string (no
    float rounding), a date as YYYY-MM-DD, a choice as its stored value, a bool as true/false."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def export_rows(importer, rows) -> Iterator[dict]:
    """The rows of `importer.bulk_export(...)` with exactly the spec's keys, in the spec's order."""
    columns = importer.spec.columns
    for row in rows:
        yield {column.key: json_value(column, row.get(column.key)) for column in columns}
