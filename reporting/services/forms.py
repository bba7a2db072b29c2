"""The form builder: organization-department staff create a form, edit its draft version (sections, fields,
rules) and publish it. Editing a published form starts a new draft version, a copy of the published one, so the
reports already filed keep theirs."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import CHANGE, require, require_at
from core import audit
from core.errors import Conflict, Invalid
from core.services import save_new, update_fields

from ..errors import ErrorCode
from ..models import FieldKind, FormField, FormSection, FormVersion, ReportForm, ValidationRule
from ..prefill import PREVIOUS, REGISTRY

FORM_FIELDS = ("name", "filled_by", "period_type", "due_day", "open_days", "is_active")
DENIED = _("Only the organization department may define report forms.")


@transaction.atomic
def form_create(*, unit, actor, code: str, name: str, period_type: str, filled_by=(), **options) -> ReportForm:
    """A new form at `unit` with an empty draft version 1."""
    require_at(actor, CHANGE, ReportForm, unit, DENIED)
    form = ReportForm(unit=unit, code=code, name=name, period_type=period_type, filled_by=list(filled_by), **options)
    save_new(form, actor=actor, audit_action="report_form.create")
    FormVersion.objects.create(form=form, number=1)
    return form


def form_update(*, form: ReportForm, actor, **fields) -> ReportForm:
    form, _diff = update_fields(
        form,
        actor=actor,
        fields=fields,
        allowed=FORM_FIELDS,
        audit_action="report_form.update",
        guard=lambda locked: require(actor, CHANGE, locked, DENIED),
    )
    return form


def _copy(published: FormVersion, draft: FormVersion) -> None:
    sections = {}
    for section in published.sections.all():
        sections[section.pk] = FormSection.objects.create(version=draft, title=section.title, order=section.order)
    FormField.objects.bulk_create(
        FormField(
            version=draft,
            section=sections[field.section_id],
            **{name: getattr(field, name) for name in _FIELD_ATTRS},
        )
        for field in published.fields.all()
    )
    ValidationRule.objects.bulk_create(
        ValidationRule(version=draft, **{name: getattr(rule, name) for name in _RULE_ATTRS})
        for rule in published.rules.all()
    )


_FIELD_ATTRS = ("code", "label", "kind", "unit_label", "help_text", "required", "choices", "prefill", "order")
_RULE_ATTRS = ("left", "operator", "right_field", "right_constant", "growth_factor", "severity", "message")


@transaction.atomic
def version_draft(*, form: ReportForm, actor) -> FormVersion:
    """The form's draft version: the one being edited, or a new one copied from the latest published version."""
    require(actor, CHANGE, form, DENIED)
    form = ReportForm.objects.select_for_update().get(pk=form.pk)
    draft = form.versions.filter(published_at__isnull=True).first()
    if draft is not None:
        return draft
    latest = form.versions.order_by("-number").first()
    draft = FormVersion.objects.create(form=form, number=(latest.number + 1) if latest else 1)
    if latest is not None:
        _copy(latest, draft)
    audit.record(actor=actor, action="form_version.create", obj=draft, unit=form.unit, changes={"number": draft.number})
    return draft


def _editable(version: FormVersion, actor) -> None:
    require(actor, CHANGE, version.form, DENIED)
    if version.is_published:
        raise Conflict(
            _("A published form version cannot be changed; edit a new version."), code=ErrorCode.FORM_NOT_DRAFT
        )


@transaction.atomic
def section_add(*, version: FormVersion, actor, title: str, order: int = 0) -> FormSection:
    _editable(version, actor)
    section = FormSection(version=version, title=title, order=order)
    return save_new(section, actor=actor, audit_action="form_section.create", unit=version.form.unit)


@transaction.atomic
def field_add(*, section: FormSection, actor, code: str, label: str, kind: str, **attrs) -> FormField:
    version = section.version
    _editable(version, actor)
    prefill = attrs.get("prefill", "")
    if prefill and prefill != PREVIOUS and prefill not in REGISTRY:
        raise Invalid(_("Choose a prefill source from the list."), code=ErrorCode.BAD_ANSWER, field="prefill")
    if kind in (FieldKind.CHOICE, FieldKind.MULTIPLE) and not attrs.get("choices"):
        raise Invalid(_("A choice field needs its choices."), code=ErrorCode.BAD_ANSWER, field="choices")
    field = FormField(version=version, section=section, code=code, label=label, kind=kind, **attrs)
    return save_new(field, actor=actor, audit_action="form_field.create", unit=version.form.unit)


@transaction.atomic
def rule_add(*, version: FormVersion, actor, message: str, **structure) -> ValidationRule:
    """A rule over field codes of `version` (see `reporting.rules`: a comparison or a growth check)."""
    _editable(version, actor)
    codes = set(version.fields.values_list("code", flat=True))
    for name in ("left", "right_field"):
        code = structure.get(name)
        if code and code not in codes:
            raise Invalid(_("The form has no field with this code."), code=ErrorCode.NO_SUCH_FIELD, field=name)
    rule = ValidationRule(version=version, message=message, **structure)
    return save_new(rule, actor=actor, audit_action="validation_rule.create", unit=version.form.unit)


@transaction.atomic
def form_publish(*, form: ReportForm, actor) -> FormVersion:
    """Publish the draft version: from now on reports are opened on it; it never changes again."""
    require(actor, CHANGE, form, DENIED)
    draft = form.versions.select_for_update().filter(published_at__isnull=True).first()
    if draft is None:
        raise Conflict(_("There is no draft version to publish."), code=ErrorCode.FORM_NOT_PUBLISHED)
    if not draft.fields.exists():
        raise Invalid(_("A form needs at least one field before it is published."), code=ErrorCode.FORM_EMPTY)
    draft.published_at = timezone.now()
    draft.save(update_fields=["published_at"])
    audit.record(actor=actor, action="report_form.publish", obj=form, unit=form.unit, changes={"version": draft.number})
    return draft
