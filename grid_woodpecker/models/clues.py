"""Clues and their closed loop: categories, inspection tasks, the clue with its history and photos, the abuse
list, and the Open311 keys of the external systems that file clues."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import HANDLE, IMPORT, RATE, TRIAGE, VIEW
from accounts.roles import Role
from accounts.scoping import CachedScopePathMixin

from .common import DESK, DESK_ROLES, TAKE, TRIAGE_ROLES, GridScopedQuerySet, coordinate_field
from .woodpeckers import Woodpecker


class ClueCategory(models.Model):
    """A kind of problem a clue reports, configured per city (or any unit whose subtree uses it), with a deadline."""

    scope_field = "unit"
    # CHANGE: the default (organization-department and township staff). Every unit a category refers to — its unit
    # and its default department — must lie inside the writer's scope (services.category_create/update).

    unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("configured for"),
        on_delete=models.PROTECT,
        related_name="clue_categories",
    )
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=50)
    deadline_days = models.PositiveSmallIntegerField(_("deadline (days)"), default=7)
    default_department = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("default department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The category's questions (Open311 service attributes), a list checked by grid_woodpecker.attributes.
    attributes = models.JSONField(_("questions"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("clue category")
        verbose_name_plural = _("clue categories")
        ordering = ["unit_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="uniq_clue_category_code"),
            models.CheckConstraint(condition=Q(deadline_days__gte=1), name="clue_category_deadline_positive"),
        ]

    def __str__(self):
        return self.name


class InspectionTask(models.Model):
    """A 挑刺找茬 inspection task a community posts for a grid and a period; woodpeckers take it and link clues."""

    scope_field = "grid"
    scope_write_roles = TRIAGE_ROLES  # CHANGE: post a task
    scope_actions = {TAKE: (Role.WOODPECKER,)}  # a woodpecker takes the tasks of their grid

    grid = models.ForeignKey(
        "organizations.OrganizationUnit", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("posted by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    takers = models.ManyToManyField(Woodpecker, verbose_name=_("taken by"), blank=True, related_name="tasks")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection task")
        verbose_name_plural = _("inspection tasks")
        ordering = ["-starts_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="task_period")]

    def __str__(self):
        return self.title


class ClueStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    MERGED = "merged", _("Merged as duplicate")
    REJECTED = "rejected", _("Rejected")
    DISPATCHED = "dispatched", _("Dispatched")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class HandlerKind(models.TextChoices):
    COMMUNITY = "community", _("Community")
    DEPARTMENT = "department", _("Department")


class OverdueFlag(models.TextChoices):
    NONE = "", _("On time")
    YELLOW = "yellow", _("Yellow card")
    RED = "red", _("Red card")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class ClueSource(models.TextChoices):
    WOODPECKER = "woodpecker", _("Woodpecker")
    OPEN311 = "open311", _("External system")
    STAFF = "staff", _("Staff")


class Clue(CachedScopePathMixin, models.Model):
    """A problem a woodpecker (or an external system) reports in a grid, followed through the closed loop."""

    scope_field = "grid"
    scope_write_roles = TRIAGE_ROLES  # CHANGE: re-categorise
    scope_actions = {
        TRIAGE: TRIAGE_ROLES,  # accept, merge, reject, take in hand, dispatch
        HANDLE: TRIAGE_ROLES,  # start, resolve (and the department's handlers, below)
        RATE: (),  # the reporter only (scope_owner_actions)
        IMPORT: TRIAGE_ROLES,  # import the history of an earlier platform
        DESK: DESK_ROLES,  # whose work page is the triage queue (the landing page)
    }
    scope_owner_field = "reporter__user"
    scope_owner_actions = (VIEW, RATE)
    scope_department_field = "department"
    scope_department_actions = (VIEW, HANDLE)
    scope_path_cache = {"grid": "grid_path"}  # scoped lists use this table's own path index (accounts.scoping)

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    grid = models.ForeignKey(
        "organizations.OrganizationUnit", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="clues"
    )
    grid_path = models.CharField(max_length=255, editable=False, blank=True, default="")
    building = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("building"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = coordinate_field(90)
    longitude = coordinate_field(180)
    category = models.ForeignKey(ClueCategory, verbose_name=_("category"), on_delete=models.PROTECT)
    description = models.TextField(_("description"), max_length=2000)
    source = models.CharField(_("source"), max_length=16, choices=ClueSource.choices, default=ClueSource.WOODPECKER)
    reporter = models.ForeignKey(
        Woodpecker, verbose_name=_("reporter"), on_delete=models.PROTECT, null=True, blank=True, related_name="clues"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    task = models.ForeignKey(
        InspectionTask,
        verbose_name=_("inspection task"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clues",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ClueStatus.choices, default=ClueStatus.SUBMITTED, db_index=True
    )
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("duplicate of"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reject_reason = models.CharField(_("rejection reason"), max_length=300, blank=True)
    handler_kind = models.CharField(_("handled by"), max_length=16, choices=HandlerKind.choices, blank=True)
    department = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dispatched_clues",
    )
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    flag = models.CharField(_("supervision"), max_length=8, choices=OverdueFlag.choices, blank=True, default="")
    resolution = models.TextField(_("what was done"), blank=True)
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices, blank=True)
    rating_reason = models.CharField(_("rating reason"), max_length=300, blank=True)
    found_false = models.BooleanField(_("found false"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now, editable=False, db_index=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    # The answers to the category's questions, {code: value}, cleaned by grid_woodpecker.attributes.
    attributes = models.JSONField(_("answers to the questions"), default=dict, blank=True)

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("clue")
        verbose_name_plural = _("clues")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["grid", "category", "submitted_at"]),
            models.Index(fields=["status", "flag"]),
            models.Index(fields=["grid_path"], name="clue_grid_path", opclasses=["text_pattern_ops"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""), name="clue_rejection_needs_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(duplicate_of__isnull=False), name="clue_merge_needs_original"
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.category.name if self.category_id else ''}"

    @property
    def is_open(self) -> bool:
        return self.status not in (ClueStatus.MERGED, ClueStatus.REJECTED, ClueStatus.CLOSED)


class ClueEvent(models.Model):
    """One step in a clue's history: a state change, a re-categorisation, a re-dispatch or a card; who, when, note."""

    scope_field = "clue__grid"
    scope_owner_field = "clue__reporter__user"
    scope_department_field = "clue__department"

    class Kind(models.TextChoices):
        TRANSITION = "transition", _("State change")
        RECATEGORIZE = "recategorize", _("Re-categorised")
        REDISPATCH = "redispatch", _("Re-dispatched")
        FLAG = "flag", _("Supervision card")

    clue = models.ForeignKey(Clue, verbose_name=_("clue"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.TRANSITION)
    from_status = models.CharField(_("from"), max_length=16, choices=ClueStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=ClueStatus.choices)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("clue event")
        verbose_name_plural = _("clue events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.clue_id}: {self.from_status} → {self.to_status}"


def clue_photo_path(instance, filename):
    return f"woodpecker/clues/{instance.clue_id}/{uuid.uuid4().hex}.jpg"


def public_photo_path(instance, filename):
    # Not the token: the file's name tells nothing of the public address (served only by views.public_photo).
    return f"woodpecker/public/{uuid.uuid4().hex}.jpg"


class CluePhoto(models.Model):
    """A photo attached to a clue (by the reporter, or with the resolution), re-encoded without its metadata."""

    scope_field = "clue__grid"
    scope_owner_field = "clue__reporter__user"
    scope_department_field = "clue__department"

    class Stage(models.TextChoices):
        REPORT = "report", _("Report")
        RESOLUTION = "resolution", _("Resolution")

    clue = models.ForeignKey(Clue, verbose_name=_("clue"), on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.REPORT)
    image = models.ImageField(_("image"), upload_to=clue_photo_path)
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # Cleared for the public by staff (no face, no personal information): a re-encoded copy without metadata,
    # served without login at an unguessable address (services.public_media).
    public_token = models.CharField(max_length=43, unique=True, null=True, blank=True, editable=False)
    public_image = models.ImageField(_("public copy"), upload_to=public_photo_path, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cleared by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("clue photo")
        verbose_name_plural = _("clue photos")
        ordering = ["id"]

    def __str__(self):
        return f"{self.clue_id} · {self.get_stage_display()}"


class AbuseListEntry(models.Model):
    """A login barred from filing clues in a unit until a date, for flooding or malicious reports."""

    scope_field = "unit"
    scope_write_roles = TRIAGE_ROLES

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "organizations.OrganizationUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200)
    until = models.DateTimeField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("listed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("abuse list entry")
        verbose_name_plural = _("abuse list")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} · {self.reason}"


class Open311Key(models.Model):
    """An Open311 API key of an external system (12345 hotline…): which service user files, and where it may."""

    scope_field = "unit"

    name = models.CharField(_("system name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(_("key prefix"), max_length=8, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("service user"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "organizations.OrganizationUnit", verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"
