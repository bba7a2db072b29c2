"""Portal pages of the grid woodpeckers: the woodpecker's phone pages, the triage, community and department
queues, oversight, leaderboards, the counter, and imports. Thin: scope, parse, call a service, render."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import CHANGE, COUNTER, HANDLE, TRIAGE, VIEW, can, departments_for, require, units_for
from accounts.roles import Role
from core.params import parse_int, parse_year
from core.views import run_service, submit_form
from core.views.generic import ObjectActionView
from organizations.models import OrganizationUnit, UnitKind

from . import forms, selectors
from .attributes import answered_questions
from .clue_actions import CLUE_ACTIONS
from .models import (
    DESK,
    Clue,
    CluePhoto,
    ClueStatus,
    Goods,
    InspectionTask,
    Redemption,
    RedemptionStatus,
    Station,
    Woodpecker,
    WoodpeckerStatus,
)
from .services import counter as counter_service
from .services import inspections, redemptions
from .services.clues import (
    clue_submit,
)
from .services.common import categories_for
from .services.points import policy_for
from .services.redemptions import redemption_cancel, redemption_reserve
from .services.stations import goods_stock_adjust
from .services.woodpeckers import woodpecker_confirm, woodpecker_deactivate, woodpecker_set_lead


def _scoped_or_404(qs, user, action=VIEW, **lookup):
    """The object inside the user's jurisdiction through the model's own restrict (owners, departments)."""
    obj = qs.restrict(user, action).filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


def _my_woodpecker(request) -> Woodpecker:
    woodpecker = selectors.woodpecker_of(request.user)
    if woodpecker is None:
        raise PermissionDenied(_("This page is for registered woodpeckers."))
    return woodpecker


def _is_triage(user) -> bool:
    """Whether the user triages clues anywhere (which page they land on, which menus they use)."""
    return bool(units_for(user, Clue, TRIAGE))


@login_required
def index(request):
    """Each role lands on its own work (asked of the permission path: the actions `Clue` declares)."""
    user = request.user
    if selectors.woodpecker_of(user) and not _is_triage(user):
        return redirect("grid_woodpecker:me")
    if departments_for(user, Clue, HANDLE) and not _is_triage(user):
        return redirect("grid_woodpecker:department_queue")
    if units_for(user, Clue, DESK):
        return redirect("grid_woodpecker:triage")
    return redirect("grid_woodpecker:oversight")


# --- woodpecker pages (phone) --------------------------------------------------------------------------------------


@login_required
def me(request):
    woodpecker = _my_woodpecker(request)
    clues = selectors.my_clues(user=request.user, woodpecker=woodpecker)
    tasks = InspectionTask.objects.filter(grid=woodpecker.grid, ends_on__gte=timezone.localdate())
    context = {
        "woodpecker": woodpecker,
        "clues": clues[:50],
        "tasks": tasks,
        "balance": getattr(getattr(woodpecker, "account", None), "balance", 0),
    }
    return render(request, "grid_woodpecker/me.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def clue_new(request):
    woodpecker = _my_woodpecker(request)
    categories = Clue._meta.get_field("category").related_model.objects.filter(
        pk__in=[c.pk for c in categories_for(woodpecker.grid)]
    )
    form = forms.ClueForm(
        request.POST or None,
        request.FILES or None,
        categories=categories,
        buildings=OrganizationUnit.objects.filter(parent=woodpecker.grid, kind=UnitKind.BUILDING),
        tasks=InspectionTask.objects.filter(grid=woodpecker.grid, ends_on__gte=timezone.localdate()),
        initial={"task": request.GET.get("task")},
    )
    filed = _("Clue filed. You can follow every step here.")
    photos = request.FILES.getlist("photos")
    done, clue = submit_form(request, form, clue_submit, filed, prepare=lambda data: {**data, "photos": photos})
    if done:
        return redirect("grid_woodpecker:clue_detail", pk=clue.pk)
    return render(request, "grid_woodpecker/clue_form.html", {"form": form, "woodpecker": woodpecker})


@login_required
def points(request):
    woodpecker = _my_woodpecker(request)
    context = {
        "woodpecker": woodpecker,
        "balance": getattr(getattr(woodpecker, "account", None), "balance", 0),
        "entries": selectors.points_history(user=request.user, woodpecker=woodpecker)[:100],
        "goods": selectors.goods_for(woodpecker=woodpecker),
        "redemptions": Redemption.objects.restrict(request.user)
        .filter(woodpecker=woodpecker)
        .select_related("goods__station")[:20],
        "policy": policy_for(woodpecker.grid),
    }
    return render(request, "grid_woodpecker/points.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def redeem(request, pk):
    """The confirmation of a redemption: the goods, their price in points, the balance before and after, the
    station; only the confirming POST spends (redemption_reserve, one transaction). A refusal (points, stock)
    is shown on this page and nothing is written."""
    woodpecker = _my_woodpecker(request)
    goods = get_object_or_404(selectors.goods_queryset_near(woodpecker=woodpecker).select_related("station"), pk=pk)
    data = request.POST if request.method == "POST" else None  # an empty POST (no key) still confirms
    form = forms.RedeemForm(data, initial={"idempotency_key": secrets.token_urlsafe(16)})
    done, redemption = submit_form(
        request,
        form,
        redemption_reserve,
        lambda redemption: (
            _("Redeemed “%(goods)s” for %(points)d points. Show the pickup code %(code)s at %(station)s.")
            % {
                "goods": goods.name,
                "points": redemption.points,
                "code": redemption.pickup_code,
                "station": goods.station.name,
            }
        ),
        woodpecker=woodpecker,
        goods=goods,
    )
    if done:
        return redirect("grid_woodpecker:redemption_detail", pk=redemption.pk)
    context = {
        "goods": goods,
        "station": goods.station,
        "form": form,
        **selectors.redemption_preview(woodpecker=woodpecker, goods=goods),
    }
    return render(request, "grid_woodpecker/redeem_confirm.html", context)


@login_required
def redemption_detail(request, pk):
    """A redemption's page: its goods, station and state; to the woodpecker themself also the pickup code while it
    waits at the counter."""
    redemption = _scoped_or_404(
        Redemption.objects.select_related("goods__station", "woodpecker__person", "settled_by"), request.user, pk=pk
    )
    mine = redemption.woodpecker.user_id == request.user.pk
    context = {
        "r": redemption,
        "station": redemption.goods.station,
        "mine": mine,
        "pickup_code": redemption.pickup_code if mine and redemption.status == RedemptionStatus.RESERVED else "",
    }
    return render(request, "grid_woodpecker/redemption_detail.html", context)


@login_required
@require_POST
def task_take(request, pk):
    task = get_object_or_404(InspectionTask, pk=pk, grid=_my_woodpecker(request).grid)
    run_service(
        request,
        lambda: inspections.task_take(task=task, actor=request.user),
        _("Task taken. File what you find against it."),
    )
    return redirect("grid_woodpecker:me")


# --- a clue ------------------------------------------------------------------------------------------------------


def _clue_context(request, clue):
    # The buttons are chosen in the template through `{% can %}`: the same can() the services ask.
    user = request.user
    context = {
        "clue": clue,
        "events": clue.events.select_related("actor"),
        "photos": clue.photos.all(),
        "answers": answered_questions(clue),
        "duplicates": selectors.clue_duplicate_candidates(user=user, clue=clue)
        if clue.status == ClueStatus.SUBMITTED and can(user, TRIAGE, clue)
        else [],
        "actions": CLUE_ACTIONS,
    }
    for name in ("reject", "merge", "dispatch", "recategorize", "resolve", "rate"):
        context[f"{name}_form"] = CLUE_ACTIONS[name].form(clue=clue, user=user)
    return context


@login_required
def clue_detail(request, pk):
    clue = _scoped_or_404(
        Clue.objects.select_related("grid", "category", "reporter__person", "department", "building", "duplicate_of"),
        request.user,
        pk=pk,
    )
    return render(request, "grid_woodpecker/clue_detail.html", _clue_context(request, clue))


class ClueAction(ObjectActionView):
    """Run one action of the clue's page (clue_actions.CLUE_ACTIONS): out of scope 404, not allowed 403, bad input
    or a refused step a message on the clue's page, success a message saying what happened. The confirmation is
    asked on the clue's page itself, so only POST is served."""

    http_method_names = ["post"]
    queryset = Clue.objects.select_related("grid", "department", "reporter", "category")
    redirect_url = "grid_woodpecker:clue_detail"

    def dispatch(self, request, *args, **kwargs):
        self.action = CLUE_ACTIONS.get(kwargs["name"])
        if self.action is None:
            raise Http404
        self.permission = self.action.permission
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        if not hasattr(self, "_object"):  # the clue model's own scope (reporters, departments): 404 outside
            self._object = _scoped_or_404(self.queryset, self.request.user, pk=self.kwargs["pk"])
        return self._object

    def check_permission(self, obj):
        require(self.request.user, self.permission, obj)

    def get_form(self, obj):
        return self.action.form(self.request.POST, self.request.FILES, clue=obj, user=self.request.user)

    def form_data(self, form):
        return form.arguments()

    def perform(self, obj, data):
        return self.action.service(clue=obj, actor=self.request.user, **data)

    def get_success_message(self, obj, result):
        return self.action.success(result)


@login_required
def photo(request, pk):
    item = _scoped_or_404(CluePhoto.objects.all(), request.user, pk=pk)
    return FileResponse(item.image.open("rb"), content_type="image/jpeg")


# --- queues and oversight ----------------------------------------------------------------------------------------


def _page(request, qs, per=30):
    return Paginator(qs, per).get_page(request.GET.get("page"))


def _queue(request, queue: str, title, clues, **extra):
    """One queue page (triage, community, department): the clues waiting there, a page at a time."""
    context = {"title": title, "page": _page(request, clues), "queue": queue, **extra}
    return render(request, "grid_woodpecker/queue.html", context)


@login_required
def triage(request):
    pending = Woodpecker.objects.restrict(request.user, CHANGE).filter(status=WoodpeckerStatus.PENDING)
    clues = selectors.triage_queue(user=request.user)
    return _queue(request, "triage", _("Triage queue"), clues, pending=pending.select_related("person", "grid")[:50])


@login_required
def community_queue(request):
    return _queue(request, "community", _("Community queue"), selectors.community_queue(user=request.user))


@login_required
def department_queue(request):
    return _queue(request, "department", _("Department queue"), selectors.department_queue(user=request.user))


@login_required
def clue_list(request):
    if request.user.role_names() == {Role.WOODPECKER}:
        # A woodpecker's clues are their own: 我的线索 shows them as cards (the staff table would list the same rows).
        return redirect("grid_woodpecker:me")
    qs = Clue.objects.restrict(request.user).select_related("grid", "category")
    status, flag = request.GET.get("status"), request.GET.get("flag")
    if status:
        qs = qs.filter(status=status)
    if flag:
        qs = qs.filter(flag=flag)
    context = {"title": _("All clues"), "page": _page(request, qs), "queue": "all", "statuses": ClueStatus.choices}
    return render(request, "grid_woodpecker/queue.html", context)


@login_required
def oversight(request):
    year = parse_year(request.GET)
    data = selectors.oversight(user=request.user, year=year)
    return render(request, "grid_woodpecker/oversight.html", {"data": data, "year": year})


@login_required
def leaderboard(request):
    units = OrganizationUnit.objects.restrict(request.user).filter(
        kind__in=[UnitKind.GRID, UnitKind.TOWNSHIP, UnitKind.STREET, UnitKind.DEVELOPMENT_ZONE]
    )
    woodpecker = selectors.woodpecker_of(request.user)
    unit = None
    unit_id = parse_int(request.GET, "unit", min_value=1)
    if unit_id is not None:
        unit = units.filter(pk=unit_id).first()
    if unit is None and woodpecker is not None:
        unit = woodpecker.grid
    if unit is None:
        unit = OrganizationUnit.objects.restrict(request.user).order_by("depth", "path").first()
    rows = selectors.leaderboard(user=request.user, unit=unit) if unit else []
    townships = units.exclude(kind=UnitKind.GRID).order_by("path")[:30]
    return render(request, "grid_woodpecker/leaderboard.html", {"rows": rows, "unit": unit, "townships": townships})


@login_required
def public(request, code):
    grid = get_object_or_404(OrganizationUnit, code=code, kind=UnitKind.GRID)
    return render(
        request,
        "grid_woodpecker/public.html",
        {"grid": grid, "page": _page(request, selectors.public_clues(grid=grid))},
    )


# --- woodpeckers, tasks, counter ---------------------------------------------------------------------------------


@login_required
def woodpecker_list(request):
    qs = Woodpecker.objects.restrict(request.user).select_related("person", "grid", "account")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(person__name__icontains=q) | Q(grid__name__icontains=q))
    if request.GET.get("status"):
        qs = qs.filter(status=request.GET["status"])
    return render(
        request,
        "grid_woodpecker/woodpecker_list.html",
        {"page": _page(request, qs.order_by("grid__path", "id")), "q": q, "statuses": WoodpeckerStatus.choices},
    )


@login_required
def woodpecker_detail(request, pk):
    woodpecker = _scoped_or_404(Woodpecker.objects.select_related("person", "grid", "account"), request.user, pk=pk)
    context = {
        "w": woodpecker,
        "clues": Clue.objects.restrict(request.user).filter(reporter=woodpecker).select_related("category")[:30],
        "entries": selectors.points_history(user=request.user, woodpecker=woodpecker)[:30],
        "deactivate_form": forms.DeactivateForm(),
    }
    return render(request, "grid_woodpecker/woodpecker_detail.html", context)


@login_required
@require_POST
def woodpecker_action(request, pk, name):
    woodpecker = _scoped_or_404(Woodpecker.objects.all(), request.user, pk=pk)
    post = request.POST
    step = {
        "confirm": (
            lambda: woodpecker_confirm(woodpecker=woodpecker, actor=request.user),
            _("The registration is confirmed: the woodpecker may file clues now."),
        ),
        "deactivate": (
            lambda: woodpecker_deactivate(woodpecker=woodpecker, reason=post.get("reason", ""), actor=request.user),
            _("The woodpecker is deactivated; their points and history stay."),
        ),
        "lead": (
            lambda: woodpecker_set_lead(
                woodpecker=woodpecker,
                is_lead=bool(post.get("is_lead")),
                duties=post.get("duties", ""),
                actor=request.user,
            ),
            lambda changed: _("Now a lead woodpecker.") if changed.is_lead else _("No longer a lead woodpecker."),
        ),
    }.get(name)
    if step is None:
        raise Http404
    run_service(request, *step)
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect("grid_woodpecker:woodpecker_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def tasks(request):
    grids = selectors.task_grids(user=request.user)
    form = forms.TaskForm(request.POST or None, grids=grids)
    if submit_form(request, form, inspections.task_create, _("Task posted."))[0]:
        return redirect("grid_woodpecker:tasks")
    qs = InspectionTask.objects.restrict(request.user).select_related("grid").prefetch_related("takers")
    return render(
        request,
        "grid_woodpecker/tasks.html",
        {"form": form, "tasks": qs[:100], "can_post": bool(units_for(request.user, InspectionTask, CHANGE))},
    )


@login_required
def counter(request):
    """The counters the user keeps: the stations (Station's COUNTER) and the reservations waiting at a counter of
    either side (Redemption.scope_field); goods are handed out on a station's own counter page, against a code."""
    reserved = (
        Redemption.objects.restrict(request.user, COUNTER)
        .filter(status=RedemptionStatus.RESERVED)
        .select_related("goods__station", "woodpecker__person")
    )
    stations = Station.objects.restrict(request.user, COUNTER).filter(is_active=True).select_related("unit")
    return render(request, "grid_woodpecker/counter.html", {"reserved": reserved[:100], "stations": stations[:100]})


def _station_counter(request, station, *, phone_form=None, found=None):
    context = {
        "station": station,
        "code_form": forms.PickupCodeForm(),
        "phone_form": phone_form or forms.PhoneLookupForm(),
        "found": found,
        "locked": redemptions.pickup_locked(station),
        "waiting": selectors.counter_waiting(user=request.user, station=station)[:100],
        "goods": station.goods.order_by("name", "id"),
        "stock_form": forms.StockAdjustForm(),
        "can_stock": can(request.user, CHANGE, station),
    }
    return render(request, "grid_woodpecker/counter_station.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def counter_station(request, pk):
    """One station's counter: hand out against the woodpecker's pickup code, or find their redemptions ready
    here by their phone number (the POST of this page: a lookup, nothing written); adjust the stock."""
    station = _scoped_or_404(Station.objects.select_related("unit"), request.user, COUNTER, pk=pk)
    phone_form, found = None, None
    status = 200
    if request.method == "POST":
        phone_form = forms.PhoneLookupForm(request.POST)
        if phone_form.is_valid():
            try:
                found = counter_service.counter_phone_lookup(
                    station=station, mobile=phone_form.cleaned_data["phone"], actor=request.user
                )
            except ValidationError as exc:
                phone_form.add_error("phone", exc)
                status = 429
    response = _station_counter(request, station, phone_form=phone_form, found=found)
    response.status_code = status
    return response


@login_required
@require_POST
def hand_out(request, pk):
    """Hand out the goods waiting at the station under the pickup code the woodpecker shows (wrong codes counted
    and, past 5 in 10 minutes, refused for a while)."""
    station = _scoped_or_404(Station.objects.all(), request.user, pk=pk)  # the service asks COUNTER: 403
    form = forms.PickupCodeForm(request.POST)
    code = form.data.get("code", "")
    run_service(
        request,
        lambda: redemptions.redemption_hand_out(station=station, code=code, actor=request.user),
        lambda r: (
            _("Handed out: %(goods)s × %(quantity)s to %(name)s.")
            % {"goods": r.goods.name, "quantity": r.quantity, "name": r.woodpecker.person.name}
        ),
    )
    return redirect("grid_woodpecker:counter_station", pk=station.pk)


@login_required
@require_POST
def goods_stock(request, pk):
    """Adjust an item's stock at the counter (+/- and a reason); never below zero."""
    goods = _scoped_or_404(Goods.objects.select_related("station"), request.user, pk=pk)
    # Asked before the form is read, so that a role without it gets 403 whatever it posts (the service asks again).
    require(request.user, CHANGE, goods, _("You may not change this station's goods."))
    form = forms.StockAdjustForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            lambda: goods_stock_adjust(goods=goods, actor=request.user, **form.cleaned_data),
            lambda g: _("The stock of “%(name)s” is now %(stock)d.") % {"name": g.name, "stock": g.stock},
        )
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("grid_woodpecker:counter_station", pk=goods.station_id)


@login_required
@require_POST
def redemption_action(request, pk, name):
    # Found in the view scope (404 outside); the service asks can(COUNTER/CANCEL) and refuses with 403.
    redemption = _scoped_or_404(Redemption.objects.all(), request.user, pk=pk)
    # The counter hands out after finding the woodpecker by phone: the number found with goes back with the form
    # and the service checks it is theirs (by code, the station's hand-out page).
    phone = request.POST.get("phone", "")
    step = {
        "confirm": (
            lambda: redemptions.redemption_hand_out_by_phone(redemption=redemption, phone=phone, actor=request.user),
            _("Handed over: the redemption is settled."),
        ),
        "cancel": (
            lambda: redemption_cancel(redemption=redemption, actor=request.user),
            _("The redemption is cancelled; the stock and the points are back."),
        ),
    }.get(name)
    if step is None:
        raise Http404
    run_service(request, *step)
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect("grid_woodpecker:counter")
