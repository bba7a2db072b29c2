"""Portal pages of party members and cadre pipelines. Thin: scope (get_scoped_or_404), parse, call a service,
render. Personal data is shown masked; the full value only through `person_reveal`, which logs it."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import APPROVE, CHANGE, IMPORT, REVEAL, VIEW, can, can_at, require, require_at, units_for
from accounts.scoping import restrict
from core import imports as uploads
from core.params import parse_int, parse_year
from core.views import add_service_errors, get_scoped_or_404

from . import forms, selectors, services
from .models import (
    CadrePost,
    CapabilityAssessment,
    DegreeStudy,
    DevelopmentRecord,
    DevelopmentStage,
    DevelopmentStep,
    ElevatedManagement,
    JointVetting,
    MemberStatus,
    MemberTransfer,
    PartyMember,
    Person,
    PostKind,
    ReserveCadre,
    ReservePost,
    ReserveStage,
    StepStatus,
    TrainingSession,
    TransferStatus,
)
from .personal import age_band, person_facts


def _page(request, qs, per_page=50):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def _list(request, *, title, page, columns, row, filters=None, actions=None, extra=None):
    """Render the shared list page: `row(obj)` gives (detail URL, [cells])."""
    context = {
        "title": title,
        "page": page,
        "columns": columns,
        "rows": [row(obj) for obj in page],
        "filters": filters or [],
        "actions": actions or [],
        "query": request.GET.get("q", ""),
        "querystring": "&".join(f"{k}={v}" for k, v in request.GET.items() if k != "page"),
    }
    context.update(extra or {})
    return render(request, "cadres/list.html", context)


def _choice_filter(request, name, label, choices):
    return {"name": name, "label": label, "value": request.GET.get(name, ""), "choices": list(choices)}


def _form_page(request, form, title, cancel):
    return render(request, "cadres/form.html", {"form": form, "title": title, "cancel": cancel})


def _write_or_403(request, obj=None, *, model=None, unit=None, action=CHANGE):
    """403 unless the user may do `action` to `obj` — or, for one side of a record between two units, to a record
    of `model` at `unit` — through the one permission path."""
    message = _("You may view this record but not change it.")
    if obj is not None:
        require(request.user, action, obj, message)
    else:
        require_at(request.user, action, model, unit, message)


def _today():
    return timezone.localdate()


# -- overview ---------------------------------------------------------------------------------------------------


@login_required
def index(request):
    year = parse_year(request.GET, default=_today().year)
    context = {
        "year": year,
        "years": range(_today().year, _today().year - 6, -1),
        "development": selectors.development_figures(user=request.user, year=year),
        "cadres": selectors.cadre_figures(user=request.user, year=year),
        "reserves": selectors.reserve_figures(user=request.user),
        "young": selectors.villages_missing_young_reserve(user=request.user, on=_today()),
        "training": selectors.training_figures(user=request.user, year=year),
        "members": selectors.unit_counts(user=request.user),
    }
    return render(request, "cadres/index.html", context)


# -- people -----------------------------------------------------------------------------------------------------


@login_required
def person_list(request):
    qs = selectors.people_search(user=request.user, query=request.GET.get("q", ""))
    return _list(
        request,
        title=_("People"),
        page=_page(request, qs),
        columns=[_("full name"), _("age"), _("resident ID number"), _("mobile phone"), _("organization unit")],
        row=lambda p: (
            reverse("cadres:person_detail", args=[p.pk]),
            [p.name, age_band(p.birth_date), p.id_number_masked, p.mobile_masked or "—", p.unit.name],
        ),
        actions=[(reverse("cadres:person_create"), _("Register a person"))],
        extra={"search_hint": _("Name, or the full ID number")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request):
    form = forms.PersonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.person_create(actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Person registered."))
            return redirect("cadres:person_detail", pk=person.pk)
    return _form_page(request, form, _("Register a person"), reverse("cadres:person_list"))


@login_required
def person_detail(request, pk):
    return _person_page(request, get_scoped_or_404(Person.objects.select_related("unit"), request.user, pk=pk))


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
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person = get_scoped_or_404(Person.objects.select_related("unit"), request.user, pk=pk)
    _write_or_403(request, person)
    initial = {"name": person.name, "education": person.education, "employment_type": person.employment_type}
    form = forms.PersonEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if not data["mobile"]:
            data.pop("mobile")
        try:
            services.person_update(person=person, actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("cadres:person_detail", pk=person.pk)
    return _form_page(request, form, _("Edit person"), reverse("cadres:person_detail", args=[person.pk]))


@login_required
@require_POST
def person_reveal(request, pk, field):
    person = get_scoped_or_404(Person.objects.select_related("unit"), request.user, pk=pk)
    if field not in ("id_number", "mobile"):
        raise PermissionDenied
    value = services.person_reveal(person=person, field=field, actor=request.user)
    # Shown once, in the answer to this POST: never kept in the session, the page's URL or a redirect.
    return _person_page(request, person, revealed={field: value})


# -- members ----------------------------------------------------------------------------------------------------


@login_required
def member_list(request):
    qs = selectors.members_list(
        user=request.user,
        query=request.GET.get("q", "").strip(),
        status=request.GET.get("status", ""),
        flag=request.GET.get("flag", ""),
    )
    flags = [
        ("is_floating", _("floating member")),
        ("is_in_service", _("in-service member")),
        ("without_post", _("member without post")),
        ("is_household", _("member household")),
    ]
    return _list(
        request,
        title=_("Party members"),
        page=_page(request, qs),
        columns=[
            _("full name"),
            _("resident ID number"),
            _("party branch unit"),
            _("membership status"),
            _("joining date"),
            _("floating member"),
        ],
        row=lambda m: (
            reverse("cadres:member_detail", args=[m.pk]),
            [
                m.person.name,
                m.person.id_number_masked,
                m.unit.name,
                m.get_status_display(),
                m.joined_on,
                (m.floating_location or _("yes")) if m.is_floating else "—",
            ],
        ),
        filters=[
            _choice_filter(request, "status", _("membership status"), MemberStatus.choices),
            _choice_filter(request, "flag", _("kind"), flags),
        ],
        actions=[
            (reverse("cadres:member_create"), _("Register a member")),
            (reverse("cadres:birthdays"), _("Political birthdays")),
            (reverse("cadres:transfer_list"), _("Organization relationship transfers")),
            (reverse("cadres:person_list"), _("People")),
            (reverse("cadres:import", args=["members"]), _("Import")),
            (reverse("cadres:export", args=["members"]), _("Export")),
        ],
        extra={"search_hint": _("Name, or the full ID number")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request):
    form = forms.MemberForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_register(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Member registered."))
            return redirect("cadres:member_detail", pk=member.pk)
    return _form_page(request, form, _("Register a member"), reverse("cadres:member_list"))


def _member(request, pk, action="view"):
    qs = PartyMember.objects.select_related(
        "person", "unit", "floating_managing_unit", "report_community", "household_building"
    )
    return get_scoped_or_404(qs, request.user, action, pk=pk)


@login_required
def member_detail(request, pk):
    member = _member(request, pk)
    context = {
        "member": member,
        # The home side changes the member; the county managing a floating member only sees them.
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
@require_http_methods(["GET", "POST"])
def member_edit(request, pk):
    member = _member(request, pk)
    _write_or_403(request, model=PartyMember, unit=member.unit)
    initial = {
        name: getattr(member, name)
        for name in (
            "status",
            "is_floating",
            "floating_location",
            "is_in_service",
            "report_community",
            "without_post",
            "is_household",
            "household_building",
        )
    }
    initial["floating_managing_unit_code"] = member.floating_managing_unit.code if member.floating_managing_unit else ""
    form = forms.MemberFactsForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("floating_managing_unit_code")
        try:
            services.member_update(member=member, actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("cadres:member_detail", pk=member.pk)
    return _form_page(request, form, _("Edit member"), reverse("cadres:member_detail", args=[member.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def member_transfer(request, pk):
    member = _member(request, pk)
    _write_or_403(request, model=PartyMember, unit=member.unit)
    form = forms.TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            transfer = services.transfer_start(
                member=member, to_unit=data["to_unit"], out_on=data["out_on"], reason=data["reason"], actor=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Transfer sent out."))
            return redirect("cadres:transfer_detail", pk=transfer.pk)
    return _form_page(
        request, form, _("Transfer the organization relationship"), reverse("cadres:member_detail", args=[member.pk])
    )


@login_required
def birthdays(request):
    month = parse_int(request.GET, "month", default=_today().month, min_value=1, max_value=12)
    groups = selectors.political_birthdays(user=request.user, month=month)
    return render(request, "cadres/birthdays.html", {"groups": groups, "month": month, "months": range(1, 13)})


# -- transfers --------------------------------------------------------------------------------------------------


@login_required
def transfer_list(request):
    qs = selectors.transfers_list(user=request.user, status=request.GET.get("status", ""))
    return _list(
        request,
        title=_("Organization relationship transfers"),
        page=_page(request, qs),
        columns=[_("party member"), _("from unit"), _("to unit"), _("status"), _("transferred out on")],
        row=lambda t: (
            reverse("cadres:transfer_detail", args=[t.pk]),
            [t.member.person.name, t.from_unit.name, t.to_unit.name, t.get_status_display(), t.out_on],
        ),
        filters=[_choice_filter(request, "status", _("status"), TransferStatus.choices)],
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


@login_required
@require_POST
def transfer_action(request, pk, action):
    transfer = get_scoped_or_404(MemberTransfer.objects.all(), request.user, pk=pk)
    if not restrict(MemberTransfer.objects.filter(pk=transfer.pk), request.user, CHANGE).exists():
        # Seen but not changeable from either side: 403 (the services then decide which side takes which step).
        raise PermissionDenied(_("You may view this record but not change it."))
    form = forms.DateForm(request.POST)
    day = form.cleaned_data["on"] if form.is_valid() else _today()
    try:
        if action == "arrive":
            services.transfer_arrive(transfer=transfer, on=day, actor=request.user)
        elif action == "receive":
            services.transfer_receive(transfer=transfer, on=day, actor=request.user)
        elif action == "cancel":
            services.transfer_cancel(transfer=transfer, actor=request.user)
        else:
            raise PermissionDenied
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may view this record but not change it."))
    else:
        messages.success(request, _("Transfer updated."))
    return redirect("cadres:transfer_detail", pk=transfer.pk)


# -- development ------------------------------------------------------------------------------------------------


@login_required
def development_list(request):
    qs = selectors.development_list(
        user=request.user,
        stage=request.GET.get("stage", ""),
        query=request.GET.get("q", "").strip(),
        pending=request.GET.get("pending") == "1",
    ).prefetch_related("steps")
    return _list(
        request,
        title=_("Member development"),
        page=_page(request, qs),
        columns=[
            _("full name"),
            _("party branch unit"),
            _("stage"),
            _("applied on"),
            _("activist since"),
            _("awaiting approval"),
        ],
        row=lambda r: (
            reverse("cadres:development_detail", args=[r.pk]),
            [
                r.person.name,
                r.unit.name,
                r.get_stage_display(),
                r.applied_on,
                r.activist_on or "—",
                r.pending_step.get_to_stage_display() if r.pending_step else "—",
            ],
        ),
        filters=[
            _choice_filter(request, "stage", _("stage"), DevelopmentStage.choices),
            _choice_filter(request, "pending", _("awaiting approval"), [("1", _("yes"))]),
        ],
        actions=[(reverse("cadres:development_create"), _("Record an application"))],
    )


@login_required
@require_http_methods(["GET", "POST"])
def development_create(request):
    form = forms.DevelopmentStartForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["person"] is not None:
                record = services.development_start(
                    person=data["person"], unit=data["unit"], applied_on=data["applied_on"], actor=request.user
                )
            else:
                record = services.development_register(
                    name=data["name"],
                    id_number=data["person_id_number"],
                    unit=data["unit"],
                    applied_on=data["applied_on"],
                    actor=request.user,
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Application recorded."))
            return redirect("cadres:development_detail", pk=record.pk)
    return _form_page(request, form, _("Record an application"), reverse("cadres:development_list"))


def _record(request, pk):
    return get_scoped_or_404(DevelopmentRecord.objects.select_related("person", "unit"), request.user, pk=pk)


def _development_page(request, record, propose_form=None, return_form=None):
    steps = list(record.steps.select_related("proposed_by", "decided_by"))
    pending = next((s for s in steps if s.status == StepStatus.PROPOSED), None)
    context = {
        "record": record,
        "steps": steps,
        "pending": pending,
        "next_stage_label": DevelopmentStage(services.next_stage(record)).label if services.next_stage(record) else "",
        "can_propose": can(request.user, CHANGE, record)
        and pending is None
        and record.stage not in (DevelopmentStage.FULL, DevelopmentStage.DISQUALIFIED),
        "can_approve": can(request.user, APPROVE, record),
        "propose_form": propose_form or forms.DevelopmentProposeForm(),
        "return_form": return_form or forms.ReturnForm(),
    }
    return render(request, "cadres/development_detail.html", context)


@login_required
def development_detail(request, pk):
    return _development_page(request, _record(request, pk))


@login_required
@require_POST
def development_propose(request, pk):
    record = _record(request, pk)
    _write_or_403(request, record)
    form = forms.DevelopmentProposeForm(request.POST)
    if form.is_valid():
        try:
            services.development_propose(record=record, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Step proposed; it takes effect when the township approves it."))
            return redirect("cadres:development_detail", pk=record.pk)
    return _development_page(request, record, propose_form=form)


def _step(request, pk):
    return get_scoped_or_404(DevelopmentStep.objects.select_related("record__unit"), request.user, pk=pk)


@login_required
@require_POST
def development_approve(request, pk):
    step = _step(request, pk)
    _write_or_403(request, step.record, action=APPROVE)
    try:
        services.development_approve(step=step, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Step approved."))
    return redirect("cadres:development_detail", pk=step.record_id)


@login_required
@require_POST
def development_return(request, pk):
    step = _step(request, pk)
    _write_or_403(request, step.record, action=APPROVE)
    form = forms.ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.development_return(step=step, reason=form.cleaned_data["reason"], actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Step sent back to the branch."))
            return redirect("cadres:development_detail", pk=step.record_id)
    record = _record(request, step.record_id)
    return _development_page(request, record, return_form=form)


# -- cadre posts ------------------------------------------------------------------------------------------------


@login_required
def post_list(request):
    qs = selectors.posts_list(
        user=request.user,
        post=request.GET.get("post", ""),
        query=request.GET.get("q", "").strip(),
        current=request.GET.get("ended") != "1",
    )
    return _list(
        request,
        title=_("Cadres"),
        page=_page(request, qs),
        columns=[_("full name"), _("organization unit"), _("post"), _("one shoulder"), _("term"), _("in post since")],
        row=lambda p: (
            reverse("cadres:post_detail", args=[p.pk]),
            [
                p.person.name,
                p.unit.name,
                p.get_post_display(),
                _("yes") if p.is_one_shoulder else "—",
                f"{p.term_start_year}–{p.term_end_year}",
                p.started_on,
            ],
        ),
        filters=[
            _choice_filter(request, "post", _("post"), PostKind.choices),
            _choice_filter(request, "ended", _("history"), [("1", _("include posts held before"))]),
        ],
        actions=[
            (reverse("cadres:post_create"), _("Appoint to a post")),
            (reverse("cadres:elevation_list"), _("Elevated management")),
            (reverse("cadres:vetting_list"), _("Joint vetting and filing")),
            (reverse("cadres:study_list"), _("Degree study")),
            (reverse("cadres:assessment_list"), _("Capability ranking")),
            (reverse("cadres:import", args=["posts"]), _("Import")),
            (reverse("cadres:export", args=["posts"]), _("Export")),
        ],
    )


def _person_form_view(request, form_class, title, cancel, create, done_message, detail):
    form = form_class(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("person_id_number", None)
        try:
            obj = create(actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done_message)
            return redirect(detail, pk=obj.pk)
    return _form_page(request, form, title, reverse(cancel))


@login_required
@require_http_methods(["GET", "POST"])
def post_create(request):
    return _person_form_view(
        request,
        forms.PostForm,
        _("Appoint to a post"),
        "cadres:post_list",
        services.post_create,
        _("Post recorded."),
        "cadres:post_detail",
    )


@login_required
def post_detail(request, pk):
    post = get_scoped_or_404(CadrePost.objects.select_related("person", "unit"), request.user, pk=pk)
    context = {
        "post": post,
        "can_change": can(request.user, CHANGE, post),
        "can_elevate": can_at(request.user, CHANGE, ElevatedManagement, post.unit)
        and post.post == PostKind.SECRETARY
        and not post.ended_on,
        "elevations": post.elevations.all(),
        "end_form": forms.PostEndForm(),
        "elevation_form": forms.ElevationForm(),
    }
    return render(request, "cadres/post_detail.html", context)


@login_required
@require_POST
def post_end(request, pk):
    post = get_scoped_or_404(CadrePost.objects.all(), request.user, pk=pk)
    _write_or_403(request, post)
    form = forms.PostEndForm(request.POST)
    if form.is_valid():
        try:
            services.post_end(
                post=post,
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Post ended."))
    else:
        messages.error(request, _("Please correct the errors below."))
    return redirect("cadres:post_detail", pk=post.pk)


@login_required
@require_POST
def elevation_create(request, pk):
    post = get_scoped_or_404(CadrePost.objects.all(), request.user, pk=pk)
    _write_or_403(request, model=ElevatedManagement, unit=post.unit)
    form = forms.ElevationForm(request.POST)
    if form.is_valid():
        try:
            services.elevation_create(post=post, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Elevated management recorded."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("cadres:post_detail", pk=post.pk)


def _simple_list(request, qs, title, columns, row, detail, create=None, extra_actions=()):
    actions = [(reverse(create), _("Add"))] if create else []
    return _list(
        request,
        title=title,
        page=_page(request, qs),
        columns=columns,
        row=lambda obj: (reverse(detail, args=[obj.pk]), row(obj)),
        actions=actions + list(extra_actions),
    )


def _simple_detail(request, obj, title, facts):
    return render(request, "cadres/detail.html", {"obj": obj, "title": title, "facts": facts})


@login_required
def elevation_list(request):
    qs = ElevatedManagement.objects.restrict(request.user).select_related("post__person", "post__unit")
    return _simple_list(
        request,
        qs,
        _("Elevated management"),
        [_("full name"), _("organization unit"), _("direction"), _("started on"), _("review date")],
        lambda e: [e.post.person.name, e.post.unit.name, e.get_direction_display(), e.started_on, e.review_on],
        "cadres:elevation_detail",
    )


@login_required
def elevation_detail(request, pk):
    e = get_scoped_or_404(ElevatedManagement.objects.select_related("post__person", "post__unit"), request.user, pk=pk)
    return _simple_detail(
        request,
        e,
        _("Elevated management"),
        [
            (_("full name"), e.post.person.name),
            (_("organization unit"), e.post.unit.name),
            (_("direction"), e.get_direction_display()),
            (_("reason"), e.reason),
            (_("started on"), e.started_on),
            (_("review date"), e.review_on),
            (_("closed on"), e.closed_on or "—"),
        ],
    )


@login_required
def vetting_list(request):
    qs = JointVetting.objects.restrict(request.user).select_related("person", "unit")
    return _simple_list(
        request,
        qs,
        _("Joint vetting and filing"),
        [_("full name"), _("organization unit"), _("vetted on"), _("result"), _("filed on")],
        lambda v: [v.person.name, v.unit.name, v.vetted_on, v.get_result_display(), v.filed_on or "—"],
        "cadres:vetting_detail",
        "cadres:vetting_create",
    )


@login_required
@require_http_methods(["GET", "POST"])
def vetting_create(request):
    return _person_form_view(
        request,
        forms.VettingForm,
        _("Joint vetting and filing"),
        "cadres:vetting_list",
        services.vetting_create,
        _("Vetting recorded."),
        "cadres:vetting_detail",
    )


@login_required
def vetting_detail(request, pk):
    v = get_scoped_or_404(JointVetting.objects.select_related("person", "unit"), request.user, pk=pk)
    return _simple_detail(
        request,
        v,
        _("Joint vetting and filing"),
        [
            (_("full name"), v.person.name),
            (_("organization unit"), v.unit.name),
            (_("post"), v.get_post_display()),
            (_("vetted on"), v.vetted_on),
            (_("vetting departments"), v.departments or "—"),
            (_("result"), v.get_result_display()),
            (_("filed on"), v.filed_on or "—"),
        ],
    )


@login_required
def study_list(request):
    qs = DegreeStudy.objects.restrict(request.user).select_related("person", "unit")
    return _simple_list(
        request,
        qs,
        _("Degree study"),
        [
            _("full name"),
            _("organization unit"),
            _("school"),
            _("degree aimed at"),
            _("enrolled on"),
            _("graduated on"),
        ],
        lambda s: [
            s.person.name,
            s.unit.name,
            s.school,
            s.get_target_level_display(),
            s.enrolled_on,
            s.graduated_on or "—",
        ],
        "cadres:study_detail",
        "cadres:study_create",
    )


@login_required
@require_http_methods(["GET", "POST"])
def study_create(request):
    return _person_form_view(
        request,
        forms.StudyForm,
        _("Degree study"),
        "cadres:study_list",
        services.study_create,
        _("Study recorded."),
        "cadres:study_detail",
    )


@login_required
def study_detail(request, pk):
    s = get_scoped_or_404(DegreeStudy.objects.select_related("person", "unit"), request.user, pk=pk)
    return _simple_detail(
        request,
        s,
        _("Degree study"),
        [
            (_("full name"), s.person.name),
            (_("organization unit"), s.unit.name),
            (_("school"), s.school),
            (_("degree aimed at"), s.get_target_level_display()),
            (_("enrolled on"), s.enrolled_on),
            (_("graduated on"), s.graduated_on or "—"),
        ],
    )


@login_required
def assessment_list(request):
    year = parse_year(request.GET, default=_today().year)
    qs = selectors.assessment_ranking(user=request.user, year=year)
    return _list(
        request,
        title=_("Capability ranking of secretaries"),
        page=_page(request, qs),
        columns=[_("rank"), _("full name"), _("organization unit"), _("score")],
        row=lambda a: (reverse("cadres:assessment_detail", args=[a.pk]), [a.rank, a.person.name, a.unit.name, a.score]),
        filters=[
            {
                "name": "year",
                "label": _("year"),
                "value": str(year),
                "choices": [(str(y), str(y)) for y in range(_today().year, _today().year - 5, -1)],
            }
        ],
        actions=[(reverse("cadres:assessment_create"), _("Add"))],
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_create(request):
    return _person_form_view(
        request,
        forms.AssessmentForm,
        _("Capability assessment"),
        "cadres:assessment_list",
        services.assessment_record,
        _("Assessment recorded."),
        "cadres:assessment_detail",
    )


@login_required
def assessment_detail(request, pk):
    a = get_scoped_or_404(CapabilityAssessment.objects.select_related("person", "unit"), request.user, pk=pk)
    return _simple_detail(
        request,
        a,
        _("Capability assessment"),
        [
            (_("full name"), a.person.name),
            (_("organization unit"), a.unit.name),
            (_("year"), a.year),
            (_("score"), a.score),
            (_("comment"), a.comment or "—"),
        ],
    )


# -- reserves ---------------------------------------------------------------------------------------------------


@login_required
def reserve_list(request):
    qs = selectors.reserves_list(
        user=request.user,
        stage=request.GET.get("stage", ""),
        post_for=request.GET.get("post_for", ""),
        query=request.GET.get("q", "").strip(),
    )
    today = _today()
    return _list(
        request,
        title=_("Reserve cadres"),
        page=_page(request, qs),
        columns=[_("full name"), _("age"), _("organization unit"), _("reserve for"), _("nominated by"), _("stage")],
        row=lambda r: (
            reverse("cadres:reserve_detail", args=[r.pk]),
            [
                r.person.name,
                r.person.age(today),
                r.unit.name,
                r.get_post_for_display(),
                r.get_nomination_display(),
                r.get_stage_display(),
            ],
        ),
        filters=[
            _choice_filter(request, "stage", _("stage"), ReserveStage.choices),
            _choice_filter(request, "post_for", _("reserve for"), ReservePost.choices),
        ],
        actions=[
            (reverse("cadres:reserve_create"), _("Nominate a reserve cadre")),
            (reverse("cadres:under_30"), _("Villages without a reserve under 30")),
            (reverse("cadres:import", args=["reserves"]), _("Import")),
            (reverse("cadres:export", args=["reserves"]), _("Export")),
        ],
    )


@login_required
@require_http_methods(["GET", "POST"])
def reserve_create(request):
    return _person_form_view(
        request,
        forms.ReserveForm,
        _("Nominate a reserve cadre"),
        "cadres:reserve_list",
        services.reserve_nominate,
        _("Reserve cadre nominated."),
        "cadres:reserve_detail",
    )


def _reserve(request, pk):
    return get_scoped_or_404(ReserveCadre.objects.select_related("person", "unit"), request.user, pk=pk)


@login_required
def reserve_detail(request, pk):
    reserve = _reserve(request, pk)
    context = {
        "reserve": reserve,
        "age": reserve.person.age(_today()),
        "steps": reserve.steps.select_related("actor"),
        "next_stage": services.reserve_next_stage(reserve),
        "can_change": can(request.user, CHANGE, reserve),
        "date_form": forms.DateForm(),
        "drop_form": forms.DropForm(),
    }
    return render(request, "cadres/reserve_detail.html", context)


@login_required
@require_POST
def reserve_action(request, pk, action):
    reserve = _reserve(request, pk)
    _write_or_403(request, reserve)
    form = (forms.DropForm if action == "drop" else forms.DateForm)(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("cadres:reserve_detail", pk=reserve.pk)
    try:
        if action == "advance":
            services.reserve_advance(reserve=reserve, on=form.cleaned_data["on"], actor=request.user)
        elif action == "drop":
            services.reserve_drop(
                reserve=reserve, on=form.cleaned_data["on"], reason=form.cleaned_data["reason"], actor=request.user
            )
        else:
            raise PermissionDenied
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may view this record but not change it."))
    else:
        messages.success(request, _("Reserve cadre updated."))
    return redirect("cadres:reserve_detail", pk=reserve.pk)


@login_required
def under_30(request):
    report = selectors.villages_missing_young_reserve(user=request.user, on=_today())
    return render(request, "cadres/under_30.html", {"report": report})


# -- training ---------------------------------------------------------------------------------------------------


@login_required
def training_list(request):
    from django.db.models import Count

    qs = (
        TrainingSession.objects.restrict(request.user)
        .order_by("-starts_on", "id")
        .select_related("organizer")
        .annotate(person_times=Count("attendances"))
    )
    return _list(
        request,
        title=_("Training"),
        page=_page(request, qs),
        columns=[_("topic"), _("organizer"), _("level"), _("starts on"), _("person-times")],
        row=lambda s: (
            reverse("cadres:training_detail", args=[s.pk]),
            [s.topic, s.organizer.name, s.get_level_display(), s.starts_on, s.person_times],
        ),
        actions=[
            (reverse("cadres:training_create"), _("New session")),
            (reverse("cadres:training_coverage"), _("Secretaries not trained this year")),
        ],
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_create(request):
    form = forms.TrainingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.training_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Session created."))
            return redirect("cadres:training_detail", pk=session.pk)
    return _form_page(request, form, _("New session"), reverse("cadres:training_list"))


@login_required
@require_http_methods(["GET", "POST"])
def training_detail(request, pk):
    session = get_scoped_or_404(TrainingSession.objects.select_related("organizer"), request.user, pk=pk)
    can_change = can(request.user, CHANGE, session)
    form = forms.AttendeesForm(request.POST or None, user=request.user)
    if request.method == "POST":
        _write_or_403(request, session)
        if form.is_valid():
            added = services.training_add_attendees(
                session=session, people=form.cleaned_data["people"], actor=request.user
            )
            messages.success(request, _("%(n)d attendees added.") % {"n": added})
            return redirect("cadres:training_detail", pk=session.pk)
    attendances = session.attendances.select_related("person__unit")
    return render(
        request,
        "cadres/training_detail.html",
        {"session": session, "attendances": attendances, "form": form, "can_change": can_change},
    )


@login_required
def training_coverage(request):
    year = parse_year(request.GET, default=_today().year)
    report = selectors.secretaries_not_trained(user=request.user, year=year)
    return render(
        request,
        "cadres/training_coverage.html",
        {"report": report, "year": year, "figures": selectors.training_figures(user=request.user, year=year)},
    )


# -- import and export ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request, kind):
    from . import resources

    spec = resources.SHEETS.get(kind)
    if spec is None:
        raise PermissionDenied
    if not units_for(request.user, spec["resource"]._meta.model, IMPORT):
        raise PermissionDenied(_("Your role may not import records."))
    form = forms.ImportForm()
    report = None
    # The sheet (ID numbers, phones) waits on disk for the confirmation (core.imports); the session and the form
    # hold only its opaque token.
    session_key = f"import-{kind}"
    if request.method == "POST" and "confirm" in request.POST:
        token = request.POST.get("token", "")
        stored = (
            uploads.load(user=request.user, kind=f"cadres_{kind}", token=token)
            if request.session.get(session_key) == token
            else None
        )
        if stored is None:
            messages.error(request, _("The uploaded sheet has expired; upload it again."))
            return redirect("cadres:import", kind=kind)
        headers, rows = resources.read_sheet(ContentFile(stored[1], name=stored[0]))
        report = resources.run_import(
            kind,
            rows,
            headers,
            actor=request.user,
            dry_run=False,
            valid_only=request.POST.get("valid_only") == "1",
        )
        if report.written:
            request.session.pop(session_key, None)
            uploads.discard(user=request.user, kind=f"cadres_{kind}", token=token)
            messages.success(request, _("%(n)d rows imported.") % {"n": report.written})
            return redirect(spec["list_url"])
        report.token = token  # nothing written: the user may still choose to import only the valid rows
    elif request.method == "POST":
        form = forms.ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                headers, rows = resources.read_sheet(upload)
            except ValueError as exc:
                form.add_error("file", str(exc))
            else:
                report = resources.run_import(kind, rows, headers, actor=request.user, dry_run=True)
                upload.seek(0)
                token = uploads.store(user=request.user, kind=f"cadres_{kind}", name=upload.name, content=upload.read())
                request.session[session_key] = token
                report.token = token
    context = {"form": form, "report": report, "kind": kind, "title": spec["title"], "columns": spec["columns"]}
    return render(request, "cadres/import.html", context)


@login_required
def export_view(request, kind):
    from . import resources

    spec = resources.SHEETS.get(kind)
    if spec is None:
        raise PermissionDenied
    resource = spec["resource"](actor=request.user)
    dataset = resource.export()
    response = HttpResponse(
        dataset.xlsx, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}-{date.today():%Y%m%d}.xlsx"'
    return response
