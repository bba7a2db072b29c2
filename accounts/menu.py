from django.utils.translation import gettext_lazy as _

from core.menu import MenuEntry

from .roles import GRANTING_ROLES

MENU = [MenuEntry(label=_("Accounts"), url_name="accounts:list", roles=GRANTING_ROLES, weight=90)]
