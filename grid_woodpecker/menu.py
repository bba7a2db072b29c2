from django.utils.translation import gettext_lazy as _

from accounts.permissions import CHANGE, COUNTER
from accounts.roles import Role
from core.menu import MenuEntry

from .models.common import DESK

CLUE, REDEMPTION, STATION = "grid_woodpecker.Clue", "grid_woodpecker.Redemption", "grid_woodpecker.Station"

STAFF = (Role.ORG_DEPARTMENT, Role.TOWNSHIP_STAFF, Role.SECRETARY, Role.GRID_WORKER)

MENU = [
    MenuEntry(label=_("My clues"), url_name="grid_woodpecker:me", roles=(Role.WOODPECKER,), weight=30),
    MenuEntry(label=_("My points"), url_name="grid_woodpecker:points", roles=(Role.WOODPECKER,), weight=31),
    # The desk's queues: for those whose work page is the triage queue (Clue's DESK action).
    MenuEntry(label=_("Clue triage"), url_name="grid_woodpecker:triage", action=(CLUE, DESK), weight=32),
    MenuEntry(label=_("Community queue"), url_name="grid_woodpecker:community_queue", action=(CLUE, DESK), weight=33),
    MenuEntry(
        label=_("Department queue"),
        url_name="grid_woodpecker:department_queue",
        roles=(Role.DEPARTMENT_HANDLER,),
        weight=34,
    ),
    MenuEntry(label=_("Woodpecker oversight"), url_name="grid_woodpecker:oversight", roles=STAFF, weight=35),
    MenuEntry(label=_("Woodpeckers"), url_name="grid_woodpecker:woodpecker_list", roles=STAFF, weight=36),
    MenuEntry(
        label=_("Station counter"),
        url_name="grid_woodpecker:counter",
        action=(REDEMPTION, COUNTER),
        weight=37,
    ),
    # A department's handler has no grid to rank: the leaderboard is for the grids' people.
    MenuEntry(
        label=_("Leaderboard"), url_name="grid_woodpecker:leaderboard", roles=(*STAFF, Role.WOODPECKER), weight=38
    ),
    # The scheme's configuration, kept by those who may change it (the models' scope_write_roles).
    MenuEntry(label=_("Stations"), url_name="grid_woodpecker:station_list", action=(STATION, CHANGE), weight=39),
    MenuEntry(
        label=_("Goods"), url_name="grid_woodpecker:goods_list", action=("grid_woodpecker.Goods", CHANGE), weight=40
    ),
    MenuEntry(
        label=_("Clue categories"),
        url_name="grid_woodpecker:category_list",
        action=("grid_woodpecker.ClueCategory", CHANGE),
        weight=41,
    ),
]
