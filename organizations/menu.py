from django.utils.translation import gettext_lazy as _

from accounts.permissions import CHANGE
from accounts.roles import Role
from core.menu import MenuEntry

# The tree is browsed by those who work on units (staff, secretaries, grid workers); a woodpecker, a department's
# handler or an external system has nothing to do there (they still may open a unit's page they are linked to).
MENU = [
    MenuEntry(
        label=_("Organizations"),
        url_name="organizations:browser",
        roles=(Role.ORG_DEPARTMENT, Role.TOWNSHIP_STAFF, Role.SECRETARY, Role.GRID_WORKER),
        weight=10,
    ),
    # Granted by those who may (DemonstrationTitle.scope_write_roles: organization-department and township staff).
    MenuEntry(
        label=_("Demonstration titles"),
        url_name="organizations:title_list",
        action=("organizations.DemonstrationTitle", CHANGE),
        weight=11,
    ),
]
