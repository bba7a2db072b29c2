"""The roles a user can hold at an organization unit (DOMAIN.md "Who uses it")."""

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
