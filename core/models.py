"""Cross-cutting records: the audit trail every service writes in its own transaction."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.scoping import ScopedQuerySet

from .history import change_lines

# Human labels of action codes ("unit.move" → 调整隶属), filled by each app's services module (`core.audit` offers it
# to them; it lives here so that AuditEntry can read it without importing `core.audit`, which imports this module).
ACTION_LABELS: dict[str, str | Promise] = {}


class AuditEntry(models.Model):
    """One write use-case carried out: who did what to which object, scoped to the unit it concerns.

    The actor and the unit are kept twice: as foreign keys (SET_NULL, so a user or a unit can still be deleted) and
    as snapshots taken when the row is written (username, display name, unit code, name and path), so the row stays
    readable after the deletion. Nothing in the portal deletes audit rows (docs/security.md, Audit trail).
    """

    scope_field = "unit"

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_username = models.CharField(_("actor username"), max_length=150, blank=True, editable=False)
    actor_repr = models.CharField(_("actor name"), max_length=150, blank=True, editable=False)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("organization unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit_code = models.CharField(_("unit code"), max_length=32, blank=True, editable=False)
    unit_name = models.CharField(_("unit name"), max_length=100, blank=True, editable=False)
    unit_path = models.CharField(_("unit path"), max_length=255, blank=True, editable=False)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    @property
    def actor_display(self) -> str:
        """Who acted, even after the account was deleted; the system when no user acted."""
        if self.actor_repr:
            return self.actor_repr
        if self.actor_username and self.actor_username != "system":
            return self.actor_username
        return str(_("system"))

    @property
    def unit_display(self) -> str:
        """The unit concerned, even after the unit was deleted."""
        return f"{self.unit_name} ({self.unit_code})" if self.unit_code else self.unit_name

    @staticmethod
    def snapshot(actor, unit) -> dict:
        """The snapshot fields for `actor` (a user or None) and `unit` (an OrganizationUnit or None)."""
        user = actor if getattr(actor, "pk", None) else None
        if getattr(actor, "is_system", False):  # accounts.permissions.SYSTEM: jobs, commands and the demo
            return {
                "actor_username": "system",
                "actor_repr": "",  # shown as 系统 by actor_display
                "unit_code": unit.code if unit else "",
                "unit_name": unit.name[:100] if unit else "",
                "unit_path": unit.path if unit else "",
            }
        return {
            "actor_username": user.get_username()[:150] if user else "",
            "actor_repr": str(user)[:150] if user else "",
            "unit_code": unit.code if unit else "",
            "unit_name": unit.name[:100] if unit else "",
            "unit_path": unit.path if unit else "",
        }

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def change_lines(self) -> list[str]:
        """The changes as a user reads them ("目标值由 70 改为 75"): `core.history`."""
        return change_lines(self.object_type, self.changes)


class ImportJob(models.Model):
    """One sheet import (core.sheets): the stored upload (a file under the uploader's directory, named by `token`),
    the options chosen on the way (amount unit, column mapping, valid rows only, update existing), the parse
    (dry run) and the write, each run as a Celery task (`task_id`). Visible to its uploader only."""

    class Status(models.TextChoices):
        PARSING = "parsing", _("checking")
        NEEDS_MAPPING = "needs_mapping", _("columns to map")
        NEEDS_UNIT = "needs_unit", _("amount unit to choose")
        READY = "ready", _("checked")
        REFUSED = "refused", _("refused")
        WRITING = "writing", _("importing")
        DONE = "done", _("imported")
        FAILED = "failed", _("not imported")

    kind = models.CharField(_("import kind"), max_length=40)
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploader"), on_delete=models.CASCADE, related_name="import_jobs"
    )
    # The units where the uploader could import this kind when uploading (codes), for the record.
    scope_units = models.JSONField(_("jurisdiction"), default=list, blank=True)
    file_name = models.CharField(_("file name"), max_length=200)
    token = models.CharField(max_length=64, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PARSING)
    options = models.JSONField(_("options"), default=dict, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    # What the preview shows: columns, units, the first rows, warnings; row errors by row number and column.
    preview = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    error_summary = models.TextField(_("error summary"), blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sheet import")
        verbose_name_plural = _("sheet imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.kind} #{self.pk} {self.file_name}"

    @property
    def running(self) -> bool:
        return self.status in (self.Status.PARSING, self.Status.WRITING)


class ColumnMapping(models.Model):
    """The column-mapping step's answer, saved per uploader and import kind and offered again next time:
    spec column key → the sheet's header text."""

    uploader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("import kind"), max_length=40)
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        constraints = [models.UniqueConstraint(fields=["uploader", "kind"], name="column_mapping_per_uploader_kind")]

    def __str__(self):
        return f"{self.kind}: {self.mapping}"


class Tombstone(models.Model):
    """A deleted record, as the API's deletion feed reports it (`/api/v1/tombstones/`, docs/api.md).

    Written by `core.tombstones` (a post_delete receiver of every model an API list serves) in the deleting
    transaction, so a rolled-back deletion leaves none. The row keeps what a syncing client needs to drop its copy —
    the model's label, the id, the stable code when the model has one — and the path of the unit the record lay
    under, by which it is scoped: a row is visible where the deleted record was, to the roles that could see it
    (`scope_follows_model`, accounts/scoping.py). The path is a column, not a foreign key: the unit may be the
    deleted record itself, or go later. A subtree move rewrites it like the busy tables' cached paths.

    A subtree move also writes one row (reason "moved") for every record that left with it, under the path it had,
    so that a client syncing the old place drops it (`core.tombstones.record_moves`).
    """

    scope_field = "unit"
    scope_path_cache = {"unit": "unit_path"}
    scope_follows_model = "model"
    scope_write_roles = ()  # written by the receiver only, never through a page or an endpoint

    DELETED = "deleted"
    MOVED = "moved"
    REASONS = [(DELETED, _("deleted")), (MOVED, _("moved out of the subtree"))]

    model = models.CharField(_("model"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    code = models.CharField(_("code"), max_length=64, blank=True)
    reason = models.CharField(_("reason"), max_length=10, choices=REASONS, default=DELETED)
    unit_path = models.CharField(max_length=255, blank=True, default="", editable=False)
    # A record that left with a moved subtree (reason "moved"): where it lies now. Whoever can see it there still
    # has it in their lists, so the feed leaves such rows out for them (core/api/tombstones.py).
    moved_to_path = models.CharField(max_length=255, blank=True, default="", editable=False)
    deleted_at = models.DateTimeField(_("deleted at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("deleted record")
        verbose_name_plural = _("deleted records")
        ordering = ["deleted_at", "id"]
        indexes = [
            models.Index(fields=["deleted_at", "id"], name="tombstone_sync"),
            models.Index(fields=["model", "deleted_at", "id"], name="tombstone_model_sync"),
            models.Index(fields=["unit_path"], name="tombstone_unit_path", opclasses=["text_pattern_ops"]),
        ]

    def __str__(self):
        return f"{self.model} #{self.object_id}"
