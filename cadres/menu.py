from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.menu import MenuEntry

_WORK = (Role.ORG_DEPARTMENT, Role.TOWNSHIP_STAFF, Role.SECRETARY)

MENU = [
    MenuEntry(label=_("Party members"), url_name="cadres:member_list", roles=_WORK, weight=20),
    MenuEntry(label=_("Member development"), url_name="cadres:development_list", roles=_WORK, weight=21),
    MenuEntry(label=_("Cadres"), url_name="cadres:post_list", roles=_WORK, weight=22),
    MenuEntry(label=_("Reserve cadres"), url_name="cadres:reserve_list", roles=_WORK, weight=23),
    MenuEntry(label=_("Training"), url_name="cadres:training_list", roles=_WORK, weight=24),
]
