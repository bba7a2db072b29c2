from django.utils.translation import gettext_lazy as _

from accounts.roles import ORG_DEPARTMENT_ROLES
from core.menu import MenuEntry

MENU = [MenuEntry(label=_("System clients"), url_name="clients:list", roles=ORG_DEPARTMENT_ROLES, weight=92)]
