"""Grid woodpeckers: volunteers who report clues in their grid, the clue closed loop, and the 1:10:5 points exchange.

Every model names its way to an OrganizationUnit in `scope_field`; clues are scoped by their grid, and a department
handler also sees the clues dispatched to their department (ClueQuerySet.restrict).
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import ADJUST, COUNTER, HANDLE, IMPORT, RATE, TRIAGE, VIEW
from accounts.roles import STAFF_ROLES, Role
from accounts.scoping import ScopedQuerySet

# Who triages and handles clues in their grid or community: township/org staff, the community secretary and the
# grid worker.
TRIAGE_ROLES = (*STAFF_ROLES, Role.SECRETARY, Role.GRID_WORKER)
# Who corrects a points balance by hand (`accounts/adjust`): staff only — organization-department and township
# staff; a grid worker or secretary does not credit points.
ADJUST_ROLES = STAFF_ROLES
# Actions only this app's records have (plain strings, like the constants of accounts.permissions), declared on
# their models below: a woodpecker redeems their own points, cancels their own reservation, takes a task of
# their grid.
REDEEM = "redeem"
CANCEL = "cancel"
TAKE = "take"
# Whose role lets them see the records of their jurisdiction. A woodpecker's role at a grid does not show them their
# neighbours' clues or points: they see their own (`scope_owner_field`) and the public version of the rest.
VIEW_ROLES = (*TRIAGE_ROLES, Role.DEPARTMENT_HANDLER)


class GridScopedQuerySet(ScopedQuerySet):
    """The foundation's scoping (accounts.scoping.restrict), read by the roles in VIEW_ROLES unless a model says
    otherwise in `scope_view_roles`; owners and department handlers see their rows through `scope_owner_field`
    and `scope_department_field`."""

    default_view_roles = VIEW_ROLES


class WoodpeckerGroup(models.TextChoices):
    DELIVERY_RIDER = "delivery_rider", _("Delivery rider")
    COURIER = "courier", _("Courier")
    MEMBER_WITHOUT_POST = "member_without_post", _("Party member without post")
    IN_SERVICE_MEMBER = "in_service_member", _("In-service party member")
    RESIDENT = "resident", _("Resident")
    TWO_NEW_MEMBER = "two_new_member", _("Member of a two-new organization")


class WoodpeckerStatus(models.TextChoices):
    PENDING = "pending", _("Pending confirmation")
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Deactivated")


class Woodpecker(models.Model):
    """A volunteer registered to a grid who reports clues there (网格“啄木鸟”); a lead woodpecker (头鸟) has duties."""

    scope_field = "grid"
    scope_write_roles = TRIAGE_ROLES  # CHANGE: register on their behalf, confirm, deactivate, lead duties
    scope_actions = {IMPORT: TRIAGE_ROLES}  # import and export sheets of woodpeckers
    scope_owner_field = "user"

    person = models.OneToOneField(
        "cadres.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="woodpecker"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="woodpecker",
    )
    grid = models.ForeignKey(
        "organizations.OrganizationUnit", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="woodpeckers"
    )
    group = models.CharField(_("group"), max_length=32, choices=WoodpeckerGroup.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=WoodpeckerStatus.choices, default=WoodpeckerStatus.PENDING
    )
    is_lead = models.BooleanField(_("lead woodpecker"), default=False)
    lead_duties = models.TextField(_("lead duties"), blank=True)
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)
    deactivation_reason = models.CharField(_("deactivation reason"), max_length=200, blank=True)

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("woodpecker")
        verbose_name_plural = _("woodpeckers")
        ordering = ["-registered_at", "id"]
        indexes = [models.Index(fields=["grid", "status"])]

    def __str__(self):
        return self.person.name if self.person_id else str(self.pk)


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


class Clue(models.Model):
    """A problem a woodpecker (or an external system) reports in a grid, followed through the closed loop."""

    scope_field = "grid"
    scope_write_roles = TRIAGE_ROLES  # CHANGE: re-categorise
    scope_actions = {
        TRIAGE: TRIAGE_ROLES,  # accept, merge, reject, take in hand, dispatch
        HANDLE: TRIAGE_ROLES,  # start, resolve (and the department's handlers, below)
        RATE: (),  # the reporter only (scope_owner_actions)
        IMPORT: TRIAGE_ROLES,  # import the history of an earlier platform
    }
    scope_owner_field = "reporter__user"
    scope_owner_actions = (VIEW, RATE)
    scope_department_field = "department"
    scope_department_actions = (VIEW, HANDLE)

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    grid = models.ForeignKey(
        "organizations.OrganizationUnit", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="clues"
    )
    building = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("building"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
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
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("clue")
        verbose_name_plural = _("clues")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["grid", "category", "submitted_at"]), models.Index(fields=["status", "flag"])]
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

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("clue event")
        verbose_name_plural = _("clue events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.clue_id}: {self.from_status} → {self.to_status}"


def clue_photo_path(instance, filename):
    return f"woodpecker/clues/{instance.clue_id}/{uuid.uuid4().hex}.jpg"


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

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("abuse list entry")
        verbose_name_plural = _("abuse list")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} · {self.reason}"


class PointsPolicy(models.Model):
    """The exchange rule of a city from a date on: points per accepted clue, points per yuan of goods, expiry."""

    scope_field = "unit"

    unit = models.ForeignKey(
        "organizations.OrganizationUnit", verbose_name=_("city"), on_delete=models.PROTECT, related_name="+"
    )
    effective_from = models.DateField(_("effective from"))
    points_per_clue = models.PositiveIntegerField(_("points per accepted clue"), default=10)
    points_per_yuan = models.DecimalField(_("points per yuan"), max_digits=6, decimal_places=2, default=2)
    expiry_days = models.PositiveIntegerField(_("points expire after (days)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("points policy")
        verbose_name_plural = _("points policies")
        ordering = ["unit_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "effective_from"], name="uniq_points_policy_date"),
            models.CheckConstraint(condition=Q(points_per_yuan__gt=0), name="points_per_yuan_positive"),
        ]

    def __str__(self):
        return f"{self.effective_from}: {self.points_per_clue} / {self.points_per_yuan}"


class PointsAccount(models.Model):
    """A woodpecker's points balance: the sum of their ledger entries, guarded by a row lock and never negative."""

    scope_field = "woodpecker__grid"
    scope_actions = {ADJUST: ADJUST_ROLES, REDEEM: ()}
    scope_owner_field = "woodpecker__user"
    scope_owner_actions = (VIEW, REDEEM)  # only the woodpecker spends their own points

    woodpecker = models.OneToOneField(
        Woodpecker, verbose_name=_("woodpecker"), on_delete=models.PROTECT, related_name="account"
    )
    balance = models.IntegerField(_("balance"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="points_balance_not_negative")]

    def __str__(self):
        return f"{self.woodpecker} · {self.balance}"


class EntryKind(models.TextChoices):
    EARN = "earn", _("Earned")
    REVERSE = "reverse", _("Reversed")
    REDEEM = "redeem", _("Redeemed")
    REFUND = "refund", _("Redemption cancelled")
    ADJUST = "adjust", _("Adjusted")
    EXPIRE = "expire", _("Expired")


class PointsEntry(models.Model):
    """One append-only ledger line: points in or out, what caused it, and an idempotency key so it is paid once."""

    scope_field = "account__woodpecker__grid"
    scope_owner_field = "account__woodpecker__user"

    account = models.ForeignKey(
        PointsAccount, verbose_name=_("account"), on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    points = models.IntegerField(_("points"))
    balance_after = models.IntegerField(_("balance after"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=100)
    clue = models.ForeignKey(
        Clue, verbose_name=_("clue"), on_delete=models.PROTECT, null=True, blank=True, related_name="points_entries"
    )
    redemption = models.ForeignKey(
        "Redemption", verbose_name=_("redemption"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    policy = models.ForeignKey(
        PointsPolicy, verbose_name=_("policy"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False, db_index=True)

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points ledger")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Keys belong to their account: another account's key is neither found nor blocked by it.
            models.UniqueConstraint(fields=["account", "idempotency_key"], name="uniq_points_entry_account_key"),
            models.CheckConstraint(condition=~Q(points=0), name="points_entry_not_zero"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="points_entry_balance_after_ok"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.points:+d}"


class StationKind(models.TextChoices):
    RED_BEEHIVE = "red_beehive", _("Red Beehive station")
    LOVE_SUPERMARKET = "love_supermarket", _("Love supermarket")


class Station(models.Model):
    """A Red Beehive service station (红色蜂巢) or a love supermarket (爱心超市) where points buy goods."""

    scope_field = "unit"
    scope_write_roles = TRIAGE_ROLES

    unit = models.ForeignKey(
        "organizations.OrganizationUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=StationKind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    services = models.CharField(_("services offered"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class Goods(models.Model):
    """An item a station offers for points, priced in yuan, with a stock that never goes below zero."""

    scope_field = "station__unit"
    scope_write_roles = TRIAGE_ROLES
    scope_actions = {IMPORT: TRIAGE_ROLES}  # import and export sheets of goods

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="goods")
    name = models.CharField(_("name"), max_length=100)
    price_yuan = models.DecimalField(_("price (yuan)"), max_digits=8, decimal_places=2)
    stock = models.IntegerField(_("stock"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("goods")
        verbose_name_plural = _("goods")
        ordering = ["station_id", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="goods_stock_not_negative"),
            models.CheckConstraint(condition=Q(price_yuan__gt=0), name="goods_price_positive"),
        ]

    def __str__(self):
        return self.name


class RedemptionStatus(models.TextChoices):
    RESERVED = "reserved", _("Reserved")
    CONFIRMED = "confirmed", _("Handed over")
    CANCELLED = "cancelled", _("Cancelled")


class Redemption(models.Model):
    """Points exchanged for goods: reserved (points and stock held), then confirmed at the counter or cancelled."""

    # Either side: the woodpecker's grid, or the unit of the station whose counter hands the goods over (a
    # woodpecker may redeem at a station of a neighbouring community). The counter of either side settles it.
    scope_field = ("woodpecker__grid", "goods__station__unit")
    scope_write_roles = TRIAGE_ROLES
    scope_actions = {COUNTER: TRIAGE_ROLES, CANCEL: TRIAGE_ROLES}
    scope_owner_field = "woodpecker__user"
    scope_owner_actions = (VIEW, CANCEL)  # the woodpecker may cancel their own reservation

    woodpecker = models.ForeignKey(
        Woodpecker, verbose_name=_("woodpecker"), on_delete=models.PROTECT, related_name="redemptions"
    )
    goods = models.ForeignKey(Goods, verbose_name=_("goods"), on_delete=models.PROTECT, related_name="redemptions")
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    points = models.PositiveIntegerField(_("points"))
    status = models.CharField(
        _("status"), max_length=16, choices=RedemptionStatus.choices, default=RedemptionStatus.RESERVED
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=100)
    reserved_at = models.DateTimeField(_("reserved at"), auto_now_add=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("settled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-reserved_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="redemption_quantity_positive"),
            models.UniqueConstraint(fields=["woodpecker", "idempotency_key"], name="uniq_redemption_woodpecker_key"),
        ]

    def __str__(self):
        return f"{self.woodpecker} · {self.goods} × {self.quantity}"


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
