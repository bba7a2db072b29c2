from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.menu import MenuEntry

MENU = [
    MenuEntry(
        label=_("Collective economy"),
        url_name="collective_economy:index",
        roles=(Role.ORG_DEPARTMENT, Role.TOWNSHIP_STAFF, Role.SECRETARY, Role.EXTERNAL_SYSTEM),
        weight=40,
    ),
]
