"""Who is told of a clue's step or a redemption, and with what words (notifications.services.notify).

Called inside the service's transaction (the rows roll back with it; delivery waits for the commit). A clue's news
goes to its reporter, its handler (the department handlers of the department it is dispatched to) and the grid's
staff (secretaries and grid workers holding a role at the grid or a unit above it); never to the one who acted."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from accounts.models import User
from accounts.roles import Role
from notifications.models import Event, Notification
from notifications.services import notify

from ..models import ClueStatus, OverdueFlag
from ..models.common import DESK_ROLES

# A step of the closed loop → its event and title (a step not listed is told to nobody).
_STEP_EVENTS = {
    ClueStatus.ACCEPTED: (Event.CLUE_ACCEPTED, N_("Clue #%(id)s (%(category)s) was accepted.")),
    ClueStatus.REJECTED: (Event.CLUE_REJECTED, N_("Clue #%(id)s (%(category)s) was not accepted.")),
    ClueStatus.DISPATCHED: (Event.CLUE_DISPATCHED, N_("Clue #%(id)s (%(category)s) was dispatched to %(department)s.")),
    ClueStatus.RESOLVED: (Event.CLUE_RESOLVED, N_("Clue #%(id)s (%(category)s) was resolved; please rate it.")),
}
_REOPENED = (Event.CLUE_REOPENED, N_("Clue #%(id)s (%(category)s) was reopened: the reporter is not satisfied."))
_FLAGS = {
    OverdueFlag.YELLOW: (Event.CLUE_OVERDUE_YELLOW, N_("Clue #%(id)s (%(category)s) is overdue: yellow card.")),
    OverdueFlag.RED: (Event.CLUE_OVERDUE_RED, N_("Clue #%(id)s (%(category)s) is overdue: red card.")),
}


_DUE = (Event.DEADLINE_REMINDER, N_("Clue #%(id)s (%(category)s) is due within a day."))


def _ancestor_paths(path: str) -> list[str]:
    parts = [part for part in path.split(".") if part]
    return [".".join(parts[: i + 1]) + "." for i in range(len(parts))]


def clue_recipients(clue) -> list:
    """The reporter's login, the handlers of its department and the grid's desk staff (one query each)."""
    holders = User.objects.filter(
        role_assignments__role__in=DESK_ROLES, role_assignments__unit__path__in=_ancestor_paths(clue.grid.path)
    )
    users = list(holders.distinct())
    if clue.department_id:
        users += list(
            User.objects.filter(
                role_assignments__role=Role.DEPARTMENT_HANDLER, role_assignments__unit_id=clue.department_id
            ).distinct()
        )
    reporter = clue.reporter.user if clue.reporter_id else None
    return [reporter, *users]


def _url(clue) -> str:
    return reverse("grid_woodpecker:clue_detail", args=[clue.pk])


def _tell(clue, spec, *, actor) -> None:
    event, title = spec
    params = {
        "id": clue.pk,
        "category": clue.category.name,
        "department": clue.department.name if clue.department_id else "",
    }
    notify(recipients=clue_recipients(clue), event=event, title=_(title) % params, url=_url(clue), actor=actor)


def clue_moved(clue, from_status: str, to_status: str, *, actor) -> None:
    """Tell the people of a clue about a step of the closed loop."""
    if from_status == ClueStatus.RESOLVED and to_status == ClueStatus.IN_PROGRESS:
        _tell(clue, _REOPENED, actor=actor)
    elif to_status in _STEP_EVENTS:
        _tell(clue, _STEP_EVENTS[to_status], actor=actor)


def clue_flagged(clue, flag: str, *, actor) -> None:
    """Tell the people of a clue about its new card (the job gives each card once)."""
    if flag in _FLAGS:
        _tell(clue, _FLAGS[flag], actor=actor)


def redemption_ready(redemption, code: str) -> None:
    """Tell the woodpecker their goods wait at the station's counter, with the pickup code to show there (the code
    only: never a phone or ID number)."""
    title = _("Your %(goods)s × %(quantity)s wait for you at %(station)s. Pickup code: %(code)s.") % {
        "goods": redemption.goods.name,
        "quantity": redemption.quantity,
        "station": redemption.goods.station.name,
        "code": code,
    }
    notify(
        recipients=[redemption.woodpecker.user],
        event=Event.REDEMPTION_READY,
        title=title,
        url=reverse("grid_woodpecker:redemption_detail", args=[redemption.pk]),
        actor=None,  # they reserved it themselves, and still want the message they show at the counter
    )


def remind_due(clues, *, actor, since) -> int:
    """Remind the people of each clue of `clues` (due soon) not reminded of since `since`; how many were told."""
    reminded = set(
        Notification.objects.filter(event=Event.DEADLINE_REMINDER, created__gte=since).values_list("url", flat=True)
    )
    told = 0
    for clue in clues:
        if _url(clue) not in reminded:
            _tell(clue, _DUE, actor=actor)
            told += 1
    return told
