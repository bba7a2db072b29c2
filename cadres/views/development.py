"""Member development: applications, the steps a branch proposes and the township approves or sends back."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.permissions import APPROVE, CHANGE, can
from core.views import Column, get_scoped_or_404, submit_form
from core.views.generic import ObjectActionView

from .. import filters, forms, services
from ..models import DevelopmentRecord, DevelopmentStage, DevelopmentStep, StepStatus
from .base import SECTION, FormView, ListView, write_or_403


def _awaiting(record):
    return record.pending_step.get_to_stage_display() if record.pending_step else None


class DevelopmentList(ListView):
    title = _("Member development")
    queryset = (
        DevelopmentRecord.objects.select_related("person", "unit")
        .prefetch_related("steps")
        .order_by("unit__path", "person__name", "id")
    )
    filterset_class = filters.DevelopmentFilter
    detail_url = "cadres:development_detail"
    columns = (
        Column(_("full name"), "person.name", sort="person__name"),
        Column(_("party branch unit"), "unit.name", sort="unit__path"),
        Column(_("stage"), "get_stage_display", sort="stage"),
        Column(_("applied on"), "applied_on", sort="applied_on"),
        Column(_("activist since"), "activist_on", sort="activist_on"),
        Column(_("awaiting approval"), _awaiting),
    )
    actions = (("cadres:development_create", _("Record an application")),)


class DevelopmentCreate(FormView):
    title = _("Record an application")
    form_class = forms.DevelopmentStartForm
    success_message = _("Application recorded.")
    success_url = "cadres:development_detail"
    cancel_url = "cadres:development_list"

    def call_service(self, obj, form):
        data, actor = form.cleaned_data, self.request.user
        if data["person"] is not None:
            return services.development_start(
                person=data["person"], unit=data["unit"], applied_on=data["applied_on"], actor=actor
            )
        return services.development_register(
            name=data["name"],
            id_number=data["person_id_number"],
            unit=data["unit"],
            applied_on=data["applied_on"],
            actor=actor,
        )


def _record(request, pk):
    return get_scoped_or_404(DevelopmentRecord.objects.select_related("person", "unit"), request.user, pk=pk)


def _development_page(request, record, propose_form=None, return_form=None):
    steps = list(record.steps.select_related("proposed_by", "decided_by"))
    pending = next((s for s in steps if s.status == StepStatus.PROPOSED), None)
    next_stage = services.next_stage(record)
    context = {
        "record": record,
        "steps": steps,
        "pending": pending,
        "next_stage_label": DevelopmentStage(next_stage).label if next_stage else "",
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
    write_or_403(request, record)
    form = forms.DevelopmentProposeForm(request.POST)
    proposed = _("Step proposed; it takes effect when the township approves it.")
    if submit_form(request, form, services.development_propose, proposed, record=record)[0]:
        return redirect("cadres:development_detail", pk=record.pk)
    return _development_page(request, record, propose_form=form)


class StepAction(ObjectActionView):
    title = _("Member development")
    breadcrumb = SECTION
    queryset = DevelopmentStep.objects.select_related("record__unit")
    permission = APPROVE
    redirect_url = "cadres:development_detail"

    def permission_object(self, step):
        return step.record

    def redirect_pk(self, step):
        return step.record_id


class DevelopmentApprove(StepAction):
    success_message = _("Step approved.")

    def perform(self, step, data):
        return services.development_approve(step=step, actor=self.request.user)


@login_required
@require_POST
def development_return(request, pk):
    step = get_scoped_or_404(DevelopmentStep.objects.select_related("record__unit"), request.user, pk=pk)
    write_or_403(request, step.record, action=APPROVE)
    form = forms.ReturnForm(request.POST)
    if submit_form(request, form, services.development_return, _("Step sent back to the branch."), step=step)[0]:
        return redirect("cadres:development_detail", pk=step.record_id)
    return _development_page(request, _record(request, step.record_id), return_form=form)
