from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.menu import MenuEntry

MENU = [
    MenuEntry(
        label=_("Periodic reports"),
        url_name="reporting:index",
        roles=(Role.ORG_DEPARTMENT, Role.TOWNSHIP_STAFF, Role.SECRETARY),
        weight=45,
    ),
    MenuEntry(
        label=_("Report item lists"),
        url_name="reporting:items",
        roles=(Role.ORG_DEPARTMENT, Role.TOWNSHIP_STAFF),
        weight=46,
    ),
]
