"""The importer protocol of the one sheet import engine, and the registry of importers by kind.

An app declares one `Importer` subclass per sheet kind in its `importers.py` and registers it with `@register`;
core finds those modules at run time (core never imports a domain app). The engine (`core.sheets.jobs`) reads the
sheet with `core.sheets.reader.read_table(..., spec)`, then calls, for the check (dry run) and again for the write:

- `prepare(table, *, actor, options)`: cached lookups for the whole sheet (units in scope by code and name, the
  people by ID number hash, the existing records), a query or two for any number of rows;
- `check_row(row, ctx)`: domain checks, adding Chinese messages to `row.errors` (key → message);
- `warnings(table, ctx)`: what the uploader must confirm with a checkbox (outliers, expected villages missing);
- `write(rows, *, actor, options)` → `Counts`: the valid rows, in bulk, inside the engine's transaction; audit rows
  per changed record (`core.audit.record_many`) and `core.events.records_changed` once per year (the roll-ups run
  once, after commit);
- `plan(rows, *, actor, options)` → `Counts` or None: what `write` would do, without writing (the bulk API's dry
  run), decided the way `write` decides.

`model` is the permission path: IMPORT on it, at the units `accounts.permissions.units_for` gives.

A family of kinds (`@register_family(prefix)`) serves sheets whose columns depend on a record: kind
"<prefix>_<param>" (a report form's answers, "report_12": one column per field of the form's published version).
`get` asks the family's `for_kind(param)` for the importer (None: no such kind, 404), and `visible_to(actor)` says
whether the record behind it is one the actor may know of (the pages answer 404 otherwise).
"""

from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import autodiscover_modules

from core import crypto

from .spec import Column, SheetSpec

# Characters kept at the start and the end, as the portal shows them (cadres.models.people.mask_id_number).
MASKED = {"id_number": (1, 1), "phone": (3, 4)}
REGISTRY: dict[str, type["Importer"]] = {}
FAMILIES: dict[str, type["Importer"]] = {}
_discovered: list[bool] = []  # set once the apps' importers modules are imported


@dataclass
class Counts:
    """What a write did. `skipped`: valid-only rows left out plus the sheet's total rows."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged, "skipped": self.skipped}


@dataclass
class Context:
    """Per-run state handed to `check_row` and `warnings`: who imports, the options, and a scratch dict (rows
    seen so far, to find a value repeated within the sheet)."""

    actor: object
    options: dict
    seen: dict = field(default_factory=dict)

    @property
    def update_existing(self) -> bool:
        return bool(self.options.get("update_existing"))


class Importer:
    spec: SheetSpec
    model: Any = None  # the model class an importer writes (set by each importer)
    list_url = ""  # URL name of the list the result page links back to
    # Whether "更新已有记录" is offered (an existing record is otherwise a row error).
    can_update = True
    # Whether the API's bulk exchange takes this kind (core/sheets/bulk.py): then `bulk_export` gives its rows.
    bulk = False
    # The column keys a bulk request's `params` may give once for every row (a year, a period).
    bulk_params: tuple[str, ...] = ()

    def prepare(self, table, *, actor, options) -> None:
        """Load what `check_row` needs for the whole sheet (override)."""

    def check_row(self, row, ctx: Context) -> None:
        """Add domain errors to `row.errors` (override)."""

    def warnings(self, table, ctx: Context) -> list[str]:
        return []

    @classmethod
    def for_kind(cls, param: str) -> "Importer | None":
        """A family's importer for the parameter of its kind, or None when it names nothing (override)."""
        return None

    @classmethod
    def preloaded(cls, params: Iterable[str]) -> AbstractContextManager:
        """A context in which `for_kind` of these parameters reads no more (override: a family that loads its
        records for many kinds at once, so that the list of bulk kinds costs the same for 2 forms or 40)."""
        return nullcontext()

    @classmethod
    def bulk_family_params(cls, actor) -> Iterable[str]:
        """A bulk-capable family's parameters of the kinds `actor` may know of (a report form's id for each published
        form of their jurisdiction), for the list of bulk kinds (override); whether they may import each is asked
        of `for_kind(param)` as for any kind."""
        return ()

    def visible_to(self, actor) -> bool:
        """Whether `actor` may know of this kind (a family's record in their jurisdiction); pages 404 otherwise."""
        return True

    def write(self, rows, *, actor, options) -> Counts:
        raise NotImplementedError

    def plan(self, rows, *, actor, options) -> Counts | None:
        """What `write` would do with these checked valid rows (created, updated, unchanged, skipped), decided from
        what `prepare` and `check_row` found, without writing: a dry run's counts. None: not told (override)."""
        return None

    def bulk_export(self, actor, *, root, query) -> Iterable[dict]:
        """A bulk-capable kind's rows under `root` (a unit in the actor's view, or None: the whole jurisdiction) for
        the year or period `query` names (a QueryDict: 400 through `core.params`), as dicts by column key that the
        import reads back; PermissionDenied when the actor may not export it (override)."""
        raise NotImplementedError

    # -- shown on the preview --------------------------------------------------------------------------------------

    def display(self, column, value) -> str:
        """A parsed value as the preview shows it (a choice by its label, an amount in yuan with two decimals)."""
        if value is None or value == "":
            return ""
        if column.type in MASKED:  # the preview (and the job row) never holds a full ID number or phone
            return crypto.mask(str(value), *MASKED[column.type])
        if column.type == "choice":
            return dict(column.choices).get(value, str(value))
        if column.type == "bool":
            return "是" if value else "否"
        if column.type == "amount":
            return f"{value:,.2f}"
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return str(value)


def register(cls: type[Importer]) -> type[Importer]:
    REGISTRY[cls.spec.kind] = cls
    return cls


def register_family(prefix: str):
    """Register an importer class serving the kinds "<prefix>_<param>" through its classmethod `for_kind(param)`."""

    def decorator(cls: type[Importer]) -> type[Importer]:
        FAMILIES[prefix] = cls
        return cls

    return decorator


def discover() -> None:
    """Import every app's importers module once (they register their kinds)."""
    if not _discovered:
        autodiscover_modules("importers")
        _discovered.append(True)


def get(kind: str) -> Importer | None:
    """A fresh importer for `kind`, or None when no app declares one."""
    discover()
    cls = REGISTRY.get(kind)
    if cls is not None:
        return cls()
    prefix, _sep, param = (kind or "").rpartition("_")
    family = FAMILIES.get(prefix)
    return family.for_kind(param) if family is not None and param else None


def column(key: str, label: str, aliases: tuple = (), **kwargs) -> Column:
    """A spec column that also answers to its field key (the headers of the earlier English-keyed exports)."""
    return Column(key, label, (*aliases, key), **kwargs)
