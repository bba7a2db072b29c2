"""The prefill registry: figures the portal already holds, by key, for a form field to arrive filled.

A source is a function (unit, period start, period end) -> a number, declared with `@prefill_source(key, label)`
in `reporting/sources.py` (core imports no app; the apps do not import reporting). `compute(fields, unit, start,
end)` fills every bound field of a form with one call per distinct source, so the query count follows the number
of sources a form uses, never the number of its fields. The special key `previous` is last period's answer to the
same field code, read for all such fields in one query by the caller (`services.open_report`).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

PREVIOUS = "previous"


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    compute: Callable


REGISTRY: dict[str, Source] = {}


def prefill_source(key: str, label):
    """Register the decorated function as the prefill source `key` (a label shown beside prefilled fields)."""

    def register(function):
        if key in REGISTRY or key == PREVIOUS:
            raise ValueError(f"prefill source {key!r} is declared twice")
        REGISTRY[key] = Source(key, label, function)
        return function

    return register


def label(key: str):
    if key == PREVIOUS:
        return _("Last period's answer")
    source = REGISTRY.get(key)
    return source.label if source else key


def choices() -> list[tuple[str, str]]:
    return [("", "—"), (PREVIOUS, label(PREVIOUS)), *((s.key, s.label) for s in REGISTRY.values())]


def compute(fields: Iterable, unit, start: date, end: date) -> dict[str, object]:
    """{field code: computed value} for the fields bound to a registered source (`previous` is left out)."""
    by_source: dict[str, list] = {}
    for field in fields:
        if field.prefill and field.prefill in REGISTRY:
            by_source.setdefault(field.prefill, []).append(field)
    values: dict[str, object] = {}
    for key, bound in by_source.items():
        value = REGISTRY[key].compute(unit, start, end)
        for field in bound:
            values[field.code] = value
    return values
