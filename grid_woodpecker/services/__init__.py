"""Write use-cases of the grid woodpeckers, one module per sub-domain:

- `woodpeckers`: registration by staff, confirmation, deactivation, lead woodpeckers;
- `signup`: sign-up by phone and SMS code, password reset by SMS code;
- `clues`: the clue closed loop (TRANSITIONS) from submission to rating;
- `supervision`: the jobs' yellow/red cards and auto close;
- `inspections`: 挑刺找茬 inspection tasks;
- `points`: the points ledger and the policy in force;
- `stations`: stations, goods, their stock and prices in points;
- `redemptions`: confirming a redemption (points, stock, pickup code), handing it out at the counter, cancelling;
- `config`: clue categories and the abuse list;
- `open311_keys`: the Open311 API keys of external systems;
- `public_media`: clue photos cleared for the public (Open311 `media_url`, metadata stripped);
- `common`: the helpers they share (the "by" column, grid and department checks).

Every service takes `actor` — a User, or `accounts.permissions.SYSTEM` for the beat jobs and the demo; None is
refused like an anonymous user —, asks the one permission path (`can`/`require`/`require_at`, with the actions
each model declares) before it writes, runs in one transaction, writes an audit row, and announces changes that
yearly figures depend on through core.events. The demo's bulk builders live in `grid_woodpecker.demo`.

The package re-exports only the names older callers still use through it (a few tests and docs); everything else,
and all new code, imports from the submodules (`from grid_woodpecker.services.clues import clue_accept`). Drop a
name here once no caller uses it through the package.
"""

from django.utils.translation import gettext_lazy

from core import audit

from .clues import clue_accept, clue_handle_in_community, clue_rate, clue_reject, clue_resolve, clue_submit
from .open311_keys import open311_key_create
from .points import points_adjust
from .redemptions import redemption_reserve
from .woodpeckers import woodpecker_confirm, woodpecker_create, woodpecker_deactivate

audit.ACTION_LABELS.update(
    {
        "woodpecker.register": gettext_lazy("Woodpecker signed up"),
        "woodpecker.create": gettext_lazy("Woodpecker added"),
        "woodpecker.bulk_create": gettext_lazy("Woodpeckers added in bulk"),
        "woodpecker.confirm": gettext_lazy("Woodpecker confirmed"),
        "woodpecker.deactivate": gettext_lazy("Woodpecker deactivated"),
        "woodpecker.lead": gettext_lazy("Lead woodpecker set"),
        "woodpecker.update": gettext_lazy("Woodpecker changed"),
        "clue.submit": gettext_lazy("Clue submitted"),
        "clue.accept": gettext_lazy("Clue accepted"),
        "clue.reject": gettext_lazy("Clue rejected"),
        "clue.merge": gettext_lazy("Clue merged"),
        "clue.handle": gettext_lazy("Clue handled in the community"),
        "clue.dispatch": gettext_lazy("Clue dispatched"),
        "clue.start": gettext_lazy("Clue handling started"),
        "clue.recategorize": gettext_lazy("Clue moved to another category"),
        "clue.resolve": gettext_lazy("Clue resolved"),
        "clue.rate": gettext_lazy("Clue rated"),
        "clue.flag": gettext_lazy("Clue flagged for supervision"),
        "clue.auto_close": gettext_lazy("Clue closed automatically"),
        "clue.import_history": gettext_lazy("Past clues imported"),
        "clue_photo.clear": gettext_lazy("Clue photo cleared for the public"),
        "clue_photo.withdraw": gettext_lazy("Clue photo withdrawn from the public"),
        "clue_category.create": gettext_lazy("Clue category created"),
        "clue_category.update": gettext_lazy("Clue category changed"),
        "abuse_list.add": gettext_lazy("Added to the abuse list"),
        "abuse_list.remove": gettext_lazy("Removed from the abuse list"),
        "points.earn": gettext_lazy("Points earned"),
        "points.reverse": gettext_lazy("Points reversed"),
        "points.adjust": gettext_lazy("Points adjusted"),
        "points_policy.set": gettext_lazy("Points policy set"),
        "station.create": gettext_lazy("Redemption station created"),
        "station.update": gettext_lazy("Redemption station changed"),
        "goods.create": gettext_lazy("Goods added"),
        "goods.update": gettext_lazy("Goods changed"),
        "goods.stock_adjust": gettext_lazy("Stock adjusted"),
        "redemption.reserve": gettext_lazy("Redemption reserved"),
        "redemption.confirm": gettext_lazy("Redemption confirmed"),
        "redemption.cancel": gettext_lazy("Redemption cancelled"),
        "task.create": gettext_lazy("Inspection task created"),
        "task.take": gettext_lazy("Inspection task taken"),
    }
)

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
