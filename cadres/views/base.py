"""What the cadres pages share: the breadcrumb to the section's front page, and the generic views set up for it."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import CHANGE, require, require_at
from core.views.generic import NOT_ALLOWED, ObjectDetailView, ObjectFormView, ObjectListView

SECTION = ("cadres:index", _("Party members and cadres"))


def today():
    return timezone.localdate()


def write_or_403(request, obj=None, *, model=None, unit=None, action=CHANGE):
    """403 unless the user may do `action` to `obj` — or, for one side of a record between two units, to a record
    of `model` at `unit` — through the one permission path."""
    if obj is not None:
        require(request.user, action, obj, str(NOT_ALLOWED))
    else:
        require_at(request.user, action, model, unit, str(NOT_ALLOWED))


class ListView(ObjectListView):
    breadcrumb = SECTION


class DetailView(ObjectDetailView):
    breadcrumb = SECTION


class FormView(ObjectFormView):
    breadcrumb = SECTION


class PersonRecordCreate(FormView):
    """A record about a person picked by name (vetting, study, assessment, post, reserve): the form's `person`
    (`cadres.picker.PersonPickerField`) is the person the service takes."""
