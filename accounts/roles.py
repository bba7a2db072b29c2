"""The roles a user can hold at an organization unit (docs/domain.md "Users and roles")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ORG_DEPARTMENT = "org_department", _("Organization department staff")
    TOWNSHIP_STAFF = "township_staff", _("Township staff")
    SECRETARY = "secretary", _("Village/community secretary")
    GRID_WORKER = "grid_worker", _("Grid worker")
    DEPARTMENT_HANDLER = "department_handler", _("Department handler")
    WOODPECKER = "woodpecker", _("Woodpecker")
    EXTERNAL_SYSTEM = "external_system", _("External system")


# Roles that may change the organization tree and other staff-managed records in their subtree.
STAFF_ROLES = (Role.ORG_DEPARTMENT, Role.TOWNSHIP_STAFF)
# The city's organization department alone (targets, reward schemes).
ORG_DEPARTMENT_ROLES = (Role.ORG_DEPARTMENT,)
# A village's own secretary (submits its reports).
SECRETARY_ROLES = (Role.SECRETARY,)
# Staff and the village/community secretary (records a village keeps itself).
VILLAGE_ROLES = (*STAFF_ROLES, Role.SECRETARY)
# Roles that work in the portal's back office (admin site).
ADMIN_SITE_ROLES = (Role.ORG_DEPARTMENT, Role.TOWNSHIP_STAFF)

# The grant ladder (docs/security.md, "Accounts and roles"), declared once. A user may grant, revoke or manage only
# roles of a strictly lower rank than a granting role they hold, at units inside that role's subtree; superusers rank
# above every role. Organization-department staff (at any unit, so also at a root unit — one without a parent) and
# superusers are therefore made only by superusers. The external system ranks between township and
# organization-department staff: only organization-department staff at or above its unit (or a superuser) grant it.
SUPERUSER_RANK = 100
# Keyed by the role's string value (a Role is a str), as stored on RoleAssignment.role.
ROLE_RANK: dict[str, int] = {
    Role.ORG_DEPARTMENT: 50,
    Role.EXTERNAL_SYSTEM: 40,
    Role.TOWNSHIP_STAFF: 30,
    Role.SECRETARY: 20,
    Role.GRID_WORKER: 10,
    Role.DEPARTMENT_HANDLER: 10,
    Role.WOODPECKER: 10,
}
# The roles that grant at all (the back-office staff). A secretary or grid worker outranks a woodpecker but grants
# nothing through the accounts pages: woodpeckers get their role through the woodpecker registration loop.
GRANTING_ROLES = (Role.ORG_DEPARTMENT, Role.TOWNSHIP_STAFF)
