from django.utils.translation import gettext_lazy as _

from accounts.permissions import CHANGE
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
    # Staff who may define forms (ReportForm.scope_write_roles).
    MenuEntry(
        label=_("Report forms"), url_name="reporting:form_list", action=("reporting.ReportForm", CHANGE), weight=47
    ),
]
