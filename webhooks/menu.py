from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.menu import MenuEntry

MENU = [MenuEntry(label=_("Webhook subscriptions"), url_name="webhooks:list", roles=(Role.ORG_DEPARTMENT,), weight=92)]
