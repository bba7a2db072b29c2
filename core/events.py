"""Domain events between apps that must not import each other.

A domain service that changes records a figure depends on calls `records_changed(...)` inside its transaction;
subscribers (the goals roll-ups, for one) are called only after the transaction commits, so they never see
uncommitted data and a rolled-back change triggers nothing. Calls within one transaction are batched: each
subscriber is called once per (source, year) with the union of the unit ids (an import of 1,000 rows is one call).
"""

import logging
import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from django.db import transaction

logger = logging.getLogger(__name__)
_subscribers: list[Callable] = []
_state = threading.local()


@contextmanager
def muted():
    """Announce nothing inside the block: for bulk builders (the demo county) that recompute everything at the end
    themselves, so that the after-commit work is not done a second time."""
    previous = getattr(_state, "muted", False)
    _state.muted = True
    try:
        yield
    finally:
        _state.muted = previous


def subscribe(callback: Callable) -> Callable:
    """Register `callback(*, source, unit_ids, year)`; returns it so it can be used as a decorator."""
    if callback not in _subscribers:
        _subscribers.append(callback)
    return callback


def _notify(batch: dict) -> None:
    for (source, year), ids in batch.items():
        for callback in list(_subscribers):
            try:
                callback(source=source, unit_ids=sorted(ids), year=year)
            except Exception:
                # The write has committed: a failing subscriber (a roll-up, a queue that is down) is logged for the
                # operators and never turns the successful request into an error. Ids and names only, no personal
                # data. The nightly full recompute repairs a missed roll-up.
                logger.exception(
                    "records_changed subscriber %s failed (source=%s, year=%s, %d units)",
                    getattr(callback, "__qualname__", callback),
                    source,
                    year,
                    len(ids),
                )


def records_changed(*, source: str, unit_ids: Iterable[int], year: int | None = None) -> None:
    """Announce that records of `source` (an app label) at these units changed, for `year` (None: every year)."""
    ids = {int(pk) for pk in unit_ids if pk}
    if not ids or getattr(_state, "muted", False):
        return
    connection = transaction.get_connection()
    # One batch per transaction: Django gives every transaction a fresh `run_on_commit` list, so a batch left by a
    # rolled-back transaction is never reused.
    state = getattr(connection, "_records_changed", None)
    if state is None or state[0] is not connection.run_on_commit:
        state = (connection.run_on_commit, {})
        connection._records_changed = state
    batch: dict[tuple[str, int | None], set[int]] = state[1]
    batch.setdefault((source, year), set()).update(ids)

    def flush():
        # The first callback to run after commit delivers the whole batch; later ones find it empty.
        if batch:
            pending = dict(batch)
            batch.clear()
            _notify(pending)

    transaction.on_commit(flush)  # outside a transaction this runs at once


# Named events for outside listeners (the webhooks): one call per occurrence, after commit, never batched. The kinds
# are declared here so that the apps that emit them and the app that listens import only `core`.
CLUE_STATE_CHANGED = "clue.state_changed"
REPORT_APPROVED = "report.approved"
ROLLUP_UPDATED = "rollup.updated"
UNIT_MOVED = "unit.moved"
EVENT_KINDS = (CLUE_STATE_CHANGED, REPORT_APPROVED, ROLLUP_UPDATED, UNIT_MOVED)
_listeners: dict[str, list[Callable]] = {}


def listen(*kinds: str) -> Callable:
    """Decorator registering `callback(*, kind, unit_id, data)` for these event kinds."""

    def register(callback: Callable) -> Callable:
        for kind in kinds:
            callbacks = _listeners.setdefault(kind, [])
            if callback not in callbacks:
                callbacks.append(callback)
        return callback

    return register


def emit(kind: str, *, unit_id: int, data: dict) -> None:
    """Announce that `kind` happened at a unit, with `data` (ids, codes and states: no personal data); listeners are
    called after commit (at once outside a transaction), and a failing one is logged, never raised."""
    if getattr(_state, "muted", False) or not _listeners.get(kind):
        return

    def call():
        for callback in list(_listeners.get(kind, ())):
            try:
                callback(kind=kind, unit_id=unit_id, data=data)
            except Exception:
                logger.exception(
                    "event listener %s failed (kind=%s, unit=%s)",
                    getattr(callback, "__qualname__", callback),
                    kind,
                    unit_id,
                )

    transaction.on_commit(call)
