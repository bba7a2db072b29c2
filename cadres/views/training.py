"""Training sessions, their attendees and the secretaries not trained this year."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.permissions import CHANGE, can
from core.params import parse_year
from core.views import Column, get_scoped_or_404

from .. import forms, selectors, services
from ..models import TrainingSession
from .base import FormView, ListView, today, write_or_403


class TrainingList(ListView):
    title = gettext_lazy("Training")
    queryset = (
        TrainingSession.objects.order_by("-starts_on", "id")
        .select_related("organizer")
        .annotate(person_times=Count("attendances"))
    )
    detail_url = "cadres:training_detail"
    columns = (
        Column(gettext_lazy("topic"), "topic", sort="topic"),
        Column(gettext_lazy("organizer"), "organizer.name"),
        Column(gettext_lazy("level"), "get_level_display", sort="level"),
        Column(gettext_lazy("starts on"), "starts_on", sort="starts_on"),
        Column(gettext_lazy("person-times"), "person_times", sort="person_times"),
    )
    actions = (
        ("cadres:training_create", gettext_lazy("New session")),
        ("cadres:training_coverage", gettext_lazy("Secretaries not trained this year")),
    )


class TrainingCreate(FormView):
    title = gettext_lazy("New session")
    form_class = forms.TrainingForm
    service = services.training_create
    success_message = gettext_lazy("Session created.")
    success_url = "cadres:training_detail"
    cancel_url = "cadres:training_list"


@login_required
@require_http_methods(["GET", "POST"])
def training_detail(request, pk):
    session = get_scoped_or_404(TrainingSession.objects.select_related("organizer"), request.user, pk=pk)
    can_change = can(request.user, CHANGE, session)
    form = forms.AttendeesForm(request.POST or None, user=request.user)
    if request.method == "POST":
        write_or_403(request, session)
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
    year = parse_year(request.GET, default=today().year)
    report = selectors.secretaries_not_trained(user=request.user, year=year)
    return render(
        request,
        "cadres/training_coverage.html",
        {"report": report, "year": year, "figures": selectors.training_figures(user=request.user, year=year)},
    )
