from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.menu import MenuEntry

MENU = [
    MenuEntry(
        label=_("Annual goals"),
        url_name="goals:home",
        roles=(Role.ORG_DEPARTMENT, Role.TOWNSHIP_STAFF, Role.SECRETARY),
        weight=60,
    ),
    MenuEntry(
        label=_("Form indicators"), url_name="goals:form_indicator_list", roles=(Role.ORG_DEPARTMENT,), weight=61
    ),
]
