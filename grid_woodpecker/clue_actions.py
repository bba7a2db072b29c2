"""The actions on a clue's page, declared once: which service each calls, with which form, for whom, what it asks
before and what it says after.

`views.ClueAction` (an `ObjectActionView`) runs them (scope → permission → form → service → message); the page
builds its forms and confirmations from the same table.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import HANDLE, RATE, TRIAGE

from . import forms
from .models import EntryKind, Rating
from .services.clues import (
    clue_accept,
    clue_dispatch,
    clue_handle_in_community,
    clue_merge,
    clue_rate,
    clue_recategorize,
    clue_reject,
    clue_resolve,
    clue_start,
)
from .services.public_media import clue_photo_clear, clue_photo_withdraw


@dataclass(frozen=True)
class ClueAction:
    service: Callable  # called as service(clue=clue, actor=user, **form.arguments())
    form: type[forms.ClueActionForm]  # parses the POST (and is shown on the page)
    permission: str  # the accounts.permissions action the user must hold on the clue (403 otherwise)
    success: Callable[[object], str]  # what happened, from the clue the service returns
    confirm: str = ""  # asked before the form is sent; empty: nothing to confirm


def _accepted(clue) -> str:
    earned = clue.points_entries.filter(kind=EntryKind.EARN).first() if clue.reporter_id else None
    if earned is None:
        return _("The clue is accepted; its deadline has started.")
    return _("The clue is accepted, the reporter is credited %(points)d points and has been told.") % {
        "points": earned.points
    }


def _rejected(clue) -> str:
    if clue.found_false and clue.reporter_id:
        return _("The clue is found false and rejected; the points it earned are reversed and the reporter is told.")
    if clue.found_false:
        return _("The clue is found false and rejected.")
    if clue.reporter_id:
        return _("The clue is rejected; the reason is kept in its history and the reporter is told.")
    return _("The clue is rejected; the reason is kept in its history.")


def _merged(clue) -> str:
    return _("The clue is merged into clue #%(id)s as a duplicate; a duplicate earns no points.") % {
        "id": clue.duplicate_of_id
    }


def _handled(clue) -> str:
    return _("The community now handles the clue itself; write back the result when it is done.")


def _dispatched(clue) -> str:
    deadline = date_format(timezone.localtime(clue.deadline), "SHORT_DATETIME_FORMAT")
    return _("The clue is dispatched to %(department)s, to be handled by %(deadline)s; its handlers are told.") % {
        "department": clue.department.name,
        "deadline": deadline,
    }


def _recategorized(clue) -> str:
    return _("The clue's category is now “%(category)s”; its deadline follows the new category.") % {
        "category": clue.category.name
    }


def _started(clue) -> str:
    return _("Work on the clue has started; write back the result when it is done.")


def _resolved(clue) -> str:
    if clue.reporter_id:
        return _("The result is written back; the reporter is told and asked to rate it.")
    return _("The result is written back.")


def _cleared(photo) -> str:
    return _("The photo is public now, without its metadata; external systems see it as the request's media_url.")


def _withdrawn(photo) -> str:
    return _("The photo is no longer public; its public address stops answering.")


def _rated(clue) -> str:
    if clue.rating == Rating.SATISFIED:
        return _("Thank you for rating: the clue is closed.")
    return _("Thank you. The clue is reopened and its handler is told to handle it again.")


CLUE_ACTIONS: dict[str, ClueAction] = {
    "accept": ClueAction(clue_accept, forms.NoteForm, TRIAGE, _accepted),
    "reject": ClueAction(
        clue_reject,
        forms.RejectForm,
        TRIAGE,
        _rejected,
        confirm=gettext_lazy("Reject this clue? A rejected clue is not reopened, and points it earned are reversed."),
    ),
    "merge": ClueAction(
        clue_merge,
        forms.MergeForm,
        TRIAGE,
        _merged,
        confirm=gettext_lazy("Merge this clue into the earlier one as a duplicate? It will earn no points."),
    ),
    "handle": ClueAction(clue_handle_in_community, forms.ClueActionForm, TRIAGE, _handled),
    "dispatch": ClueAction(clue_dispatch, forms.DispatchForm, TRIAGE, _dispatched),
    "recategorize": ClueAction(clue_recategorize, forms.RecategorizeForm, TRIAGE, _recategorized),
    "start": ClueAction(clue_start, forms.ClueActionForm, HANDLE, _started),
    "resolve": ClueAction(clue_resolve, forms.ResolveForm, HANDLE, _resolved),
    "photo_clear": ClueAction(clue_photo_clear, forms.PhotoClearForm, TRIAGE, _cleared),
    "photo_withdraw": ClueAction(
        clue_photo_withdraw,
        forms.PhotoWithdrawForm,
        TRIAGE,
        _withdrawn,
        confirm=gettext_lazy("Withdraw this photo from the public? Its public address stops answering."),
    ),
    "rate": ClueAction(
        clue_rate,
        forms.RateForm,
        RATE,
        _rated,
        confirm=gettext_lazy("Send your rating? “Satisfied” closes the clue."),
    ),
}
