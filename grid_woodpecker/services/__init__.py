"""Write use-cases of the grid woodpeckers, one module per sub-domain:

- `woodpeckers`: registration, confirmation, deactivation, lead woodpeckers;
- `clues`: the clue closed loop (TRANSITIONS) from submission to rating;
- `supervision`: the jobs' yellow/red cards and auto close;
- `inspections`: 挑刺找茬 inspection tasks;
- `points`: the points ledger and the policy in force;
- `stations`: stations, goods and prices in points;
- `redemptions`: reserving, confirming and cancelling redemptions;
- `config`: clue categories and the abuse list;
- `open311_keys`: the Open311 API keys of external systems;
- `common`: the helpers they share (the "by" column, grid and department checks).

Every service takes `actor` — a User, or `accounts.permissions.SYSTEM` for the beat jobs and the demo; None is
refused like an anonymous user —, asks the one permission path (`can`/`require`/`require_at`, with the actions
each model declares) before it writes, runs in one transaction, writes an audit row, and announces changes that
yearly figures depend on through core.events. The demo's bulk builders live in `grid_woodpecker.demo`.

This package re-exports the public names of the former single `services` module so that callers outside the app
keep working while they move to the submodules (`from grid_woodpecker.services.clues import clue_accept`). New
code imports from the submodules; drop a name here once no caller uses it through the package.
"""

from .clues import (
    TRANSITIONS,
    clue_accept,
    clue_dispatch,
    clue_handle_in_community,
    clue_merge,
    clue_rate,
    clue_recategorize,
    clue_reject,
    clue_resolve,
    clue_start,
    clue_submit,
)
from .common import DEPARTMENT_KINDS, SOURCE, categories_for, lineage_ids, serves_area
from .config import abuse_list_add, abuse_list_remove, category_create, category_update
from .inspections import task_create, task_take
from .open311_keys import open311_hash, open311_key_create, open311_key_lookup
from .points import (
    DEFAULT_POINTS_PER_CLUE,
    DEFAULT_POINTS_PER_YUAN,
    MAX_ADJUST_POINTS,
    points_adjust,
    points_earn_for_clue,
    points_expire_for_account,
    points_reverse_for_clue,
    policy_for,
    policy_set,
)
from .redemptions import redemption_cancel, redemption_confirm, redemption_reserve
from .stations import goods_create, goods_update, price_in_points, station_create, station_update
from .supervision import (
    AUTO_CLOSE_DAYS,
    OPEN_WORK,
    RED_CARD_AFTER_DAYS,
    clue_auto_close,
    clue_flag_overdue,
    flag_for,
)
from .woodpeckers import (
    woodpecker_confirm,
    woodpecker_create,
    woodpecker_deactivate,
    woodpecker_register,
    woodpecker_set_lead,
)

__all__ = [
    "AUTO_CLOSE_DAYS",
    "DEFAULT_POINTS_PER_CLUE",
    "DEFAULT_POINTS_PER_YUAN",
    "DEPARTMENT_KINDS",
    "MAX_ADJUST_POINTS",
    "OPEN_WORK",
    "RED_CARD_AFTER_DAYS",
    "SOURCE",
    "TRANSITIONS",
    "abuse_list_add",
    "abuse_list_remove",
    "categories_for",
    "category_create",
    "category_update",
    "clue_accept",
    "clue_auto_close",
    "clue_dispatch",
    "clue_flag_overdue",
    "clue_handle_in_community",
    "clue_merge",
    "clue_rate",
    "clue_recategorize",
    "clue_reject",
    "clue_resolve",
    "clue_start",
    "clue_submit",
    "flag_for",
    "goods_create",
    "goods_update",
    "lineage_ids",
    "open311_hash",
    "open311_key_create",
    "open311_key_lookup",
    "points_adjust",
    "points_earn_for_clue",
    "points_expire_for_account",
    "points_reverse_for_clue",
    "policy_for",
    "policy_set",
    "price_in_points",
    "redemption_cancel",
    "redemption_confirm",
    "redemption_reserve",
    "serves_area",
    "station_create",
    "station_update",
    "task_create",
    "task_take",
    "woodpecker_confirm",
    "woodpecker_create",
    "woodpecker_deactivate",
    "woodpecker_register",
    "woodpecker_set_lead",
]
