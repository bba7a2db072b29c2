"""The form builder's pages (/reports/forms/): organization-department staff define forms in the portal without code.

Thin, as every page: rows are found in the user's scope for CHANGE (`get_scoped_or_404`: outside it, or for a role
that may not define forms, 404), the services check and write (a published version refused with a Conflict: its
message on the page, status 409), and their refusals land on the form's fields."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Q
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.permissions import CHANGE, VIEW, units_for
from core.errors import Conflict
from core.views import Column
from core.views.generic import ObjectFormView, ObjectListView
from core.views.helpers import add_service_errors, get_scoped_or_404, run_service
from organizations.models import UnitKind

from . import prefill, services
from .builder_forms import FieldForm, FormCreateForm, FormSettingsForm, RuleForm, SectionForm, field_initial
from .models import FormField, FormSection, FormVersion, ReportAttachment, ReportForm, ValidationRule

STATUS_CONFLICT = 409
UNIT_KINDS = dict(UnitKind.choices)


def _in_use(obj):
    return gettext_lazy("In use") if obj.is_active else gettext_lazy("Out of use")


class FormList(ObjectListView):
    """The forms in the user's scope with their latest published and draft versions (one query)."""

    title = gettext_lazy("Report forms")
    queryset = (
        ReportForm.objects.select_related("unit")
        .annotate(
            published=Max("versions__number", filter=Q(versions__published_at__isnull=False)),
            draft=Max("versions__number", filter=Q(versions__published_at__isnull=True)),
        )
        .order_by("unit__path", "code")
    )
    edit_url = "reporting:form_detail"
    columns = (
        Column(gettext_lazy("name"), "name", sort="name"),
        Column(gettext_lazy("code"), "code", sort="code"),
        Column(gettext_lazy("defined by"), "unit.name", sort="unit__path"),
        Column(gettext_lazy("period type"), "get_period_type_display", sort="period_type"),
        Column(gettext_lazy("published version"), "published"),
        Column(gettext_lazy("draft version"), "draft"),
        Column(gettext_lazy("status"), _in_use, sort="is_active"),
    )
    write_actions = (("reporting:form_create", gettext_lazy("New form")),)

    def get(self, request, *args, **kwargs):
        if not units_for(request.user, ReportForm, CHANGE):
            raise PermissionDenied(_("Only the organization department may define report forms."))
        return super().get(request, *args, **kwargs)


class FormCreate(ObjectFormView):
    title = gettext_lazy("New report form")
    create_model = ReportForm
    form_class = FormCreateForm
    service = services.form_create
    success_message = gettext_lazy("Form created: add its sections and fields.")
    success_url = "reporting:form_detail"
    list_url = "reporting:form_list"


class FormEdit(ObjectFormView):
    title = gettext_lazy("Form settings")
    queryset = ReportForm.objects.select_related("unit")
    form_class = FormSettingsForm
    service = services.form_update
    edit_object_arg = "form"
    success_message = gettext_lazy("Changes saved.")
    success_url = "reporting:form_detail"
    cancel_url = "reporting:form_detail"

    def get_object(self):
        if not hasattr(self, "_object"):
            self._object = get_scoped_or_404(self.queryset.all(), self.request.user, CHANGE, pk=self.kwargs["pk"])
        return self._object


def _form(request, pk) -> ReportForm:
    return get_scoped_or_404(ReportForm.objects.select_related("unit"), request.user, CHANGE, pk=pk)


def _version(request, pk) -> FormVersion:
    return get_scoped_or_404(FormVersion.objects.select_related("form__unit"), request.user, CHANGE, pk=pk)


def _section(request, pk) -> FormSection:
    return get_scoped_or_404(FormSection.objects.select_related("version__form__unit"), request.user, CHANGE, pk=pk)


def _field(request, pk) -> FormField:
    queryset = FormField.objects.select_related("version__form__unit", "section")
    return get_scoped_or_404(queryset, request.user, CHANGE, pk=pk)


def _rule(request, pk) -> ValidationRule:
    return get_scoped_or_404(ValidationRule.objects.select_related("version__form__unit"), request.user, CHANGE, pk=pk)


def _back(form_id):
    return redirect("reporting:form_detail", pk=form_id)


@login_required
def form_detail(request, pk):
    """The form's settings, its versions and the draft editor (or the latest published version, read only, with
    "修改（生成新版本）")."""
    form = _form(request, pk)
    versions = list(form.versions.order_by("-number"))
    draft = next((v for v in versions if not v.is_published), None)
    shown = draft or (versions[0] if versions else None)
    sections, rules = [], []
    if shown is not None:
        fields: dict = {}
        for field in shown.fields.order_by("order", "pk"):
            fields.setdefault(field.section_id, []).append(field)
        sections = [(section, fields.get(section.pk, [])) for section in shown.sections.order_by("order", "pk")]
        rules = list(shown.rules.order_by("pk"))
    labels = {field.code: field.label for _s, group in sections for field in group}
    context = {
        "form": form,
        "versions": versions,
        "draft": draft,
        "shown": shown,
        "sections": sections,
        "rules": [
            (rule, labels.get(rule.left, rule.left), labels.get(rule.right_field, rule.right_field)) for rule in rules
        ],
        "section_form": SectionForm(),
        "sources": dict(prefill.choices()),
        "reports_count": form.reports.count(),
        "filled_by": [UNIT_KINDS.get(kind, kind) for kind in form.filled_by],
    }
    return render(request, "reporting/builder.html", context)


@login_required
@require_POST
def form_publish(request, pk):
    form = _form(request, pk)
    run_service(
        request,
        lambda: services.form_publish(form=form, actor=request.user),
        lambda version: _("Version %(n)d published: new reports are opened on it.") % {"n": version.number},
    )
    return _back(form.pk)


@login_required
@require_POST
def form_new_version(request, pk):
    form = _form(request, pk)
    run_service(
        request,
        lambda: services.version_draft(form=form, actor=request.user),
        lambda version: (
            _("Version %(n)d started as a copy: reports already filed keep theirs.") % {"n": version.number}
        ),
    )
    return _back(form.pk)


@login_required
@require_POST
def section_add(request, pk):
    version = _version(request, pk)
    posted = SectionForm(request.POST)
    if not posted.is_valid():
        messages.error(request, _("Give the section a title (at most 100 characters)."))
    else:
        run_service(
            request,
            lambda: services.section_add(version=version, actor=request.user, title=posted.cleaned_data["title"]),
            _("Section added."),
        )
    return _back(version.form_id)


def _page(request, form, *, title, call, version, cancel, status=200):
    """A builder form page: GET draws `form`; POST calls `call(cleaned_data)` and goes back to the builder, or draws
    the form again with the service's refusal (409 when the version is published)."""
    refusal = ""
    if version.is_published:
        refusal = _("A published form version cannot be changed; edit a new version.")
        status = STATUS_CONFLICT
    elif request.method == "POST" and form.is_valid():
        try:
            call(form.cleaned_data)
        except Conflict as exc:
            add_service_errors(form, exc)
            status = STATUS_CONFLICT
        except ValidationError as exc:
            add_service_errors(form, exc)
            status = 400
        else:
            messages.success(request, _("Changes saved."))
            return _back(version.form_id)
    elif request.method == "POST":
        status = 400
    context = {"title": title, "form": form, "cancel": cancel, "refusal": refusal}
    return render(request, "reporting/builder_form.html", context, status=status)


def _cancel(version):
    return redirect("reporting:form_detail", pk=version.form_id).url


@login_required
def section_edit(request, pk):
    section = _section(request, pk)
    posted = SectionForm(request.POST or None, initial={"title": section.title})
    return _page(
        request,
        posted,
        title=_("Edit section"),
        call=lambda data: services.section_update(section=section, actor=request.user, **data),
        version=section.version,
        cancel=_cancel(section.version),
    )


def _simple(request, obj, call, message):
    run_service(request, call, message)
    return _back(obj.version.form_id)


@login_required
@require_POST
def section_delete(request, pk):
    section = _section(request, pk)
    return _simple(
        request, section, lambda: services.section_delete(section=section, actor=request.user), _("Section deleted.")
    )


@login_required
@require_POST
def section_move(request, pk):
    section = _section(request, pk)
    direction = request.POST.get("direction", "")
    call = lambda: services.section_move(section=section, actor=request.user, direction=direction)  # noqa: E731
    return _simple(request, section, call, _("Order changed."))


def _field_data(data: dict) -> dict:
    return {**data, "prefill": data.get("prefill") or ""}


@login_required
def field_add(request, pk):
    section = _section(request, pk)
    posted = FieldForm(request.POST or None)

    def call(data):
        data = _field_data(data)
        code, label, kind = data.pop("code"), data.pop("label"), data.pop("kind")
        return services.field_add(section=section, actor=request.user, code=code, label=label, kind=kind, **data)

    title = _("Add a field to “%(section)s”") % {"section": section.title}
    return _page(request, posted, title=title, call=call, version=section.version, cancel=_cancel(section.version))


@login_required
def field_edit(request, pk):
    field = _field(request, pk)
    posted = FieldForm(request.POST or None, initial=field_initial(field))
    return _page(
        request,
        posted,
        title=_("Edit field “%(label)s”") % {"label": field.label},
        call=lambda data: services.field_update(field=field, actor=request.user, **_field_data(data)),
        version=field.version,
        cancel=_cancel(field.version),
    )


@login_required
@require_POST
def field_delete(request, pk):
    field = _field(request, pk)
    return _simple(request, field, lambda: services.field_delete(field=field, actor=request.user), _("Field deleted."))


@login_required
@require_POST
def field_move(request, pk):
    field = _field(request, pk)
    direction = request.POST.get("direction", "")
    call = lambda: services.field_move(field=field, actor=request.user, direction=direction)  # noqa: E731
    return _simple(request, field, call, _("Order changed."))


def _rule_form(request, version, initial=None):
    codes = [(f.code, f"{f.label}（{f.code}）") for f in version.fields.order_by("section__order", "order", "pk")]
    return RuleForm(request.POST or None, codes=codes, initial=initial)


def _rule_data(data: dict) -> dict:
    return {**data, "operator": data.get("operator") or "", "right_field": data.get("right_field") or ""}


@login_required
def rule_add(request, pk):
    version = _version(request, pk)
    return _page(
        request,
        _rule_form(request, version),
        title=_("Add a validation rule"),
        call=lambda data: services.rule_add(version=version, actor=request.user, **_rule_data(data)),
        version=version,
        cancel=_cancel(version),
    )


@login_required
def rule_edit(request, pk):
    rule = _rule(request, pk)
    names = ("left", "operator", "right_field", "right_constant", "growth_factor", "severity", "message")
    return _page(
        request,
        _rule_form(request, rule.version, initial={name: getattr(rule, name) for name in names}),
        title=_("Edit validation rule"),
        call=lambda data: services.rule_update(rule=rule, actor=request.user, **_rule_data(data)),
        version=rule.version,
        cancel=_cancel(rule.version),
    )


@login_required
@require_POST
def rule_delete(request, pk):
    rule = _rule(request, pk)
    return _simple(request, rule, lambda: services.rule_delete(rule=rule, actor=request.user), _("Rule deleted."))


@login_required
def attachment(request, pk):
    """A file field's attachment, to whoever may view its report (404 to everybody else)."""
    item = get_scoped_or_404(ReportAttachment.objects.all(), request.user, VIEW, pk=pk)
    return FileResponse(item.file.open("rb"), content_type=item.content_type, as_attachment=True, filename=item.name)
