"""Reserve cadres: nomination, the stages, and villages without a reserve under 30."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.permissions import CHANGE, can
from core.views import Column, get_scoped_or_404
from core.views.generic import ObjectActionView

from .. import filters, forms, selectors, services
from ..models import ReserveCadre
from .base import SECTION, ListView, PersonRecordCreate, today

RESERVES = ReserveCadre.objects.select_related("person", "unit")


class ReserveList(ListView):
    title = _("Reserve cadres")
    queryset = RESERVES.order_by("unit__path", "person__name", "id")
    filterset_class = filters.ReserveFilter
    detail_url = "cadres:reserve_detail"
    columns = (
        Column(_("full name"), "person.name", sort="person__name"),
        Column(_("age"), lambda r: r.person.age(today())),
        Column(_("organization unit"), "unit.name", sort="unit__path"),
        Column(_("reserve for"), "get_post_for_display", sort="post_for"),
        Column(_("nominated by"), "get_nomination_display", sort="nomination"),
        Column(_("stage"), "get_stage_display", sort="stage"),
    )
    actions = (
        ("cadres:reserve_create", _("Nominate a reserve cadre")),
        ("cadres:under_30", _("Villages without a reserve under 30")),
        ("imports:start", _("Import"), ["reserves"]),
        ("sheets:export", _("Export"), ["reserves", "xlsx"]),
    )


class ReserveCreate(PersonRecordCreate):
    title = _("Nominate a reserve cadre")
    form_class = forms.ReserveForm
    service = services.reserve_nominate
    success_message = _("Reserve cadre nominated.")
    success_url = "cadres:reserve_detail"
    cancel_url = "cadres:reserve_list"


@login_required
def reserve_detail(request, pk):
    reserve = get_scoped_or_404(RESERVES, request.user, pk=pk)
    context = {
        "reserve": reserve,
        "age": reserve.person.age(today()),
        "steps": reserve.steps.select_related("actor"),
        "next_stage": services.reserve_next_stage(reserve),
        "can_change": can(request.user, CHANGE, reserve),
        "date_form": forms.DateForm(),
        "drop_form": forms.DropForm(),
    }
    return render(request, "cadres/reserve_detail.html", context)


class ReserveAction(ObjectActionView):
    """advance (to the next stage) or drop (with a reason)."""

    title = _("Reserve cadres")
    breadcrumb = SECTION
    queryset = RESERVES
    success_message = _("Reserve cadre updated.")
    redirect_url = "cadres:reserve_detail"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if kwargs["action"] not in ("advance", "drop"):
            raise PermissionDenied
        self.form_class = forms.DropForm if kwargs["action"] == "drop" else forms.DateForm
        return super().dispatch(request, *args, **kwargs)

    def perform(self, reserve, data):
        if self.kwargs["action"] == "drop":
            return services.reserve_drop(reserve=reserve, on=data["on"], reason=data["reason"], actor=self.request.user)
        return services.reserve_advance(reserve=reserve, on=data["on"], actor=self.request.user)


@login_required
def under_30(request):
    report = selectors.villages_missing_young_reserve(user=request.user, on=today())
    return render(request, "cadres/under_30.html", {"report": report})
