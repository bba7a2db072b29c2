"""The workbench: what waits for this user, as counts and short lists, on the home page.

Apps register queues in their own `<app>/workbench.py` (core discovers them at run time, as it does the menus):

    @workbench.queue(key="clue_triage", label=_("Clues to triage"), order=10)
    def clue_triage(user) -> workbench.Queue | None: ...

A queue function returns None when the user's roles have no such work (`accounts.permissions.holds_action`), or a
`Queue(count, items, url)`: the count of every waiting record, the first few as `Item`s, and the link to the
filtered list. Each is computed by a selector starting from the scoped queryset (`restrict`), in one query (the
short list with the count), so the page's query count is fixed (tests/core/test_workbench.py).

An app may also register a shortcut: the one task a role starts most often, drawn as a big button at the top of the
home page (a woodpecker's "report a problem"):

    @workbench.shortcut(key="clue_new", order=10)
    def report_problem(user) -> workbench.Shortcut | None: ...
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module

from django.apps import apps
from django.db.models import Count, Window
from django.utils.functional import Promise

SHORT_LIST = 5


@dataclass(frozen=True)
class Item:
    label: str
    url: str
    note: str = ""
    tone: str = ""  # "", "warn" (soon due, a yellow card) or "alert" (overdue, a red card)


@dataclass(frozen=True)
class Shortcut:
    key: str
    label: str
    url: str


@dataclass
class Queue:
    count: int
    items: list[Item]
    url: str
    key: str = ""
    label: str | Promise = ""


@dataclass(frozen=True)
class QueueSpec:
    key: str
    label: str | Promise
    order: int
    compute: Callable = field(compare=False)


_QUEUES: dict[str, QueueSpec] = {}
_SHORTCUTS: dict[str, tuple[int, Callable]] = {}


def queue(*, key: str, label, order: int = 100):
    def register(function):
        _QUEUES[key] = QueueSpec(key=key, label=label, order=order, compute=function)
        return function

    return register


def shortcut(*, key: str, order: int = 100):
    """Register `function(user) -> Shortcut | None`: a button at the top of the user's home page (None: not theirs)."""

    def register(function):
        _SHORTCUTS[key] = (order, function)
        return function

    return register


def short(queryset, to_item: Callable, url: str) -> Queue:
    """A Queue from a scoped queryset: its first SHORT_LIST rows as items and the count of all, in one query (the
    count is a window over the whole filtered set, read from the first row; no row: none waiting)."""
    rows = list(queryset.annotate(workbench_total=Window(Count("pk")))[:SHORT_LIST])
    return Queue(count=rows[0].workbench_total if rows else 0, items=[to_item(row) for row in rows], url=url)


@cache
def _discover() -> None:
    # Each app's `workbench` module, found once per process (so core imports no app).
    for config in apps.get_app_configs():
        try:
            import_module(f"{config.name}.workbench")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.workbench":
                raise


def registered() -> list[QueueSpec]:
    _discover()
    return sorted(_QUEUES.values(), key=lambda spec: (spec.order, spec.key))


def queues_for(user) -> list[Queue]:
    """The user's queues in order (those their roles have), each with its key and label."""
    found = []
    for spec in registered():
        result = spec.compute(user)
        if result is not None:
            result.key, result.label = spec.key, spec.label
            found.append(result)
    return found


def shortcuts_for(user) -> list[Shortcut]:
    """The buttons at the top of the user's home page, in order (those their roles have)."""
    _discover()
    found = []
    for _order, key in sorted((order, key) for key, (order, _function) in _SHORTCUTS.items()):
        item = _SHORTCUTS[key][1](user)
        if item is not None:
            found.append(item)
    return found
