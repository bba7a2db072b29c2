"""A system client (外部系统): another government system reading and writing through the API with OAuth2 client
credentials. Behind it: a service account (role EXTERNAL_SYSTEM at the client's unit, no usable password, refused
by the portal's login) whose jurisdiction the client's requests have, and a django-oauth-toolkit Application
(confidential, client credentials only) holding the client id and the hashed secret."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.roles import ORG_DEPARTMENT_ROLES, STAFF_ROLES
from accounts.scoping import ScopedQuerySet
from core.api.scopes import SCOPES


class SystemClient(models.Model):
    scope_field = "unit"
    # Staff see the clients of their subtree; the organization department registers, rotates and revokes them.
    scope_view_roles = STAFF_ROLES
    scope_write_roles = ORG_DEPARTMENT_ROLES

    name = models.CharField(_("name"), max_length=100)
    contact_person = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("organization unit"),
        on_delete=models.PROTECT,
        related_name="system_clients",
    )
    # The OAuth2 scopes granted (keys of core.api.scopes.SCOPES).
    scopes = models.JSONField(_("scopes"), default=list)
    # Requests a minute; None: settings.SYSTEM_CLIENT_RATE.
    rate_limit = models.PositiveIntegerField(_("rate limit (requests a minute)"), null=True, blank=True)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("service account"), on_delete=models.PROTECT, related_name="+"
    )
    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        verbose_name=_("OAuth2 application"),
        on_delete=models.PROTECT,
        related_name="system_client",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    secret_rotated_at = models.DateTimeField(_("secret issued at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # Written at most once a minute (clients.auth), not on every request.
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("system client")
        verbose_name_plural = _("system clients")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def client_id(self) -> str:
        return self.application.client_id

    def scope_labels(self) -> list[str]:
        return [str(SCOPES[s]) for s in self.scopes if s in SCOPES]

    def rate(self) -> int:
        return self.rate_limit or settings.SYSTEM_CLIENT_RATE
