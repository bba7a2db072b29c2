"""People: the list, registration, the person page (masked data; the full value only through `person_reveal`,
which logs it), editing, and the person picker's search."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import CHANGE, REVEAL, can
from core.api.errors import error_body
from core.api.throttling import WindowThrottle
from core.errors import ErrorCode
from core.views import Column, get_scoped_or_404

from .. import filters, forms, selectors, services
from ..models import CadrePost, DevelopmentRecord, PartyMember, Person, ReserveCadre
from ..personal import age_band, person_facts
from ..picker import person_option
from .base import FormView, ListView


class PersonList(ListView):
    title = _("People")
    queryset = Person.objects.select_related("unit").order_by("unit__path", "name", "id")
    filterset_class = filters.PersonFilter
    detail_url = "cadres:person_detail"
    search_hint = _("Name, or the full ID number")
    columns = (
        Column(_("full name"), "name", sort="name"),
        Column(_("age"), lambda p: age_band(p.birth_date)),
        Column(_("resident ID number"), "id_number_masked"),
        Column(_("mobile phone"), "mobile_masked"),
        Column(_("organization unit"), "unit.name", sort="unit__path"),
    )
    actions = (("cadres:person_create", _("Register a person")),)


class PersonCreate(FormView):
    title = _("Register a person")
    form_class = forms.PersonForm
    service = services.person_create
    success_message = _("Person registered.")
    success_url = "cadres:person_detail"
    cancel_url = "cadres:person_list"


class PersonEdit(FormView):
    title = _("Edit person")
    queryset = Person.objects.select_related("unit")
    form_class = forms.PersonEditForm
    form_user = False
    service = services.person_update
    edit_object_arg = "person"
    success_message = _("Changes saved.")
    success_url = cancel_url = "cadres:person_detail"

    def get_initial(self, obj):
        return {"name": obj.name, "education": obj.education, "employment_type": obj.employment_type}

    def service_kwargs(self, data):
        if not data["mobile"]:
            data.pop("mobile")
        return data


def _person_page(request, person, revealed=None):
    context = {
        "person": person,
        "facts": person_facts(request.user, person),
        "can_reveal": can(request.user, REVEAL, person),
        "can_change": can(request.user, CHANGE, person),
        "revealed": revealed or {},
        "member": PartyMember.objects.restrict(request.user).filter(person=person).first(),
        "posts": CadrePost.objects.restrict(request.user).filter(person=person).select_related("unit"),
        "reserves": ReserveCadre.objects.restrict(request.user).filter(person=person).select_related("unit"),
        "records": DevelopmentRecord.objects.restrict(request.user).filter(person=person),
        "reveals": person.reveals.select_related("actor")[:10],
    }
    return render(request, "cadres/person_detail.html", context)


@login_required
def person_detail(request, pk):
    return _person_page(request, get_scoped_or_404(Person.objects.select_related("unit"), request.user, pk=pk))


@login_required
@require_POST
def person_reveal(request, pk, field):
    person = get_scoped_or_404(Person.objects.select_related("unit"), request.user, pk=pk)
    if field not in ("id_number", "mobile"):
        raise PermissionDenied
    value = services.person_reveal(person=person, field=field, actor=request.user)
    # Shown once, in the answer to this POST: never kept in the session, the page's URL or a redirect.
    return _person_page(request, person, revealed={field: value})


@login_required
@require_GET
def person_search(request):
    """The person picker's typeahead: people in the user's jurisdiction whose name contains `q` — name, masked ID
    number and unit, never a full ID number or phone. Throttled per user (`person_search` rate)."""
    refused = WindowThrottle.check("person_search", request.user.pk)
    if refused is not None:
        response = JsonResponse(error_body(ErrorCode.THROTTLED.label, ErrorCode.THROTTLED), status=429)
        response["Retry-After"] = str(max(1, round(refused.wait() or 1)))
        return response
    people = selectors.people_for_picker(user=request.user, query=request.GET.get("q", ""))
    return JsonResponse({"results": [person_option(person) for person in people]})
