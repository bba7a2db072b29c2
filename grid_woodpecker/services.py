"""Write use-cases of the grid woodpeckers: registration, the clue closed loop, the points ledger and redemption.

Every service takes `actor` — a User, or `accounts.permissions.SYSTEM` for the beat jobs, the demo and the
history import; None is refused like an anonymous user —, asks the one permission path (`can`/`require`/
`require_at`, with the actions each model declares) before it writes, runs in one transaction, writes an audit
row, and announces changes that yearly figures depend on through core.events.
"""

import hashlib
import math
import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment, User
from accounts.permissions import (
    ADJUST,
    CHANGE,
    COUNTER,
    HANDLE,
    IMPORT,
    RATE,
    SYSTEM,
    TRIAGE,
    can,
    can_at,
    require,
    require_at,
)
from accounts.roles import Role
from cadres.services import person_create
from core import audit, events
from core.api.throttling import WindowThrottle
from organizations.models import OrganizationUnit, UnitKind

from .models import (
    CANCEL,
    REDEEM,
    TAKE,
    AbuseListEntry,
    Clue,
    ClueCategory,
    ClueEvent,
    CluePhoto,
    ClueSource,
    ClueStatus,
    EntryKind,
    Goods,
    HandlerKind,
    InspectionTask,
    Open311Key,
    OverdueFlag,
    PointsAccount,
    PointsEntry,
    PointsPolicy,
    Rating,
    Redemption,
    RedemptionStatus,
    Station,
    Woodpecker,
    WoodpeckerStatus,
)
from .photos import MAX_PHOTOS, clean_photo

SOURCE = "grid_woodpecker"
# Days after the deadline when a yellow card becomes a red card.
RED_CARD_AFTER_DAYS = 3
# A resolved clue nobody rates closes itself after this many days.
AUTO_CLOSE_DAYS = 7

# The closed loop: from each state, the states a clue may go to.
TRANSITIONS = {
    ClueStatus.SUBMITTED: {ClueStatus.ACCEPTED, ClueStatus.MERGED, ClueStatus.REJECTED},
    ClueStatus.ACCEPTED: {ClueStatus.IN_PROGRESS, ClueStatus.DISPATCHED, ClueStatus.REJECTED},
    ClueStatus.DISPATCHED: {ClueStatus.IN_PROGRESS, ClueStatus.DISPATCHED, ClueStatus.REJECTED},
    ClueStatus.IN_PROGRESS: {ClueStatus.RESOLVED, ClueStatus.DISPATCHED, ClueStatus.REJECTED},
    ClueStatus.RESOLVED: {ClueStatus.CLOSED, ClueStatus.IN_PROGRESS},
    ClueStatus.MERGED: set(),
    ClueStatus.REJECTED: set(),
    ClueStatus.CLOSED: set(),
}


# --- helpers -------------------------------------------------------------------------------------------------------


def _units_of(grid) -> list[int]:
    """The grid and its community/village: the units whose yearly woodpecker figures a change touches."""
    return [grid.pk, grid.parent_id]


def _announce(grid, when=None) -> None:
    events.records_changed(source=SOURCE, unit_ids=_units_of(grid), year=(when or timezone.now()).year)


def _lock_clue(clue: Clue) -> Clue:
    return Clue.objects.select_for_update(of=("self",)).select_related("grid", "category", "reporter").get(pk=clue.pk)


def _user(actor):
    """The User to store in a "by" column: None for the SYSTEM actor (the audit trail records it as the system)."""
    return actor if isinstance(actor, User) else None


def _require_system(actor) -> None:
    """The jobs (cards, auto close, expiry) act as the system only: the explicit SYSTEM actor, never None."""
    if actor is not SYSTEM:
        raise PermissionDenied(_("Only the system's scheduled jobs may do this."))


# Points a hand adjustment may move at most, up or down, per call (a correction, not a payroll).
MAX_ADJUST_POINTS = 1000
# The kinds of unit a clue can be dispatched to, and a category routed to by default.
DEPARTMENT_KINDS = (UnitKind.AGENCY, UnitKind.TOWNSHIP, UnitKind.STREET)


def serves_area(department, unit) -> bool:
    """Whether `department` serves the area of `unit`: one of the area's own townships or streets, or an agency
    attached to the area or to a unit above it (a municipal bureau, a township's office) — never a department of a
    sibling township. Read from materialized paths, no query."""
    lineage = lineage_ids(unit)
    if department.kind == UnitKind.AGENCY:
        return department.parent_id in lineage
    return department.pk in lineage


def _check_department(department, unit, field: str) -> None:
    if department is None or department.kind not in DEPARTMENT_KINDS:
        raise ValidationError({field: [_("Choose a department (a municipal agency or a township).")]})
    if not serves_area(department, unit):
        raise ValidationError({field: [_("This department does not serve this area; choose one of its own.")]})


def _move(clue: Clue, to_status: str, *, actor, note: str = "", kind=ClueEvent.Kind.TRANSITION) -> ClueEvent:
    """Apply one transition of the closed loop (refusing any other) and record it with who, when and a note."""
    from_status = clue.status
    if to_status not in TRANSITIONS[from_status]:
        raise ValidationError(
            _("A clue that is “%(from)s” cannot become “%(to)s”.")
            % {"from": ClueStatus(from_status).label, "to": ClueStatus(to_status).label},
            code="transition",
        )
    clue.status = to_status
    # The services have checked every field they set; the rejection and merge rules are CheckConstraints too.
    clue.save()
    return ClueEvent.objects.create(
        clue=clue, kind=kind, from_status=from_status, to_status=to_status, note=note, actor=_user(actor)
    )


def _deadline(category: ClueCategory, start: datetime) -> datetime:
    return start + timedelta(days=category.deadline_days)


def lineage_ids(unit) -> list[int]:
    """The ids of a unit and all its ancestors, read from its materialized path (no query)."""
    return [int(segment) for segment in unit.path.split(".") if segment]


def categories_for(grid) -> list[ClueCategory]:
    """The active categories configured for the grid's city (or any unit above the grid)."""
    return list(ClueCategory.objects.filter(unit_id__in=lineage_ids(grid), is_active=True).order_by("name"))


# --- woodpeckers ---------------------------------------------------------------------------------------------------


def _validate_grid(grid) -> None:
    if grid is None or grid.kind != UnitKind.GRID:
        raise ValidationError({"grid": [_("Choose a grid.")]})


@transaction.atomic
def woodpecker_register(
    *,
    name: str,
    id_number: str,
    mobile: str,
    grid: OrganizationUnit,
    group: str,
    username: str,
    password: str,
    actor=None,
) -> Woodpecker:
    """Self-registration on a phone: a login, the person record and a woodpecker pending confirmation by the grid.

    Open to anyone (the public registration page): nothing is granted until the grid confirms it. `actor` is the
    registering user when someone registers on another's behalf; otherwise the new login is the actor."""
    _validate_grid(grid)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": [_("This login name is taken; choose another.")]})
    if not mobile:
        raise ValidationError({"mobile": [_("A mobile phone number is required.")]})
    # Self-registration has no user yet who could hold a scope: the person record is written by the system on the
    # new user's behalf (the woodpecker stays pending, with no role, until the grid confirms it).
    person = person_create(name=name, id_number=id_number, mobile=mobile, unit=grid, actor=SYSTEM)
    user = User.objects.create_user(username=username, password=password, display_name=name)
    woodpecker = Woodpecker(person=person, user=user, grid=grid, group=group, status=WoodpeckerStatus.PENDING)
    woodpecker.full_clean(exclude=["person", "user", "grid"])
    woodpecker.save()
    audit.record(actor=actor or user, action="woodpecker.register", obj=woodpecker, unit=grid)
    return woodpecker


@transaction.atomic
def woodpecker_create(
    *,
    name: str,
    id_number: str,
    grid: OrganizationUnit,
    group: str,
    actor,
    mobile: str = "",
    username: str = "",
    password: str = "",
    is_lead: bool = False,
    lead_duties: str = "",
    user=None,
) -> Woodpecker:
    """Register a woodpecker on their behalf (staff, import): active at once, with a login if a name is given
    (or the existing login `user`)."""
    _validate_grid(grid)
    require_at(actor, CHANGE, Woodpecker, grid, _("You may not register woodpeckers outside your jurisdiction."))
    if user is not None and Woodpecker.objects.filter(user=user).exists():
        raise ValidationError({"username": [_("This login already belongs to a woodpecker.")]})
    if user is None and username:
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": [_("This login name is taken; choose another.")]})
        # A password chosen by staff is changed by the woodpecker at first login (accounts.middleware).
        user = User.objects.create_user(
            username=username,
            password=password or None,
            display_name=name,
            must_change_password=bool(password) and not getattr(actor, "is_system", False),
        )
    person = person_create(name=name, id_number=id_number, mobile=mobile, unit=grid, actor=actor)
    woodpecker = Woodpecker.objects.create(
        person=person,
        user=user,
        grid=grid,
        group=group,
        status=WoodpeckerStatus.PENDING,
        is_lead=is_lead,
        lead_duties=lead_duties,
    )
    audit.record(actor=actor, action="woodpecker.create", obj=woodpecker, unit=grid)
    return woodpecker_confirm(woodpecker=woodpecker, actor=actor)


@transaction.atomic
def woodpecker_confirm(*, woodpecker: Woodpecker, actor) -> Woodpecker:
    """The grid worker or community secretary confirms a registration: the login gets its woodpecker role."""
    woodpecker = Woodpecker.objects.select_for_update(of=("self",)).select_related("grid").get(pk=woodpecker.pk)
    require(actor, CHANGE, woodpecker, _("You may not confirm woodpeckers of this grid."))
    if woodpecker.status == WoodpeckerStatus.ACTIVE:
        return woodpecker
    woodpecker.status = WoodpeckerStatus.ACTIVE
    woodpecker.confirmed_at = timezone.now()
    woodpecker.confirmed_by = _user(actor)
    woodpecker.deactivated_at = None
    woodpecker.deactivation_reason = ""
    woodpecker.save()
    if woodpecker.user_id:
        RoleAssignment.objects.get_or_create(user_id=woodpecker.user_id, role=Role.WOODPECKER, unit=woodpecker.grid)
    PointsAccount.objects.get_or_create(woodpecker=woodpecker)
    audit.record(actor=actor, action="woodpecker.confirm", obj=woodpecker, unit=woodpecker.grid)
    _announce(woodpecker.grid)
    return woodpecker


@transaction.atomic
def woodpecker_deactivate(*, woodpecker: Woodpecker, reason: str, actor) -> Woodpecker:
    """Deactivate a woodpecker (they stop filing clues; their points and history stay)."""
    woodpecker = Woodpecker.objects.select_for_update(of=("self",)).select_related("grid").get(pk=woodpecker.pk)
    require(actor, CHANGE, woodpecker, _("You may not change woodpeckers of this grid."))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give a reason for the deactivation.")]})
    woodpecker.status = WoodpeckerStatus.INACTIVE
    woodpecker.deactivated_at = timezone.now()
    woodpecker.deactivation_reason = reason.strip()
    woodpecker.save()
    if woodpecker.user_id:
        RoleAssignment.objects.filter(user_id=woodpecker.user_id, role=Role.WOODPECKER).delete()
    audit.record(actor=actor, action="woodpecker.deactivate", obj=woodpecker, unit=woodpecker.grid)
    _announce(woodpecker.grid)
    return woodpecker


@transaction.atomic
def woodpecker_set_lead(*, woodpecker: Woodpecker, is_lead: bool, duties: str, actor) -> Woodpecker:
    """Make a woodpecker a lead woodpecker (头鸟) with duties, or take it back."""
    require(actor, CHANGE, woodpecker, _("You may not change woodpeckers of this grid."))
    if is_lead and not (duties or "").strip():
        raise ValidationError({"lead_duties": [_("Describe the lead woodpecker's duties.")]})
    woodpecker.is_lead = is_lead
    woodpecker.lead_duties = (duties or "").strip() if is_lead else ""
    woodpecker.save(update_fields=["is_lead", "lead_duties"])
    audit.record(actor=actor, action="woodpecker.lead", obj=woodpecker, unit=woodpecker.grid)
    return woodpecker


def woodpeckers_bulk_create(*, rows: list[dict], actor) -> int:
    """Register many active woodpeckers at once (the demo county, large imports): rows of name, id_number,
    mobile, grid, group. Person records are encrypted exactly as person_create does; no logins are created."""
    from cadres.models import Person
    from cadres.validators import parse_resident_id

    require_at(actor, CHANGE, Woodpecker, list({row["grid"].pk: row["grid"] for row in rows}.values()))
    now = timezone.now()
    people, peckers = [], []
    for row in rows:
        number, birth, gender = parse_resident_id(row["id_number"])
        person = Person(name=row["name"], gender=gender, birth_date=birth, unit=row["grid"])
        person.set_id_number(number)
        if row.get("mobile"):
            person.set_mobile(row["mobile"])
        people.append(person)
    with transaction.atomic():
        Person.objects.bulk_create(people, batch_size=1000)
        for person, row in zip(people, rows, strict=True):
            peckers.append(
                Woodpecker(
                    person=person,
                    grid=row["grid"],
                    group=row["group"],
                    status=WoodpeckerStatus.ACTIVE,
                    confirmed_at=now,
                    is_lead=row.get("is_lead", False),
                    lead_duties=row.get("lead_duties", ""),
                )
            )
        Woodpecker.objects.bulk_create(peckers, batch_size=1000)
        PointsAccount.objects.bulk_create([PointsAccount(woodpecker=w) for w in peckers], batch_size=1000)
        grids = {row["grid"].pk: row["grid"] for row in rows}
        if peckers:
            audit.record(
                actor=actor,
                action="woodpecker.bulk_create",
                obj=peckers[0],
                unit=peckers[0].grid,
                changes={"count": len(peckers), "grids": len(grids)},
            )
        events.records_changed(source=SOURCE, unit_ids=[u for g in grids.values() for u in _units_of(g)])
    return len(peckers)


# --- clues ---------------------------------------------------------------------------------------------------------


def _check_rate_limit(user) -> None:
    """Refuse a login that files clues too fast (a clear message, never an error page). DRF's sliding-window
    throttle, rates in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["clue_submit"]; the API answers it with 429."""
    refused = WindowThrottle.check("clue_submit", user.pk)
    if refused is not None:
        exc = ValidationError(
            _("You are filing clues too often: at most %(limit)d in %(minutes)d minutes. Please try again later.")
            % {"limit": refused.num_requests, "minutes": refused.duration // 60},
            code="rate_limited",
        )
        exc.wait = refused.wait()
        raise exc


def _check_abuse_list(user, grid) -> None:
    now = timezone.now()
    listed = AbuseListEntry.objects.filter(user=user).filter(Q(until__isnull=True) | Q(until__gt=now))
    for entry in listed.select_related("unit"):
        if grid.path.startswith(entry.unit.path):
            raise ValidationError(
                _("Your account may not file clues at present (%(reason)s). Contact your community.")
                % {"reason": entry.reason},
                code="abuse_listed",
            )


def _attach_photos(clue, photos, stage) -> None:
    for upload in photos:
        content, width, height = clean_photo(upload)
        photo = CluePhoto(clue=clue, stage=stage, width=width, height=height)
        photo.image.save(content.name, content, save=False)
        photo.save()


def _validate_photos(photos) -> list:
    photos = [p for p in (photos or []) if p]
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": [_("At most %(n)d photos per clue.") % {"n": MAX_PHOTOS}]})
    return photos


@transaction.atomic
def clue_submit(
    *,
    actor,
    category: ClueCategory,
    description: str,
    grid: OrganizationUnit | None = None,
    building: OrganizationUnit | None = None,
    address: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    photos=(),
    task: InspectionTask | None = None,
    source: str = ClueSource.WOODPECKER,
    check_limits: bool = True,
) -> Clue:
    """File a clue: by a woodpecker (in their grid by default), or by an external system within its jurisdiction."""
    if _user(actor) is None:  # a clue is filed by a login: a woodpecker's, or an external system's service user
        raise PermissionDenied(_("Only a registered woodpecker may file clues here."))
    reporter = None
    if source == ClueSource.WOODPECKER:
        reporter = Woodpecker.objects.filter(user=actor).select_related("grid").first()
        if reporter is None:
            raise PermissionDenied(_("Only a registered woodpecker may file clues here."))
        if reporter.status != WoodpeckerStatus.ACTIVE:
            raise ValidationError(_("Your registration is not confirmed yet (or deactivated); you cannot file clues."))
        grid = grid or reporter.grid
    _validate_grid(grid)
    if building is not None and building.parent_id != grid.pk:
        raise ValidationError({"building": [_("This building is not in the grid.")]})
    if category not in categories_for(grid):
        raise ValidationError({"category": [_("This category is not configured for this grid's city.")]})
    description = (description or "").strip()
    if len(description) < 5:
        raise ValidationError({"description": [_("Describe the problem in a few words (at least 5 characters).")]})
    if (latitude is None) != (longitude is None):
        raise ValidationError({"latitude": [_("Give both latitude and longitude, or neither.")]})
    if task is not None and (task.grid_id != grid.pk or not (task.starts_on <= timezone.localdate() <= task.ends_on)):
        raise ValidationError({"task": [_("This inspection task is not open for this grid today.")]})
    photos = _validate_photos(photos)
    _check_abuse_list(actor, grid)
    if check_limits:
        _check_rate_limit(actor)
    clue = Clue(
        grid=grid,
        building=building,
        address=(address or "").strip(),
        latitude=latitude,
        longitude=longitude,
        category=category,
        description=description,
        source=source,
        reporter=reporter,
        submitted_by=actor,
        task=task,
    )
    clue.full_clean(
        exclude=["grid", "category", "reporter", "submitted_by", "building", "task", "public_id"],
        validate_unique=False,
        validate_constraints=False,
    )
    clue.save()
    _attach_photos(clue, photos, CluePhoto.Stage.REPORT)
    ClueEvent.objects.create(clue=clue, from_status="", to_status=ClueStatus.SUBMITTED, actor=actor)
    audit.record(actor=actor, action="clue.submit", obj=clue, unit=grid)
    return clue


@transaction.atomic
def clue_accept(*, clue: Clue, actor, note: str = "") -> Clue:
    """Accept a valid clue: its deadline starts, and the reporter earns the points of the policy in force."""
    clue = _lock_clue(clue)
    require(actor, TRIAGE, clue, _("Only staff of this grid or community may do this."))
    now = timezone.now()
    clue.accepted_at = now
    clue.deadline = _deadline(clue.category, now)
    _move(clue, ClueStatus.ACCEPTED, actor=actor, note=note)
    if clue.reporter_id:
        points_earn_for_clue(clue=clue, actor=actor)
    audit.record(actor=actor, action="clue.accept", obj=clue, unit=clue.grid)
    _announce(clue.grid, now)
    return clue


@transaction.atomic
def clue_merge(*, clue: Clue, original: Clue, actor, note: str = "") -> Clue:
    """Merge a duplicate into the first report of the same problem (no points for the duplicate)."""
    clue = _lock_clue(clue)
    require(actor, TRIAGE, clue, _("Only staff of this grid or community may do this."))
    if original.pk == clue.pk or original.grid_id != clue.grid_id:
        raise ValidationError({"duplicate_of": [_("Choose an earlier clue of the same grid.")]})
    if original.status in (ClueStatus.MERGED, ClueStatus.REJECTED):
        raise ValidationError({"duplicate_of": [_("A clue cannot be merged into a rejected or merged clue.")]})
    clue.duplicate_of = original
    _move(clue, ClueStatus.MERGED, actor=actor, note=note or _("Duplicate of clue #%(id)s") % {"id": original.pk})
    audit.record(actor=actor, action="clue.merge", obj=clue, unit=clue.grid)
    return clue


@transaction.atomic
def clue_reject(*, clue: Clue, reason: str, actor) -> Clue:
    """Reject a clue with a reason. An accepted clue found false is rejected too, and its points are reversed."""
    clue = _lock_clue(clue)
    require(actor, TRIAGE, clue, _("Only staff of this grid or community may do this."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("A reason is required to reject a clue.")]})
    was_accepted = clue.status != ClueStatus.SUBMITTED
    clue.reject_reason = reason
    clue.found_false = was_accepted
    _move(clue, ClueStatus.REJECTED, actor=actor, note=reason)
    if was_accepted and clue.reporter_id:
        points_reverse_for_clue(clue=clue, reason=reason, actor=actor)
    audit.record(actor=actor, action="clue.reject", obj=clue, unit=clue.grid)
    _announce(clue.grid)
    return clue


@transaction.atomic
def clue_handle_in_community(*, clue: Clue, actor, note: str = "") -> Clue:
    """The community takes an accepted clue in hand itself."""
    clue = _lock_clue(clue)
    require(actor, TRIAGE, clue, _("Only staff of this grid or community may do this."))
    if clue.status != ClueStatus.ACCEPTED:
        raise ValidationError(_("Only an accepted clue can be taken in hand by the community."))
    clue.handler_kind = HandlerKind.COMMUNITY
    clue.department = None
    _move(clue, ClueStatus.IN_PROGRESS, actor=actor, note=note or _("Handled by the community"))
    audit.record(actor=actor, action="clue.handle", obj=clue, unit=clue.grid)
    return clue


@transaction.atomic
def clue_dispatch(
    *, clue: Clue, department: OrganizationUnit, actor, deadline: datetime | None = None, note=""
) -> Clue:
    """Dispatch (or re-dispatch) a clue to a department with the department's deadline; the history keeps both."""
    clue = _lock_clue(clue)
    require(actor, TRIAGE, clue, _("Only staff of this grid or community may do this."))
    # The department is a unit the clue will refer to: it must serve the clue's area (a grid worker dispatches
    # upwards, to a municipal bureau outside their own scope, but never to a sibling township's office).
    _check_department(department, clue.grid, "department")
    now = timezone.now()
    if deadline is not None and deadline <= now:
        raise ValidationError({"deadline": [_("The deadline must lie in the future.")]})
    redispatch = clue.status in (ClueStatus.DISPATCHED, ClueStatus.IN_PROGRESS)
    old = clue.department.name if clue.department_id else _("the community")
    clue.handler_kind = HandlerKind.DEPARTMENT
    clue.department = department
    clue.deadline = deadline or _deadline(clue.category, now)
    clue.flag = OverdueFlag.NONE
    if redispatch:
        note = (_("Re-dispatched from %(old)s to %(new)s.") % {"old": old, "new": department.name} + " " + note).strip()
    _move(
        clue,
        ClueStatus.DISPATCHED,
        actor=actor,
        note=note,
        kind=ClueEvent.Kind.REDISPATCH if redispatch else ClueEvent.Kind.TRANSITION,
    )
    audit.record(actor=actor, action="clue.dispatch", obj=clue, unit=clue.grid, changes={"department": department.pk})
    return clue


@transaction.atomic
def clue_start(*, clue: Clue, actor, note: str = "") -> Clue:
    """The department handler starts work on a clue dispatched to them."""
    clue = _lock_clue(clue)
    require(actor, HANDLE, clue, _("Only the handler of this clue may do this."))
    if clue.status != ClueStatus.DISPATCHED:
        raise ValidationError(_("Only a dispatched clue can be started by its department."))
    _move(clue, ClueStatus.IN_PROGRESS, actor=actor, note=note)
    audit.record(actor=actor, action="clue.start", obj=clue, unit=clue.grid)
    return clue


@transaction.atomic
def clue_recategorize(*, clue: Clue, category: ClueCategory, actor, note: str = "") -> Clue:
    """Change a clue's category: its deadline follows the new category; the history keeps the old one."""
    clue = _lock_clue(clue)
    require(actor, TRIAGE, clue, _("Only staff of this grid or community may do this."))
    if not clue.is_open:
        raise ValidationError(_("A finished clue cannot be re-categorised."))
    if category not in categories_for(clue.grid):
        raise ValidationError({"category": [_("This category is not configured for this grid's city.")]})
    if category.pk == clue.category_id:
        return clue
    old = clue.category.name
    clue.category = category
    if clue.deadline and clue.accepted_at:
        clue.deadline = _deadline(category, clue.accepted_at)
    clue.save()
    text = _("Category changed from %(old)s to %(new)s.") % {"old": old, "new": category.name}
    ClueEvent.objects.create(
        clue=clue,
        kind=ClueEvent.Kind.RECATEGORIZE,
        from_status=clue.status,
        to_status=clue.status,
        note=f"{text} {note}".strip(),
        actor=_user(actor),
    )
    audit.record(actor=actor, action="clue.recategorize", obj=clue, unit=clue.grid)
    return clue


@transaction.atomic
def clue_resolve(*, clue: Clue, resolution: str, actor, photos=()) -> Clue:
    """The handler writes back what was done (with optional photos); the reporter is asked to rate it."""
    clue = _lock_clue(clue)
    require(actor, HANDLE, clue, _("Only the handler of this clue may do this."))
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": [_("Write what was done.")]})
    photos = _validate_photos(photos)
    clue.resolution = resolution
    clue.resolved_at = timezone.now()
    _move(clue, ClueStatus.RESOLVED, actor=actor, note=resolution)
    _attach_photos(clue, photos, CluePhoto.Stage.RESOLUTION)
    audit.record(actor=actor, action="clue.resolve", obj=clue, unit=clue.grid)
    return clue


@transaction.atomic
def clue_rate(*, clue: Clue, rating: str, actor, reason: str = "") -> Clue:
    """The reporter rates the result: satisfied closes the clue; unsatisfied (with a reason) reopens it."""
    clue = _lock_clue(clue)
    if _user(actor) is None or not can(actor, RATE, clue):  # the reporter's own rating, never the system's
        raise PermissionDenied(_("Only the reporter may rate this clue."))
    if clue.status != ClueStatus.RESOLVED:
        raise ValidationError(_("Only a resolved clue can be rated."))
    reason = (reason or "").strip()
    if rating not in Rating.values:
        raise ValidationError({"rating": [_("Choose satisfied or unsatisfied.")]})
    if rating == Rating.UNSATISFIED and not reason:
        raise ValidationError({"reason": [_("Say why you are not satisfied.")]})
    now = timezone.now()
    clue.rating, clue.rating_reason, clue.rated_at = rating, reason, now
    if rating == Rating.SATISFIED:
        clue.closed_at = now
        _move(clue, ClueStatus.CLOSED, actor=actor, note=_("Satisfied"))
    else:
        clue.resolved_at = None
        clue.deadline = _deadline(clue.category, now)
        clue.flag = OverdueFlag.NONE
        _move(clue, ClueStatus.IN_PROGRESS, actor=actor, note=_("Unsatisfied: %(reason)s") % {"reason": reason})
    audit.record(actor=actor, action="clue.rate", obj=clue, unit=clue.grid, changes={"rating": rating})
    _announce(clue.grid, now)
    return clue


@transaction.atomic
def clue_auto_close(*, clue_id: int, actor, days: int = AUTO_CLOSE_DAYS, now: datetime | None = None) -> bool:
    """Close a resolved clue nobody rated within `days` (idempotent: anything else is left alone). A job: SYSTEM."""
    _require_system(actor)
    now = now or timezone.now()
    clue = Clue.objects.select_for_update(of=("self",)).select_related("grid").filter(pk=clue_id).first()
    if clue is None or clue.status != ClueStatus.RESOLVED or clue.resolved_at > now - timedelta(days=days):
        return False
    clue.closed_at = now
    _move(
        clue, ClueStatus.CLOSED, actor=actor, note=_("Closed automatically: not rated within %(d)d days.") % {"d": days}
    )
    audit.record(actor=actor, action="clue.auto_close", obj=clue, unit=clue.grid)
    _announce(clue.grid, now)
    return True


OPEN_WORK = (ClueStatus.ACCEPTED, ClueStatus.DISPATCHED, ClueStatus.IN_PROGRESS)


def flag_for(deadline: datetime, now: datetime) -> str:
    if deadline is None or now <= deadline:
        return OverdueFlag.NONE
    if now > deadline + timedelta(days=RED_CARD_AFTER_DAYS):
        return OverdueFlag.RED
    return OverdueFlag.YELLOW


@transaction.atomic
def clue_flag_overdue(*, clue_id: int, actor, now: datetime | None = None) -> str | None:
    """Give an overdue clue its yellow card (past the deadline) or red card (days past it); idempotent. A job."""
    _require_system(actor)
    now = now or timezone.now()
    clue = Clue.objects.select_for_update(of=("self",)).select_related("grid").filter(pk=clue_id).first()
    if clue is None:
        return None
    flag = flag_for(clue.deadline, now) if clue.status in OPEN_WORK else OverdueFlag.NONE
    if flag == clue.flag:
        return None
    clue.flag = flag
    clue.save(update_fields=["flag", "updated_at"])
    label = OverdueFlag(flag).label
    ClueEvent.objects.create(
        clue=clue,
        kind=ClueEvent.Kind.FLAG,
        from_status=clue.status,
        to_status=clue.status,
        note=_("Supervision: %(flag)s") % {"flag": label},
        actor=_user(actor),
    )
    audit.record(actor=actor, action="clue.flag", obj=clue, unit=clue.grid, changes={"flag": flag})
    return flag


# --- inspection tasks and abuse list -------------------------------------------------------------------------------


@transaction.atomic
def task_create(*, grid, title: str, starts_on: date, ends_on: date, actor, description: str = "") -> InspectionTask:
    """A community posts a 挑刺找茬 inspection task for one of its grids and a period."""
    _validate_grid(grid)
    require_at(actor, CHANGE, InspectionTask, grid, _("You may not post tasks outside your jurisdiction."))
    if _user(actor) is None:
        raise PermissionDenied(_("A task is posted by a person of the community."))
    task = InspectionTask(
        grid=grid,
        title=(title or "").strip(),
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": [_("The period ends before it starts.")]})
    task.full_clean(exclude=["grid", "created_by"])
    task.save()
    audit.record(actor=actor, action="task.create", obj=task, unit=grid)
    return task


@transaction.atomic
def task_take(*, task: InspectionTask, actor) -> InspectionTask:
    """A woodpecker of the task's grid takes the task."""
    woodpecker = Woodpecker.objects.filter(user=actor, status=WoodpeckerStatus.ACTIVE).first() if _user(actor) else None
    if woodpecker is None or not can(actor, TAKE, task):
        raise PermissionDenied(_("Only an active woodpecker of this grid may take this task."))
    if task.ends_on < timezone.localdate():
        raise ValidationError(_("This task has ended."))
    task.takers.add(woodpecker)
    audit.record(actor=actor, action="task.take", obj=task, unit=task.grid)
    return task


@transaction.atomic
def abuse_list_add(*, user, unit, reason: str, actor, until: datetime | None = None) -> AbuseListEntry:
    """Bar a login from filing clues in a unit (flooding, malicious reports), until a date or until removed."""
    require_at(actor, CHANGE, AbuseListEntry, unit, _("You may not bar users outside your jurisdiction."))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give a reason.")]})
    entry = AbuseListEntry.objects.create(
        user=user, unit=unit, reason=reason.strip(), until=until, created_by=_user(actor)
    )
    audit.record(actor=actor, action="abuse_list.add", obj=entry, unit=unit)
    return entry


# --- points --------------------------------------------------------------------------------------------------------


def policy_for(grid_or_unit, on: date | None = None) -> PointsPolicy | None:
    """The policy in force on a date for a unit: the latest effective one set at the unit or above it."""
    on = on or timezone.localdate()
    return (
        PointsPolicy.objects.filter(unit_id__in=lineage_ids(grid_or_unit), effective_from__lte=on)
        .order_by("-effective_from", "-unit__depth")
        .first()
    )


DEFAULT_POINTS_PER_CLUE = 10
DEFAULT_POINTS_PER_YUAN = Decimal("2")


@transaction.atomic
def policy_set(
    *,
    unit,
    effective_from: date,
    actor,
    points_per_clue: int = DEFAULT_POINTS_PER_CLUE,
    points_per_yuan: Decimal = DEFAULT_POINTS_PER_YUAN,
    expiry_days: int | None = None,
) -> PointsPolicy:
    """Set a city's exchange rule from a date on. Points already earned keep the rule they were earned under."""
    require_at(actor, CHANGE, PointsPolicy, unit, _("You may not set the policy of this unit."))
    policy = PointsPolicy(
        unit=unit,
        effective_from=effective_from,
        points_per_clue=points_per_clue,
        points_per_yuan=Decimal(points_per_yuan),
        expiry_days=expiry_days,
    )
    policy.full_clean(exclude=["unit"])
    try:
        with transaction.atomic():
            policy.save()
    except IntegrityError:
        raise ValidationError({"effective_from": [_("A policy already starts on this date.")]})
    audit.record(actor=actor, action="points_policy.set", obj=policy, unit=unit)
    return policy


def _account_locked(woodpecker_id: int) -> PointsAccount:
    account = PointsAccount.objects.select_for_update().filter(woodpecker_id=woodpecker_id).first()
    if account is None:
        PointsAccount.objects.get_or_create(woodpecker_id=woodpecker_id)
        account = PointsAccount.objects.select_for_update().get(woodpecker_id=woodpecker_id)
    return account


def _post(
    *,
    woodpecker_id: int,
    kind: str,
    points: int,
    key: str,
    actor,
    reason: str = "",
    clue=None,
    redemption=None,
    policy=None,
    expires_on=None,
    allow_partial: bool = False,
) -> PointsEntry | None:
    """Append one ledger entry and move the balance, under the account's row lock. The same key never posts
    twice: a retried call returns the first entry. A debit beyond the balance is refused (or, for a reversal,
    limited to what is left)."""
    account = _account_locked(woodpecker_id)  # same-account retries wait here, then find the first entry
    existing = PointsEntry.objects.filter(account=account, idempotency_key=key).first()
    if existing is not None:
        return existing
    if points < 0 and account.balance + points < 0:
        if not allow_partial:
            raise ValidationError(
                _("Not enough points: the balance is %(balance)d, this needs %(points)d.")
                % {"balance": account.balance, "points": -points},
                code="insufficient_points",
            )
        points = -account.balance
    if points == 0:
        return None
    account.balance += points
    account.save(update_fields=["balance", "updated_at"])
    return PointsEntry.objects.create(
        account=account,
        kind=kind,
        points=points,
        balance_after=account.balance,
        idempotency_key=key,
        clue=clue,
        redemption=redemption,
        policy=policy,
        reason=reason,
        expires_on=expires_on,
        actor=_user(actor),
    )


@transaction.atomic
def points_earn_for_clue(*, clue: Clue, actor) -> PointsEntry | None:
    """Pay the reporter of an accepted clue under the policy in force on the acceptance day (once per clue)."""
    require(actor, TRIAGE, clue)
    day = timezone.localdate(clue.accepted_at or timezone.now())
    policy = policy_for(clue.grid, day)
    points = policy.points_per_clue if policy else DEFAULT_POINTS_PER_CLUE
    expires_on = day + timedelta(days=policy.expiry_days) if policy and policy.expiry_days else None
    entry = _post(
        woodpecker_id=clue.reporter_id,
        kind=EntryKind.EARN,
        points=points,
        key=f"earn:clue:{clue.pk}",
        actor=actor,
        clue=clue,
        policy=policy,
        reason=_("Accepted clue #%(id)s") % {"id": clue.pk},
        expires_on=expires_on,
    )
    if entry is not None:
        audit.record(actor=actor, action="points.earn", obj=entry, unit=clue.grid)
    return entry


@transaction.atomic
def points_reverse_for_clue(*, clue: Clue, reason: str, actor) -> PointsEntry | None:
    """Reverse what an accepted clue earned when it is found false: a reversing entry, never a deletion."""
    require(actor, TRIAGE, clue)
    earned = PointsEntry.objects.filter(
        account__woodpecker_id=clue.reporter_id, idempotency_key=f"earn:clue:{clue.pk}"
    ).first()
    if earned is None:
        return None
    entry = _post(
        woodpecker_id=clue.reporter_id,
        kind=EntryKind.REVERSE,
        points=-earned.points,
        key=f"reverse:clue:{clue.pk}",
        actor=actor,
        clue=clue,
        reason=reason,
        allow_partial=True,
    )
    if entry is not None:
        audit.record(actor=actor, action="points.reverse", obj=entry, unit=clue.grid)
    return entry


@transaction.atomic
def points_adjust(*, woodpecker: Woodpecker, points: int, reason: str, actor, idempotency_key: str = "") -> PointsEntry:
    """Staff (organization-department or township, never a grid worker) correct a balance up or down, with a
    reason and by at most MAX_ADJUST_POINTS per call; never below zero."""
    require_at(actor, ADJUST, PointsAccount, woodpecker.grid, _("Only township or county staff may adjust points."))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give a reason for the adjustment.")]})
    if not points:
        raise ValidationError({"points": [_("The adjustment cannot be zero.")]})
    if not -MAX_ADJUST_POINTS <= points <= MAX_ADJUST_POINTS:
        raise ValidationError(
            {"points": [_("An adjustment moves at most %(n)d points up or down.") % {"n": MAX_ADJUST_POINTS}]}
        )
    key = idempotency_key or f"adjust:{woodpecker.pk}:{secrets.token_hex(8)}"
    entry = _post(
        woodpecker_id=woodpecker.pk, kind=EntryKind.ADJUST, points=points, key=key, actor=actor, reason=reason.strip()
    )
    audit.record(actor=actor, action="points.adjust", obj=entry, unit=woodpecker.grid)
    return entry


@transaction.atomic
def points_expire_for_account(*, account_id: int, actor, today: date | None = None) -> int:
    """Expire earned points whose expiry date has passed (at most what is left on the balance); idempotent. A job."""
    _require_system(actor)
    today = today or timezone.localdate()
    account = PointsAccount.objects.select_related("woodpecker__grid").get(pk=account_id)
    total = 0
    due = PointsEntry.objects.filter(account_id=account_id, kind=EntryKind.EARN, expires_on__lt=today)
    for earned in due.order_by("expires_on", "id"):
        key = f"expire:{earned.pk}"
        if PointsEntry.objects.filter(account_id=account_id, idempotency_key=key).exists():
            continue
        entry = _post(
            woodpecker_id=account.woodpecker_id,
            kind=EntryKind.EXPIRE,
            points=-earned.points,
            key=key,
            actor=actor,
            clue=earned.clue,
            allow_partial=True,
            reason=_("Points earned on %(d)s expired") % {"d": timezone.localdate(earned.created_at)},
        )
        total += -entry.points if entry is not None else 0
    return total


# --- stations, goods, redemption -----------------------------------------------------------------------------------


@transaction.atomic
def station_create(*, unit, name: str, kind: str, actor, address: str = "", services: str = "") -> Station:
    """Open a Red Beehive station or love supermarket at a unit."""
    require_at(actor, CHANGE, Station, unit, _("You may not open stations outside your jurisdiction."))
    station = Station(unit=unit, name=(name or "").strip(), kind=kind, address=address, services=services)
    station.full_clean(exclude=["unit"])
    station.save()
    audit.record(actor=actor, action="station.create", obj=station, unit=unit)
    return station


@transaction.atomic
def goods_create(*, station: Station, name: str, price_yuan: Decimal, stock: int, actor) -> Goods:
    """Put an item on a station's shelf, priced in yuan."""
    require_at(actor, CHANGE, Goods, station.unit, _("You may not change this station."))
    goods = Goods(station=station, name=(name or "").strip(), price_yuan=price_yuan, stock=stock)
    goods.full_clean(exclude=["station"])
    if goods.stock < 0:
        raise ValidationError({"stock": [_("Stock cannot be negative.")]})
    if goods.price_yuan <= 0:
        raise ValidationError({"price_yuan": [_("The price must be above zero.")]})
    goods.save()
    audit.record(actor=actor, action="goods.create", obj=goods, unit=station.unit)
    return goods


@transaction.atomic
def goods_update(*, goods: Goods, actor, **fields) -> Goods:
    """Change an item's name, price, stock or availability."""
    require(actor, CHANGE, goods, _("You may not change this station's goods."))
    goods = Goods.objects.select_for_update(of=("self",)).select_related("station__unit").get(pk=goods.pk)
    before = {name: getattr(goods, name) for name in fields}
    for name, value in fields.items():
        if name not in ("name", "price_yuan", "stock", "is_active"):
            raise ValidationError({name: [_("This field cannot be changed here.")]})
        setattr(goods, name, value)
    if goods.stock < 0:
        raise ValidationError({"stock": [_("Stock cannot be negative.")]})
    if goods.price_yuan <= 0:
        raise ValidationError({"price_yuan": [_("The price must be above zero.")]})
    goods.full_clean(exclude=["station"])
    goods.save()
    audit.record(
        actor=actor,
        action="goods.update",
        obj=goods,
        unit=goods.station.unit,
        changes=audit.diff(goods, before, fields),
    )
    return goods


def price_in_points(goods: Goods, quantity: int, policy: PointsPolicy | None) -> int:
    """What goods cost in points under a policy (2 points per yuan by default), rounded up to whole points."""
    per_yuan = policy.points_per_yuan if policy else DEFAULT_POINTS_PER_YUAN
    return math.ceil(goods.price_yuan * quantity * per_yuan)


@transaction.atomic
def redemption_reserve(
    *, woodpecker: Woodpecker, goods: Goods, actor, quantity: int = 1, idempotency_key: str = ""
) -> Redemption:
    """Hold the points and the stock together for goods to be handed over at the counter. Two requests racing
    for the last item or the last points: the row locks order them and the second is refused."""
    account = PointsAccount.objects.filter(woodpecker=woodpecker).first()
    if account is None or not can(actor, REDEEM, account):
        raise PermissionDenied(_("Only the woodpecker may redeem their own points."))
    if woodpecker.status != WoodpeckerStatus.ACTIVE:
        raise ValidationError(_("Only an active woodpecker may redeem points."))
    if quantity < 1:
        raise ValidationError({"quantity": [_("Redeem at least one.")]})
    key = idempotency_key or f"redeem:{woodpecker.pk}:{secrets.token_hex(8)}"
    existing = Redemption.objects.filter(woodpecker=woodpecker, idempotency_key=key).first()
    if existing is not None:
        return existing
    try:
        # A concurrent retry with the same key loses the insert race (unique per woodpecker and key): its work is
        # rolled back to this savepoint and it answers with the first redemption.
        with transaction.atomic():
            return _redemption_reserve(woodpecker=woodpecker, goods=goods, actor=actor, quantity=quantity, key=key)
    except IntegrityError:
        existing = Redemption.objects.filter(woodpecker=woodpecker, idempotency_key=key).first()
        if existing is None:
            raise
        return existing


def _redemption_reserve(*, woodpecker, goods, actor, quantity, key) -> Redemption:
    goods = (
        Goods.objects.select_for_update(of=("self",)).select_related("station__unit").get(pk=goods.pk)
    )  # lock order: goods
    existing = Redemption.objects.filter(woodpecker=woodpecker, idempotency_key=key).first()
    if existing is not None:  # a same-key retry that waited for the lock above: the first one has committed
        return existing
    if not goods.is_active or not goods.station.is_active:
        raise ValidationError(_("These goods are not offered any more."))
    if goods.stock < quantity:
        raise ValidationError(
            _("Sorry, “%(name)s” is out of stock (%(stock)d left).") % {"name": goods.name, "stock": goods.stock},
            code="out_of_stock",
        )
    points = price_in_points(goods, quantity, policy_for(woodpecker.grid))
    goods.stock -= quantity
    goods.save(update_fields=["stock"])
    redemption = Redemption.objects.create(
        woodpecker=woodpecker, goods=goods, quantity=quantity, points=points, idempotency_key=key
    )
    _post(
        woodpecker_id=woodpecker.pk,
        kind=EntryKind.REDEEM,
        points=-points,
        key=f"redeem:{redemption.pk}",
        actor=actor,
        redemption=redemption,
        reason=f"{goods.name} × {quantity}",
    )
    audit.record(actor=actor, action="redemption.reserve", obj=redemption, unit=woodpecker.grid)
    return redemption


@transaction.atomic
def redemption_confirm(*, redemption: Redemption, actor) -> Redemption:
    """The goods are handed over at the counter: the reservation becomes final."""
    redemption = (
        Redemption.objects.select_for_update(of=("self",))
        .select_related("goods__station", "woodpecker__grid")
        .get(pk=redemption.pk)
    )
    # The counter of either side: the station's staff or the woodpecker's grid staff (Redemption.scope_field).
    require(actor, COUNTER, redemption, _("Only the station's staff may settle this redemption."))
    if redemption.status != RedemptionStatus.RESERVED:
        raise ValidationError(_("This redemption is already settled."))
    redemption.status = RedemptionStatus.CONFIRMED
    redemption.settled_at, redemption.settled_by = timezone.now(), _user(actor)
    redemption.save()
    audit.record(actor=actor, action="redemption.confirm", obj=redemption, unit=redemption.woodpecker.grid)
    return redemption


@transaction.atomic
def redemption_cancel(*, redemption: Redemption, actor) -> Redemption:
    """Cancel a reservation (by the woodpecker or the counter): the stock and the points come back."""
    redemption = (
        Redemption.objects.select_for_update(of=("self",))
        .select_related("goods__station", "woodpecker__grid")
        .get(pk=redemption.pk)
    )
    # The woodpecker themself (owner) or the counter of either side.
    require(actor, CANCEL, redemption, _("Only the station's staff may settle this redemption."))
    if redemption.status != RedemptionStatus.RESERVED:
        raise ValidationError(_("This redemption is already settled."))
    goods = Goods.objects.select_for_update().get(pk=redemption.goods_id)
    goods.stock += redemption.quantity
    goods.save(update_fields=["stock"])
    redemption.status = RedemptionStatus.CANCELLED
    redemption.settled_at, redemption.settled_by = timezone.now(), _user(actor)
    redemption.save()
    _post(
        woodpecker_id=redemption.woodpecker_id,
        kind=EntryKind.REFUND,
        points=redemption.points,
        key=f"refund:{redemption.pk}",
        actor=actor,
        redemption=redemption,
        reason=_("Redemption cancelled"),
    )
    audit.record(actor=actor, action="redemption.cancel", obj=redemption, unit=redemption.woodpecker.grid)
    return redemption


# --- Open311 keys --------------------------------------------------------------------------------------------------


def open311_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def open311_key_create(*, name: str, user, unit, actor) -> tuple[Open311Key, str]:
    """Issue an Open311 API key for an external system's service user, limited to a unit; returns the raw key once."""
    require_at(actor, CHANGE, Open311Key, unit, _("You may not issue keys for this unit."))
    if not user.has_role(Role.EXTERNAL_SYSTEM):
        raise ValidationError({"user": [_("The key must belong to an external system's service user.")]})
    raw = secrets.token_urlsafe(24)
    key = Open311Key.objects.create(name=name, user=user, unit=unit, key_hash=open311_hash(raw), key_prefix=raw[:6])
    audit.record(actor=actor, action="open311_key.create", obj=key, unit=unit)
    return key, raw


def open311_key_lookup(raw: str) -> Open311Key | None:
    if not raw:
        return None
    return Open311Key.objects.select_related("user", "unit").filter(key_hash=open311_hash(raw), is_active=True).first()


# --- configuration: categories, stations, abuse list ---------------------------------------------------------------


def _check_category_units(actor, unit, department) -> None:
    """Every unit a category refers to lies inside the writer's scope: its unit (403 outside) and its default
    department (a field error: it is the input that is wrong), which must also serve the category's area."""
    require_at(actor, CHANGE, ClueCategory, unit, _("You may not configure this unit."))
    if department is None:
        return
    _check_department(department, unit, "default_department")
    if not can_at(actor, CHANGE, ClueCategory, department):
        raise ValidationError(
            {"default_department": [_("This department lies outside your jurisdiction; choose one of your own.")]}
        )


@transaction.atomic
def category_create(*, unit, code: str, name: str, deadline_days: int, actor, default_department=None):
    """Add a clue category to a city (or any unit) with its deadline in days."""
    _check_category_units(actor, unit, default_department)
    category = ClueCategory(
        unit=unit,
        code=code,
        name=(name or "").strip(),
        deadline_days=deadline_days,
        default_department=default_department,
    )
    category.full_clean()
    category.save()
    audit.record(actor=actor, action="clue_category.create", obj=category, unit=unit)
    return category


@transaction.atomic
def category_update(*, category: ClueCategory, actor, **fields) -> ClueCategory:
    """Rename a category, change its deadline or default department, or retire it (is_active)."""
    require(actor, CHANGE, category, _("You may not configure this unit."))
    before = {name: getattr(category, name) for name in fields}
    for name, value in fields.items():
        if name not in ("name", "deadline_days", "default_department", "is_active"):
            raise ValidationError({name: [_("This field cannot be changed here.")]})
        setattr(category, name, value)
    if "default_department" in fields:
        _check_category_units(actor, category.unit, category.default_department)
    category.full_clean()
    category.save()
    audit.record(
        actor=actor,
        action="clue_category.update",
        obj=category,
        unit=category.unit,
        changes=audit.diff(category, before, fields),
    )
    return category


@transaction.atomic
def station_update(*, station: Station, actor, **fields) -> Station:
    """Change a station's name, kind, address, services or whether it is open."""
    require(actor, CHANGE, station, _("You may not change this station."))
    before = {name: getattr(station, name) for name in fields}
    for name, value in fields.items():
        if name not in ("name", "kind", "address", "services", "is_active"):
            raise ValidationError({name: [_("This field cannot be changed here.")]})
        setattr(station, name, value)
    station.full_clean(exclude=["unit"])
    station.save()
    audit.record(
        actor=actor,
        action="station.update",
        obj=station,
        unit=station.unit,
        changes=audit.diff(station, before, fields),
    )
    return station


@transaction.atomic
def abuse_list_remove(*, entry: AbuseListEntry, actor) -> None:
    """Lift a bar on filing clues."""
    require(actor, CHANGE, entry, _("You may not change this entry."))
    audit.record(actor=actor, action="abuse_list.remove", obj=entry, unit=entry.unit)
    entry.delete()


# --- history import ------------------------------------------------------------------------------------------------


@transaction.atomic
def clues_import_history(*, rows: list[dict], actor) -> int:
    """Import finished clues from an earlier platform (less paperwork: what is known is not typed again), in bulk.

    Each row: reporter (Woodpecker), category, description, submitted_at, and outcome "closed" (accepted, handled by
    the community, resolved, rated satisfied) or "rejected" (with reject_reason). Accepted clues earn points under
    the policy in force on their day, through ledger entries with idempotency keys, so the ledger still sums to each
    balance; the account rows are locked while they move.
    """
    require_at(actor, IMPORT, Clue, list({row["reporter"].grid_id: row["reporter"].grid for row in rows}.values()))
    by = _user(actor)
    clues, plans = [], []
    for row in rows:
        reporter, category, start = row["reporter"], row["category"], row["submitted_at"]
        if not (reporter.user_id or by):
            raise ValidationError({"reporter": [_("An imported clue needs a reporter with a login.")]})
        accepted = start + timedelta(hours=6)
        resolved = accepted + timedelta(days=max(1, category.deadline_days - 1))
        closed = row["outcome"] == ClueStatus.CLOSED
        clue = Clue(
            grid=reporter.grid,
            category=category,
            description=row["description"],
            source=ClueSource.WOODPECKER,
            reporter=reporter,
            submitted_by_id=reporter.user_id or by.pk,
            status=row["outcome"],
            reject_reason=row.get("reject_reason", ""),
            handler_kind=HandlerKind.COMMUNITY if closed else "",
            accepted_at=accepted if closed else None,
            deadline=accepted + timedelta(days=category.deadline_days) if closed else None,
            resolution=row.get("resolution", "") if closed else "",
            rating=Rating.SATISFIED if closed else "",
            resolved_at=resolved if closed else None,
            rated_at=resolved + timedelta(days=1) if closed else None,
            closed_at=resolved + timedelta(days=1) if closed else None,
            submitted_at=start,
        )
        clue.full_clean(
            exclude=["grid", "category", "reporter", "submitted_by", "public_id"],
            validate_unique=False,
            validate_constraints=False,
        )
        clues.append(clue)
        steps = [("", ClueStatus.SUBMITTED, start)]
        if closed:
            steps += [
                (ClueStatus.SUBMITTED, ClueStatus.ACCEPTED, accepted),
                (ClueStatus.ACCEPTED, ClueStatus.IN_PROGRESS, accepted),
                (ClueStatus.IN_PROGRESS, ClueStatus.RESOLVED, resolved),
                (ClueStatus.RESOLVED, ClueStatus.CLOSED, resolved + timedelta(days=1)),
            ]
        else:
            steps.append((ClueStatus.SUBMITTED, ClueStatus.REJECTED, start + timedelta(hours=6)))
        plans.append(steps)
    Clue.objects.bulk_create(clues, batch_size=500)
    history = [
        ClueEvent(
            clue=clue,
            from_status=a,
            to_status=b,
            note=_("Imported from the earlier platform"),
            actor=by,
            created_at=when,
        )
        for clue, steps in zip(clues, plans, strict=True)
        for a, b, when in steps
    ]
    ClueEvent.objects.bulk_create(history, batch_size=1000)
    # Points for the accepted ones, account by account under the row lock.
    earned = [c for c in clues if c.status == ClueStatus.CLOSED]
    by_reporter: dict[int, list[Clue]] = {}
    for clue in earned:
        by_reporter.setdefault(clue.reporter_id, []).append(clue)
    accounts = {
        a.woodpecker_id: a
        for a in PointsAccount.objects.select_for_update().filter(woodpecker_id__in=list(by_reporter))
    }
    policies = {}
    entries = []
    for woodpecker_id, own in by_reporter.items():
        account = accounts.get(woodpecker_id) or PointsAccount.objects.create(woodpecker_id=woodpecker_id)
        for clue in sorted(own, key=lambda c: c.accepted_at):
            day = timezone.localdate(clue.accepted_at)
            if clue.grid_id not in policies:  # every policy above the grid, newest first
                policies[clue.grid_id] = list(
                    PointsPolicy.objects.filter(unit_id__in=lineage_ids(clue.grid)).order_by(
                        "-effective_from", "-unit__depth"
                    )
                )
            policy = next((p for p in policies[clue.grid_id] if p.effective_from <= day), None)
            points = policy.points_per_clue if policy else DEFAULT_POINTS_PER_CLUE
            account.balance += points
            entries.append(
                PointsEntry(
                    account=account,
                    kind=EntryKind.EARN,
                    points=points,
                    balance_after=account.balance,
                    idempotency_key=f"earn:clue:{clue.pk}",
                    clue=clue,
                    policy=policy,
                    actor=by,
                    reason=_("Accepted clue #%(id)s") % {"id": clue.pk},
                    created_at=clue.accepted_at,
                    expires_on=day + timedelta(days=policy.expiry_days) if policy and policy.expiry_days else None,
                )
            )
        account.save(update_fields=["balance", "updated_at"])
    PointsEntry.objects.bulk_create(entries, batch_size=1000)
    if clues:
        audit.record(
            actor=actor, action="clue.import_history", obj=clues[0], unit=clues[0].grid, changes={"count": len(clues)}
        )
        grids = {c.grid_id: c.grid for c in clues}
        events_units = [u for g in grids.values() for u in _units_of(g)]
        for year in {c.submitted_at.year for c in clues} | {timezone.now().year}:
            events.records_changed(source=SOURCE, unit_ids=events_units, year=year)
    return len(clues)
