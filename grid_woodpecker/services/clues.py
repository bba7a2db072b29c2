"""The clue closed loop: submit, accept, merge, reject, handle or dispatch, start, recategorise, resolve, rate.
Every step is one transition of TRANSITIONS, recorded as a ClueEvent."""

import logging
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import (
    HANDLE,
    RATE,
    TRIAGE,
    can,
    require,
)
from core import audit, events
from core.api.throttling import WindowThrottle
from core.errors import Conflict, Invalid
from core.errors import ErrorCode as CoreCode
from organizations.models import OrganizationUnit

from ..attributes import clean_answers
from ..errors import ErrorCode
from ..models import (
    AbuseListEntry,
    Clue,
    ClueCategory,
    ClueEvent,
    CluePhoto,
    ClueSource,
    ClueStatus,
    HandlerKind,
    InspectionTask,
    OverdueFlag,
    Rating,
    Woodpecker,
    WoodpeckerStatus,
)
from ..photos import MAX_PHOTOS, clean_photo
from . import notices
from .common import announce, by_user, categories_for, check_department, validate_grid
from .points import points_earn_for_clue, points_reverse_for_clue

logger = logging.getLogger(__name__)


# The closed loop: from each state, the states a clue may go to. A handler may write back the result straight from
# accepted (the community fixed it itself) or dispatched (the department fixed it): "start work" is optional, and the
# event of the resolution records the state it came from.
TRANSITIONS = {
    ClueStatus.SUBMITTED: {ClueStatus.ACCEPTED, ClueStatus.MERGED, ClueStatus.REJECTED},
    ClueStatus.ACCEPTED: {ClueStatus.IN_PROGRESS, ClueStatus.DISPATCHED, ClueStatus.RESOLVED, ClueStatus.REJECTED},
    ClueStatus.DISPATCHED: {ClueStatus.IN_PROGRESS, ClueStatus.DISPATCHED, ClueStatus.RESOLVED, ClueStatus.REJECTED},
    ClueStatus.IN_PROGRESS: {ClueStatus.RESOLVED, ClueStatus.DISPATCHED, ClueStatus.REJECTED},
    ClueStatus.RESOLVED: {ClueStatus.CLOSED, ClueStatus.IN_PROGRESS},
    ClueStatus.MERGED: set(),
    ClueStatus.REJECTED: set(),
    ClueStatus.CLOSED: set(),
}


def _lock_clue(clue: Clue) -> Clue:
    return Clue.objects.select_for_update(of=("self",)).select_related("grid", "category", "reporter").get(pk=clue.pk)


def _locked_for(clue: Clue, actor, action: str) -> Clue:
    """The clue, locked, once the actor may take a step of `action` (TRIAGE or HANDLE) on it: 403 otherwise."""
    clue = _lock_clue(clue)
    if action == HANDLE:
        require(actor, HANDLE, clue, _("Only the handler of this clue may do this."))
    else:
        require(actor, action, clue, _("Only staff of this grid or community may do this."))
    return clue


def move(clue: Clue, to_status: str, *, actor, note: str = "", kind=ClueEvent.Kind.TRANSITION) -> ClueEvent:
    """Apply one transition of the closed loop (refusing any other) and record it with who, when and a note."""
    from_status = clue.status
    if to_status not in TRANSITIONS[from_status]:
        raise Conflict(
            _("A clue that is “%(from)s” cannot become “%(to)s”.")
            % {"from": ClueStatus(from_status).label, "to": ClueStatus(to_status).label},
            code=ErrorCode.CLUE_TRANSITION_NOT_ALLOWED,
        )
    clue.status = to_status
    # The services have checked every field they set; the rejection and merge rules are CheckConstraints too.
    clue.save()
    notices.clue_moved(clue, from_status, to_status, actor=actor)
    events.emit(
        events.CLUE_STATE_CHANGED,
        unit_id=clue.grid_id,
        data={"clue": clue.pk, "from": from_status, "to": to_status},
    )
    return ClueEvent.objects.create(
        clue=clue, kind=kind, from_status=from_status, to_status=to_status, note=note, actor=by_user(actor)
    )


def _deadline(category: ClueCategory, start: datetime) -> datetime:
    return start + timedelta(days=category.deadline_days)


def _check_rate_limit(user) -> None:
    """Refuse a login that files clues too fast (a clear message, never an error page). DRF's sliding-window
    throttle, rates in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["clue_submit"]; the API answers it with 429."""
    refused = WindowThrottle.check("clue_submit", user.pk)
    if refused is not None:
        exc = ValidationError(
            _("You are filing clues too often: at most %(limit)d in %(minutes)d minutes. Please try again later.")
            % {"limit": refused.num_requests, "minutes": refused.duration // 60},
            code=ErrorCode.RATE_LIMITED,
        )
        exc.wait = refused.wait()
        logger.info("clue submission refused by the rate limit (user id %s)", user.pk)
        raise exc


def _check_abuse_list(user, grid) -> None:
    now = timezone.now()
    listed = AbuseListEntry.objects.filter(user=user).filter(Q(until__isnull=True) | Q(until__gt=now))
    for entry in listed.select_related("unit"):
        if grid.path.startswith(entry.unit.path):
            logger.info("clue submission refused by abuse list entry %s", entry.pk)
            raise ValidationError(
                _("Your account may not file clues at present (%(reason)s). Contact your community.")
                % {"reason": entry.reason},
                code=ErrorCode.ABUSE_LISTED,
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
        raise Invalid(
            _("At most %(n)d photos per clue.") % {"n": MAX_PHOTOS}, code=ErrorCode.TOO_MANY_PHOTOS, field="photos"
        )
    return photos


def _checked_submission(*, grid, building, category, description, latitude, longitude, task) -> str:
    """Refuse a clue's invalid input (400); the description, stripped."""
    if building is not None and building.parent_id != grid.pk:
        raise Invalid(_("This building is not in the grid."), code=ErrorCode.BUILDING_NOT_IN_GRID, field="building")
    if category not in categories_for(grid):
        raise Invalid(
            _("This category is not configured for this grid's city."),
            code=ErrorCode.CATEGORY_NOT_CONFIGURED,
            field="category",
        )
    description = (description or "").strip()
    if len(description) < 5:
        raise Invalid(
            _("Describe the problem in a few words (at least 5 characters)."),
            code=ErrorCode.DESCRIPTION_TOO_SHORT,
            field="description",
        )
    if (latitude is None) != (longitude is None):
        raise Invalid(
            _("Give both latitude and longitude, or neither."), code=ErrorCode.COORDINATES_INCOMPLETE, field="latitude"
        )
    if task is not None and (task.grid_id != grid.pk or not (task.starts_on <= timezone.localdate() <= task.ends_on)):
        raise Invalid(
            _("This inspection task is not open for this grid today."), code=ErrorCode.TASK_NOT_OPEN, field="task"
        )
    return description


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
    attributes: dict | None = None,
) -> Clue:
    """File a clue: by a woodpecker (in their grid by default), or by an external system within its jurisdiction;
    `attributes` answers the category's questions (grid_woodpecker.attributes)."""
    if by_user(actor) is None:  # a clue is filed by a login: a woodpecker's, or an external system's service user
        raise PermissionDenied(_("Only a registered woodpecker may file clues here."))
    reporter = None
    if source == ClueSource.WOODPECKER:
        reporter = Woodpecker.objects.filter(user=actor).select_related("grid").first()
        if reporter is None:
            raise PermissionDenied(_("Only a registered woodpecker may file clues here."))
        if reporter.status != WoodpeckerStatus.ACTIVE:
            raise Conflict(
                _("Your registration is not confirmed yet (or deactivated); you cannot file clues."),
                code=ErrorCode.WOODPECKER_INACTIVE,
            )
        grid = grid or reporter.grid
    validate_grid(grid)
    description = _checked_submission(
        grid=grid,
        building=building,
        category=category,
        description=description,
        latitude=latitude,
        longitude=longitude,
        task=task,
    )
    answers = clean_answers(category, attributes)
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
        attributes=answers,
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
    clue = _locked_for(clue, actor, TRIAGE)
    now = timezone.now()
    clue.accepted_at = now
    clue.deadline = _deadline(clue.category, now)
    move(clue, ClueStatus.ACCEPTED, actor=actor, note=note)
    if clue.reporter_id:
        points_earn_for_clue(clue=clue, actor=actor)
    audit.record(actor=actor, action="clue.accept", obj=clue, unit=clue.grid)
    announce(clue.grid, now)
    return clue


@transaction.atomic
def clue_merge(*, clue: Clue, original: Clue, actor, note: str = "") -> Clue:
    """Merge a duplicate into the first report of the same problem (no points for the duplicate)."""
    clue = _locked_for(clue, actor, TRIAGE)
    if original.pk == clue.pk or original.grid_id != clue.grid_id:
        raise Invalid(
            _("Choose an earlier clue of the same grid."), code=ErrorCode.MERGE_TARGET_INVALID, field="duplicate_of"
        )
    if original.status in (ClueStatus.MERGED, ClueStatus.REJECTED):
        raise Conflict(
            _("A clue cannot be merged into a rejected or merged clue."),
            code=ErrorCode.MERGE_TARGET_CLOSED,
            field="duplicate_of",
        )
    clue.duplicate_of = original
    move(clue, ClueStatus.MERGED, actor=actor, note=note or _("Duplicate of clue #%(id)s") % {"id": original.pk})
    audit.record(actor=actor, action="clue.merge", obj=clue, unit=clue.grid)
    return clue


@transaction.atomic
def clue_reject(*, clue: Clue, reason: str, actor) -> Clue:
    """Reject a clue with a reason. An accepted clue found false is rejected too, and its points are reversed."""
    clue = _locked_for(clue, actor, TRIAGE)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("A reason is required to reject a clue."), code=ErrorCode.NOTE_REQUIRED, field="reason")
    was_accepted = clue.status != ClueStatus.SUBMITTED
    clue.reject_reason = reason
    clue.found_false = was_accepted
    move(clue, ClueStatus.REJECTED, actor=actor, note=reason)
    if was_accepted and clue.reporter_id:
        points_reverse_for_clue(clue=clue, reason=reason, actor=actor)
    audit.record(actor=actor, action="clue.reject", obj=clue, unit=clue.grid)
    announce(clue.grid)
    return clue


@transaction.atomic
def clue_handle_in_community(*, clue: Clue, actor, note: str = "") -> Clue:
    """The community takes an accepted clue in hand itself."""
    clue = _locked_for(clue, actor, TRIAGE)
    if clue.status != ClueStatus.ACCEPTED:
        raise Conflict(
            _("Only an accepted clue can be taken in hand by the community."),
            code=ErrorCode.CLUE_TRANSITION_NOT_ALLOWED,
        )
    clue.handler_kind = HandlerKind.COMMUNITY
    clue.department = None
    move(clue, ClueStatus.IN_PROGRESS, actor=actor, note=note or _("Handled by the community"))
    audit.record(actor=actor, action="clue.handle", obj=clue, unit=clue.grid)
    return clue


@transaction.atomic
def clue_dispatch(
    *, clue: Clue, department: OrganizationUnit, actor, deadline: datetime | None = None, note=""
) -> Clue:
    """Dispatch (or re-dispatch) a clue to a department with the department's deadline; the history keeps both."""
    clue = _locked_for(clue, actor, TRIAGE)
    # The department is a unit the clue will refer to: it must serve the clue's area (a grid worker dispatches
    # upwards, to a municipal bureau outside their own scope, but never to a sibling township's office).
    check_department(department, clue.grid, "department")
    now = timezone.now()
    if deadline is not None and deadline <= now:
        raise Invalid(_("The deadline must lie in the future."), code=ErrorCode.DEADLINE_PAST, field="deadline")
    redispatch = clue.status in (ClueStatus.DISPATCHED, ClueStatus.IN_PROGRESS)
    old = clue.department.name if clue.department_id else _("the community")
    clue.handler_kind = HandlerKind.DEPARTMENT
    clue.department = department
    clue.deadline = deadline or _deadline(clue.category, now)
    clue.flag = OverdueFlag.NONE
    if redispatch:
        note = (_("Re-dispatched from %(old)s to %(new)s.") % {"old": old, "new": department.name} + " " + note).strip()
    move(
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
    clue = _locked_for(clue, actor, HANDLE)
    if clue.status != ClueStatus.DISPATCHED:
        raise Conflict(
            _("Only a dispatched clue can be started by its department."), code=ErrorCode.CLUE_TRANSITION_NOT_ALLOWED
        )
    move(clue, ClueStatus.IN_PROGRESS, actor=actor, note=note)
    audit.record(actor=actor, action="clue.start", obj=clue, unit=clue.grid)
    return clue


@transaction.atomic
def clue_recategorize(*, clue: Clue, category: ClueCategory, actor, note: str = "") -> Clue:
    """Change a clue's category: its deadline follows the new category; the history keeps the old one."""
    clue = _locked_for(clue, actor, TRIAGE)
    if not clue.is_open:
        raise Conflict(_("A finished clue cannot be re-categorised."), code=ErrorCode.CLUE_FINISHED)
    if category not in categories_for(clue.grid):
        raise Invalid(
            _("This category is not configured for this grid's city."),
            code=ErrorCode.CATEGORY_NOT_CONFIGURED,
            field="category",
        )
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
        actor=by_user(actor),
    )
    audit.record(actor=actor, action="clue.recategorize", obj=clue, unit=clue.grid)
    return clue


@transaction.atomic
def clue_resolve(*, clue: Clue, resolution: str, actor, photos=()) -> Clue:
    """The handler writes back what was done (with optional photos); the reporter is asked to rate it. From in
    progress, or directly from dispatched (the department) or accepted (the community handled it itself)."""
    clue = _locked_for(clue, actor, HANDLE)
    resolution = (resolution or "").strip()
    if not resolution:
        raise Invalid(_("Write what was done."), code=ErrorCode.NOTE_REQUIRED, field="resolution")
    photos = _validate_photos(photos)
    if clue.status == ClueStatus.ACCEPTED:  # nobody was dispatched: the community handled it
        clue.handler_kind = HandlerKind.COMMUNITY
        clue.department = None
    clue.resolution = resolution
    clue.resolved_at = timezone.now()
    move(clue, ClueStatus.RESOLVED, actor=actor, note=resolution)
    _attach_photos(clue, photos, CluePhoto.Stage.RESOLUTION)
    audit.record(actor=actor, action="clue.resolve", obj=clue, unit=clue.grid)
    return clue


@transaction.atomic
def clue_rate(*, clue: Clue, rating: str, actor, reason: str = "") -> Clue:
    """The reporter rates the result: satisfied closes the clue; unsatisfied (with a reason) reopens it."""
    clue = _lock_clue(clue)
    if by_user(actor) is None or not can(actor, RATE, clue):  # the reporter's own rating, never the system's
        raise PermissionDenied(_("Only the reporter may rate this clue."))
    if clue.status != ClueStatus.RESOLVED:
        raise Conflict(_("Only a resolved clue can be rated."), code=ErrorCode.CLUE_TRANSITION_NOT_ALLOWED)
    reason = (reason or "").strip()
    if rating not in Rating.values:
        raise Invalid(_("Choose satisfied or unsatisfied."), code=CoreCode.INVALID_CHOICE, field="rating")
    if rating == Rating.UNSATISFIED and not reason:
        raise Invalid(_("Say why you are not satisfied."), code=ErrorCode.NOTE_REQUIRED, field="reason")
    now = timezone.now()
    clue.rating, clue.rating_reason, clue.rated_at = rating, reason, now
    if rating == Rating.SATISFIED:
        clue.closed_at = now
        move(clue, ClueStatus.CLOSED, actor=actor, note=_("Satisfied"))
    else:
        clue.resolved_at = None
        clue.deadline = _deadline(clue.category, now)
        clue.flag = OverdueFlag.NONE
        move(clue, ClueStatus.IN_PROGRESS, actor=actor, note=_("Unsatisfied: %(reason)s") % {"reason": reason})
    audit.record(actor=actor, action="clue.rate", obj=clue, unit=clue.grid, changes={"rating": rating})
    announce(clue.grid, now)
    return clue
