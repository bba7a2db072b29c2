"""Users and their role assignments: a role held at an organization unit defines a jurisdiction (its subtree)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .permissions import GRANT
from .roles import GRANTING_ROLES, Role
from .scoping import ScopedQuerySet


class User(AbstractUser):
    """A portal user: staff, secretary, woodpecker or an external system's service account."""

    # A user lies in the jurisdiction of every unit they hold a role at (staff manage those accounts).
    scope_field = "role_assignments__unit"
    # GRANT: the accounts a user sees on the accounts pages (a role inside a subtree where they hold a granting role);
    # what they may do to them is `accounts.permissions.can_manage_account` (the grant ladder).
    scope_actions = {GRANT: GRANTING_ROLES}

    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    # Set on accounts whose password someone else chose (created by staff or an import, a password reset by
    # staff): the portal lets them do nothing but change it (accounts.middleware.AccountPolicyMiddleware).
    must_change_password = models.BooleanField(_("must change password"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.username

    def role_names(self) -> set[str]:
        cache = self.__dict__.get("_role_names")
        if cache is None:
            cache = set(self.role_assignments.values_list("role", flat=True)) if self.pk else set()
            self.__dict__["_role_names"] = cache
        return cache

    def has_role(self, *roles) -> bool:
        return self.is_superuser or bool(self.role_names() & set(roles))


class RoleAssignment(models.Model):
    """A role held at an organization unit; the user's jurisdiction for it is that unit's subtree."""

    scope_field = "unit"
    # GRANT: the units where a user may grant some role; which roles is `accounts.permissions.can_grant`.
    scope_actions = {GRANT: GRANTING_ROLES}

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("organization unit"),
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [models.UniqueConstraint(fields=["user", "role", "unit"], name="uniq_role_assignment")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.unit}"
