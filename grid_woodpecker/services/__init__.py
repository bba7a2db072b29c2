"""Write use-cases of the grid woodpeckers, one module per sub-domain:

- `woodpeckers`: registration, confirmation, deactivation, lead woodpeckers;
- `clues`: the clue closed loop (TRANSITIONS) from submission to rating;
- `supervision`: the jobs' yellow/red cards and auto close;
- `inspections`: 挑刺找茬 inspection tasks;
- `points`: the points ledger and the policy in force;
- `stations`: stations, goods, their stock and prices in points;
- `redemptions`: confirming a redemption (points, stock, pickup code), handing it out at the counter, cancelling;
- `config`: clue categories and the abuse list;
- `open311_keys`: the Open311 API keys of external systems;
- `common`: the helpers they share (the "by" column, grid and department checks).

Every service takes `actor` — a User, or `accounts.permissions.SYSTEM` for the beat jobs and the demo; None is
refused like an anonymous user —, asks the one permission path (`can`/`require`/`require_at`, with the actions
each model declares) before it writes, runs in one transaction, writes an audit row, and announces changes that
yearly figures depend on through core.events. The demo's bulk builders live in `grid_woodpecker.demo`.

The package re-exports only the names older callers still use through it (a few tests and docs); everything else,
and all new code, imports from the submodules (`from grid_woodpecker.services.clues import clue_accept`). Drop a
name here once no caller uses it through the package.
"""

from .clues import clue_accept, clue_handle_in_community, clue_rate, clue_reject, clue_resolve, clue_submit
from .open311_keys import open311_key_create
from .points import points_adjust
from .redemptions import redemption_reserve
from .woodpeckers import woodpecker_confirm, woodpecker_create, woodpecker_deactivate

__all__ = [
    "clue_accept",
    "clue_handle_in_community",
    "clue_rate",
    "clue_reject",
    "clue_resolve",
    "clue_submit",
    "open311_key_create",
    "points_adjust",
    "redemption_reserve",
    "woodpecker_confirm",
    "woodpecker_create",
    "woodpecker_deactivate",
]
