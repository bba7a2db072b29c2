"""Portal pages of the form-backed indicators (issue 14): the list, a declaration, a change and a retirement, kept by
organization-department staff. Who may declare is the model's declaration (`FormIndicator.scope_write_roles`, at
the form's unit); each write is a service of `goals.form_indicators`."""

from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from core.views import Column
from core.views.generic import ObjectActionView, ObjectFormView, ObjectListView

from . import form_indicators
from .forms import FormIndicatorEditForm, FormIndicatorForm
from .models import FormIndicator

DECLARED = FormIndicator.objects.select_related("form__unit")


class FormIndicatorList(ObjectListView):
    title = _("Form indicators")
    queryset = DECLARED.order_by("-is_active", "form__unit__path", "form__name", "pk")
    edit_url = "goals:form_indicator_edit"
    unit_path = "form.unit.path"
    columns = (
        Column(_("indicator name"), "name", sort="name"),
        Column(_("report form"), "form.name", sort="form__name"),
        Column(_("field code"), "field_code"),
        Column(_("value of the year"), "get_period_value_display"),
        Column(_("shown at"), "get_levels_display"),
        Column(_("status"), "state_label", sort="is_active"),
    )
    write_actions = (("goals:form_indicator_create", _("Declare an indicator")),)


class FormIndicatorCreate(ObjectFormView):
    title = _("Declare an indicator")
    create_model = FormIndicator
    form_class = FormIndicatorForm
    service = form_indicators.form_indicator_create
    success_message = _("Indicator declared: its figures are computed from the approved reports.")
    success_url = "goals:form_indicator_edit"
    list_url = "goals:form_indicator_list"


class FormIndicatorEdit(ObjectFormView):
    title = _("Edit form indicator")
    template_name = "goals/form_indicator_form.html"
    queryset = DECLARED
    form_class = FormIndicatorEditForm
    service = form_indicators.form_indicator_update
    edit_object_arg = "declared"
    success_message = _("Changes saved.")
    success_url = "goals:form_indicator_edit"
    list_url = "goals:form_indicator_list"

    def get_initial(self, obj):
        initial = super().get_initial(obj)
        if obj is not None:
            initial["field"] = f"{obj.form_id}:{obj.field_code}"
        return initial


class FormIndicatorRetire(ObjectActionView):
    title = _("Retire the indicator")
    queryset = DECLARED
    question = _("Retire this indicator? It leaves the dashboards; its figures, targets and history are kept.")
    success_message = _("Indicator retired.")

    def perform(self, obj, data):
        return form_indicators.form_indicator_retire(declared=obj, actor=self.request.user)

    def get_redirect(self, obj):
        return redirect("goals:form_indicator_list")
