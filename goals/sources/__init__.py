"""Compute functions, one module per source app, each declared as an indicator with `@indicator(...)` beside it.
Each returns {unit path: Figure} for the records in a scope (a unit's subtree, everything, or `Units`) and a year,
from one grouped query (`counts_by_path`, `ratio_by_path`, `sums_by_path` in `base.py`).

Importing this package registers every indicator; `goals.apps.GoalsConfig.ready()` does it once at start-up.
Adding an indicator is a function in its source's module with an `@indicator(...)` line above it.
"""

from . import cadres, collective_economy, grid_woodpecker, organizations, reporting
from .base import counts_by_path, ratio_by_path, sums_by_path

__all__ = [
    "cadres",
    "collective_economy",
    "counts_by_path",
    "grid_woodpecker",
    "organizations",
    "ratio_by_path",
    "reporting",
    "sums_by_path",
]
