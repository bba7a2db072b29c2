"""Domain events between apps that must not import each other.

A domain service that changes records a figure depends on calls `records_changed(...)` inside its transaction;
subscribers (the goals roll-ups, for one) are called only after the transaction commits, so they never see
uncommitted data and a rolled-back change triggers nothing.
"""

from collections.abc import Callable, Iterable

from django.db import transaction

_subscribers: list[Callable] = []


def subscribe(callback: Callable) -> Callable:
    """Register `callback(*, source, unit_ids, year)`; returns it so it can be used as a decorator."""
    if callback not in _subscribers:
        _subscribers.append(callback)
    return callback


def records_changed(*, source: str, unit_ids: Iterable[int], year: int | None = None) -> None:
    """Announce that records of `source` (an app label) at these units changed, for `year` (None: every year)."""
    ids = sorted({int(pk) for pk in unit_ids if pk})
    if not ids:
        return

    def notify():
        for callback in list(_subscribers):
            callback(source=source, unit_ids=ids, year=year)

    transaction.on_commit(notify)
