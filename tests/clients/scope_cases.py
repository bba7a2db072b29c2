from itertools import count

from accounts.permissions import CHANGE
from clients.models import SystemClient
from tests.scope import Act, ScopeCase

from .helpers import make_client

_n = count(1)


def _client(county, users, unit):
    # A name of its own: the lists are searched for it (an outside client must not show).
    return make_client(unit, name=f"外部系统{next(_n):03d}")[0]


def _page(step):
    return lambda client: f"/clients/{client.pk}/{step}/"


CASES = [
    ScopeCase(
        name="system_client",
        model=SystemClient,
        make=_client,
        ui_list=lambda: "/clients/",
        ui_detail=lambda client: f"/clients/{client.pk}/",
        ui_update=_page("edit"),
        ui_update_data={
            "name": "改名的外部系统",
            "contact_person": "王五",
            "scopes": ["hierarchy:read"],
            "rate_limit": "",
        },
        ui_actions=(
            Act("page rotate", CHANGE, url=_page("rotate")),
            Act("page revoke", CHANGE, url=_page("revoke")),
        ),
        admin=False,
    ),
]
