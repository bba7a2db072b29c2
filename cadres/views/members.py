"""Party members, political birthdays and organization-relationship transfers."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.permissions import CHANGE, VIEW, can_at
from accounts.scoping import restrict
from core.params import parse_int
from core.views import Column, get_scoped_or_404
from core.views.generic import NOT_ALLOWED, ObjectActionView

from .. import filters, forms, selectors, services
from ..models import MemberTransfer, PartyMember
from .base import SECTION, FormView, ListView, today, write_or_403

MEMBER_FACTS = (
    "status",
    "is_floating",
    "floating_managing_unit",
    "floating_location",
    "is_in_service",
    "report_community",
    "without_post",
    "is_household",
    "household_building",
)
MEMBERS = PartyMember.objects.select_related(
    "person", "unit", "floating_managing_unit", "report_community", "household_building"
)


def _floating(member):
    return (member.floating_location or _("yes")) if member.is_floating else None


class MemberList(ListView):
    title = _("Party members")
    queryset = PartyMember.objects.select_related("person", "unit", "floating_managing_unit").order_by(
        "unit__path", "person__name", "id"
    )
    filterset_class = filters.MemberFilter
    detail_url = "cadres:member_detail"
    search_hint = _("Name, or the full ID number")
    columns = (
        Column(_("full name"), "person.name", sort="person__name"),
        Column(_("resident ID number"), "person.id_number_masked"),
        Column(_("party branch unit"), "unit.name", sort="unit__path"),
        Column(_("membership status"), "get_status_display", sort="status"),
        Column(_("joining date"), "joined_on", sort="joined_on"),
        Column(_("floating member"), _floating),
    )
    actions = (
        ("cadres:member_create", _("Register a member")),
        ("cadres:birthdays", _("Political birthdays")),
        ("cadres:transfer_list", _("Organization relationship transfers")),
        ("cadres:person_list", _("People")),
        ("imports:start", _("Import"), ["members"]),
        ("sheets:export", _("Export"), ["members", "xlsx"]),
    )


class MemberCreate(FormView):
    title = _("Register a member")
    form_class = forms.MemberForm
    service = services.member_register
    success_message = _("Member registered.")
    success_url = "cadres:member_detail"
    cancel_url = "cadres:member_list"


class MemberEdit(FormView):
    title = _("Edit member")
    queryset = MEMBERS
    form_class = forms.MemberFactsForm
    service = services.member_update
    edit_object_arg = "member"
    drop_fields = ("floating_managing_unit_code",)
    success_message = _("Changes saved.")
    success_url = cancel_url = "cadres:member_detail"

    def check_permission(self, obj):
        # The home side changes the member; the county managing a floating member only sees them.
        write_or_403(self.request, model=PartyMember, unit=obj.unit)

    def get_initial(self, obj):
        initial = {name: getattr(obj, name) for name in MEMBER_FACTS if name != "floating_managing_unit"}
        managing = obj.floating_managing_unit
        initial["floating_managing_unit_code"] = managing.code if managing else ""
        return initial


class MemberTransferStart(MemberEdit):
    title = _("Transfer the organization relationship")
    form_class = forms.TransferForm
    form_user = False
    success_message = _("Transfer sent out.")
    success_url = "cadres:transfer_detail"
    cancel_url = "cadres:member_detail"

    def get_initial(self, obj):
        return {}

    def call_service(self, obj, form):
        data = form.cleaned_data
        return services.transfer_start(
            member=obj, to_unit=data["to_unit"], out_on=data["out_on"], reason=data["reason"], actor=self.request.user
        )


@login_required
def member_detail(request, pk):
    member = get_scoped_or_404(MEMBERS, request.user, pk=pk)
    context = {
        "member": member,
        "can_change": can_at(request.user, CHANGE, PartyMember, member.unit),
        # The managing side of a floating member (another county) sees the member, not the person page.
        "home_side": can_at(request.user, VIEW, PartyMember, member.unit),
        "transfers": MemberTransfer.objects.restrict(request.user)
        .filter(member=member)
        .select_related("from_unit", "to_unit"),
        "transfer_form": forms.TransferForm(),
    }
    return render(request, "cadres/member_detail.html", context)


@login_required
def birthdays(request):
    month = parse_int(request.GET, "month", default=today().month, min_value=1, max_value=12)
    groups = selectors.political_birthdays(user=request.user, month=month)
    return render(request, "cadres/birthdays.html", {"groups": groups, "month": month, "months": range(1, 13)})


class TransferList(ListView):
    title = _("Organization relationship transfers")
    queryset = MemberTransfer.objects.select_related("member__person", "from_unit", "to_unit").order_by("-out_on", "id")
    filterset_class = filters.TransferFilter
    detail_url = "cadres:transfer_detail"
    columns = (
        Column(_("party member"), "member.person.name", sort="member__person__name"),
        Column(_("from unit"), "from_unit.name"),
        Column(_("to unit"), "to_unit.name"),
        Column(_("status"), "get_status_display", sort="status"),
        Column(_("transferred out on"), "out_on", sort="out_on"),
    )


@login_required
def transfer_detail(request, pk):
    transfer = get_scoped_or_404(
        MemberTransfer.objects.select_related("member__person", "from_unit", "to_unit"), request.user, pk=pk
    )
    context = {
        "transfer": transfer,
        "receiving": can_at(request.user, CHANGE, MemberTransfer, transfer.to_unit),
        "sending": can_at(request.user, CHANGE, MemberTransfer, transfer.from_unit),
        "date_form": forms.DateForm(),
    }
    return render(request, "cadres/transfer_detail.html", context)


class TransferAction(ObjectActionView):
    """arrive / receive / cancel; the services decide which side takes which step."""

    title = _("Organization relationship transfers")
    breadcrumb = SECTION
    queryset = MemberTransfer.objects.all()
    success_message = _("Transfer updated.")
    redirect_url = "cadres:transfer_detail"
    steps = ("arrive", "receive", "cancel")

    def check_permission(self, obj):
        if self.kwargs["action"] not in self.steps:
            raise PermissionDenied
        if not restrict(MemberTransfer.objects.filter(pk=obj.pk), self.request.user, CHANGE).exists():
            # Seen but not changeable from either side: 403.
            raise PermissionDenied(str(NOT_ALLOWED))

    def perform(self, obj, data):
        actor = self.request.user
        if self.kwargs["action"] == "cancel":
            return services.transfer_cancel(transfer=obj, actor=actor)
        form = forms.DateForm(self.request.POST)
        day = form.cleaned_data["on"] if form.is_valid() else today()
        step = services.transfer_arrive if self.kwargs["action"] == "arrive" else services.transfer_receive
        return step(transfer=obj, on=day, actor=actor)
