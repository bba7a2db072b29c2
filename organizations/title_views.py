"""Portal pages of the demonstration titles (示范村、示范社区…): the list, a grant, a correction and a revocation,
kept by staff in the portal (Django's admin is left to superusers). Who may grant is the model's declaration
(`DemonstrationTitle.scope_write_roles`); each write is a service of `services`."""

from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from core.views import Column
from core.views.generic import ObjectActionView, ObjectFormView, ObjectListView

from . import services
from .forms import DemonstrationTitleEditForm, DemonstrationTitleForm
from .models import DemonstrationTitle

TITLES = DemonstrationTitle.objects.select_related("party_org__unit")


class TitleList(ObjectListView):
    title = _("Demonstration titles")
    queryset = TITLES.order_by("-year", "title", "party_org__unit__path", "id")
    edit_url = "organizations:title_edit"
    unit_path = "party_org.unit.path"
    columns = (
        Column(_("year"), "year", sort="year"),
        Column(_("demonstration title"), "get_title_display", sort="title"),
        Column(_("organization unit"), "party_org.unit.name", sort="party_org__unit__path"),
        Column(_("party organization"), "party_org.name"),
    )
    write_actions = (("organizations:title_create", _("Grant a title")),)


class TitleCreate(ObjectFormView):
    title = _("Grant a title")
    create_model = DemonstrationTitle
    form_class = DemonstrationTitleForm
    service = services.demonstration_title_grant
    success_message = _("Title granted.")
    success_url = "organizations:title_edit"
    list_url = "organizations:title_list"

    def service_kwargs(self, data):
        unit = data.pop("unit")
        return {**data, "party_org": unit.party_org}


class TitleEdit(ObjectFormView):
    title = _("Edit title")
    template_name = "organizations/title_form.html"
    queryset = TITLES
    form_class = DemonstrationTitleEditForm
    form_user = False
    service = services.demonstration_title_update
    edit_object_arg = "title"
    success_message = _("Changes saved.")
    success_url = "organizations:title_edit"
    list_url = "organizations:title_list"


class TitleRevoke(ObjectActionView):
    title = _("Revoke the title")
    queryset = TITLES
    question = _("Revoke this title? The change history keeps it.")
    success_message = _("Title revoked.")

    def perform(self, obj, data):
        return services.demonstration_title_revoke(title=obj, actor=self.request.user)

    def get_redirect(self, obj):
        return redirect("organizations:title_list")
