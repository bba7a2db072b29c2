"""The form builder: organization-department staff create a form, edit its draft version (sections, fields,
rules) and publish it. Editing a published form starts a new draft version, a copy of the published one, so the
reports already filed keep theirs."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import CHANGE, require, require_at
from core import audit
from core.errors import Conflict, Invalid
from core.services import save_new, update_fields

from ..errors import ErrorCode
from ..models import CHOICE_KINDS, FieldKind, FormField, FormSection, FormVersion, ReportForm, ValidationRule
from ..prefill import PREVIOUS, REGISTRY
from .values import clean_columns

FORM_FIELDS = ("name", "filled_by", "period_type", "due_day", "open_days", "is_active")
DENIED = _("Only the organization department may define report forms.")


@transaction.atomic
def form_create(*, unit, actor, code: str, name: str, period_type: str, filled_by=(), **options) -> ReportForm:
    """A new form at `unit` with an empty draft version 1."""
    require_at(actor, CHANGE, ReportForm, unit, DENIED)
    if ReportForm.objects.filter(unit=unit, code=code).exists():
        raise Invalid(
            _("This unit already has a form with the code %(code)s.") % {"code": code},
            code=ErrorCode.DUPLICATE_CODE,
            field="code",
        )
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


_FIELD_ATTRS = (
    "code",
    "label",
    "kind",
    "unit_label",
    "help_text",
    "required",
    "choices",
    "columns",
    "prefill",
    "order",
)
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
        raise _not_draft()


def _not_draft() -> Conflict:
    return Conflict(_("A published form version cannot be changed; edit a new version."), code=ErrorCode.FORM_NOT_DRAFT)


def _next_order(rows) -> int:
    last = rows.order_by("-order").values_list("order", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def section_add(*, version: FormVersion, actor, title: str, order: int | None = None) -> FormSection:
    _editable(version, actor)
    order = _next_order(version.sections) if order is None else order
    section = FormSection(version=version, title=title, order=order)
    return save_new(section, actor=actor, audit_action="form_section.create", unit=version.form.unit)


def _draft_guard(actor):
    def guard(locked):
        _editable(locked.version, actor)

    return guard


def section_update(*, section: FormSection, actor, **fields) -> FormSection:
    section, _diff = update_fields(
        section,
        actor=actor,
        fields=fields,
        allowed=("title", "order"),
        audit_action="form_section.update",
        unit=lambda locked: locked.version.form.unit,
        guard=_draft_guard(actor),
        related=("version__form__unit",),
    )
    return section


def _rules_on(version: FormVersion, codes) -> list[ValidationRule]:
    return list(version.rules.filter(Q(left__in=codes) | Q(right_field__in=codes)))


def _refuse_if_ruled(version: FormVersion, codes) -> None:
    ruled = _rules_on(version, codes)
    if ruled:
        raise Conflict(
            _("A validation rule uses this field (%(message)s): delete or change the rule first.")
            % {"message": ruled[0].message},
            code=ErrorCode.FIELD_IN_RULE,
        )


@transaction.atomic
def section_delete(*, section: FormSection, actor) -> None:
    """Delete a section of a draft with its fields (refused while a rule uses one of them)."""
    section = FormSection.objects.select_for_update().select_related("version__form__unit").get(pk=section.pk)
    version = section.version
    _editable(version, actor)
    _refuse_if_ruled(version, section.fields.values_list("code", flat=True))
    changes = {"title": section.title, "fields": list(section.fields.values_list("code", flat=True))}
    audit.record(actor=actor, action="form_section.delete", obj=section, unit=version.form.unit, changes=changes)
    section.delete()


def _swap(rows: list, obj, direction: str) -> bool:
    """Move `obj` one place up or down in `rows` (ordered) and renumber them 1..n; False at either end."""
    index = next(i for i, row in enumerate(rows) if row.pk == obj.pk)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(rows):
        return False
    rows[index], rows[other] = rows[other], rows[index]
    for number, row in enumerate(rows, start=1):
        row.order = number
    type(obj).objects.bulk_update(rows, ["order"])
    return True


@transaction.atomic
def section_move(*, section: FormSection, actor, direction: str) -> FormSection:
    section = FormSection.objects.select_related("version__form__unit").get(pk=section.pk)
    _editable(section.version, actor)
    rows = list(FormSection.objects.select_for_update().filter(version=section.version).order_by("order", "pk"))
    if _swap(rows, section, direction):
        audit.record(
            actor=actor,
            action="form_section.move",
            obj=section,
            unit=section.version.form.unit,
            changes={"direction": direction},
        )
    return section


def _field_attrs(version: FormVersion, kind: str, attrs: dict, *, exclude_pk=None) -> dict:
    """The field's attributes checked against its kind: a known prefill source, choices for a choice field,
    columns for a table; a code unique in the version (a Chinese message rather than the constraint's)."""
    prefill = attrs.get("prefill") or ""
    if prefill and prefill != PREVIOUS and prefill not in REGISTRY:
        raise Invalid(_("Choose a prefill source from the list."), code=ErrorCode.BAD_ANSWER, field="prefill")
    if prefill and kind in (FieldKind.FILE, FieldKind.TABLE):
        raise Invalid(_("Files and tables cannot be prefilled."), code=ErrorCode.BAD_FIELD, field="prefill")
    choices = [str(c).strip() for c in attrs.get("choices") or [] if str(c).strip()]
    if kind in CHOICE_KINDS and not choices:
        raise Invalid(_("A choice field needs its choices."), code=ErrorCode.BAD_FIELD, field="choices")
    if len(set(choices)) != len(choices):
        raise Invalid(_("Each choice may appear only once."), code=ErrorCode.BAD_FIELD, field="choices")
    attrs["choices"] = choices if kind in CHOICE_KINDS else []
    if kind == FieldKind.TABLE:
        try:
            attrs["columns"] = clean_columns(attrs.get("columns"))
        except ValidationError as error:
            raise Invalid(" ".join(error.messages), code=ErrorCode.BAD_FIELD, field="columns") from None
    else:
        attrs["columns"] = []
    code = attrs.get("code")
    if code and version.fields.filter(code=code).exclude(pk=exclude_pk).exists():
        raise Invalid(
            _("This form already has a field with the code %(code)s.") % {"code": code},
            code=ErrorCode.DUPLICATE_CODE,
            field="code",
        )
    return attrs


@transaction.atomic
def field_add(*, section: FormSection, actor, code: str, label: str, kind: str, **attrs) -> FormField:
    version = section.version
    _editable(version, actor)
    attrs = _field_attrs(version, kind, {**attrs, "code": code})
    if attrs.get("order") is None:
        attrs["order"] = _next_order(section.fields)
    field = FormField(version=version, section=section, label=label, kind=kind, **attrs)
    return save_new(field, actor=actor, audit_action="form_field.create", unit=version.form.unit)


FIELD_UPDATABLE = ("code", "label", "kind", "unit_label", "help_text", "required", "choices", "columns", "prefill")


@transaction.atomic
def field_update(*, field: FormField, actor, **fields) -> FormField:
    """Change a draft's field; a new code is carried into the rules that use the old one."""
    current = FormField.objects.select_related("version__form__unit").get(pk=field.pk)
    _editable(current.version, actor)
    merged = {name: getattr(current, name) for name in FIELD_UPDATABLE} | fields
    checked = _field_attrs(current.version, merged["kind"], merged, exclude_pk=current.pk)
    fields = {name: checked[name] for name in fields} | {"choices": checked["choices"], "columns": checked["columns"]}
    old_code = current.code
    field, _diff = update_fields(
        current,
        actor=actor,
        fields=fields,
        allowed=FIELD_UPDATABLE,
        audit_action="form_field.update",
        unit=lambda locked: locked.version.form.unit,
        guard=_draft_guard(actor),
        related=("version__form__unit",),
        only_changed=True,
    )
    if field.code != old_code:
        field.version.rules.filter(left=old_code).update(left=field.code)
        field.version.rules.filter(right_field=old_code).update(right_field=field.code)
    return field


@transaction.atomic
def field_delete(*, field: FormField, actor) -> None:
    """Delete a draft's field (refused while a rule uses it)."""
    field = FormField.objects.select_for_update().select_related("version__form__unit").get(pk=field.pk)
    _editable(field.version, actor)
    _refuse_if_ruled(field.version, [field.code])
    audit.record(
        actor=actor,
        action="form_field.delete",
        obj=field,
        unit=field.version.form.unit,
        changes={"code": field.code, "label": field.label},
    )
    field.delete()


@transaction.atomic
def field_move(*, field: FormField, actor, direction: str) -> FormField:
    field = FormField.objects.select_related("version__form__unit").get(pk=field.pk)
    _editable(field.version, actor)
    rows = list(FormField.objects.select_for_update().filter(section_id=field.section_id).order_by("order", "pk"))
    if _swap(rows, field, direction):
        audit.record(
            actor=actor,
            action="form_field.move",
            obj=field,
            unit=field.version.form.unit,
            changes={"direction": direction},
        )
    return field


RULE_ATTRS = ("left", "operator", "right_field", "right_constant", "growth_factor", "severity", "message")


def _rule_check(version: FormVersion):
    """The rule's structure: a known left field, and either an operator with a known field or a constant, or a
    growth factor above 0 (nothing else)."""

    def check(rule: ValidationRule) -> dict | None:
        codes = set(version.fields.values_list("code", flat=True))
        for name in ("left", "right_field"):
            code = getattr(rule, name)
            if code and code not in codes:
                raise Invalid(
                    _("The form has no field with the code %(code)s.") % {"code": code},
                    code=ErrorCode.NO_SUCH_FIELD,
                    field=name,
                )
        compares = bool(rule.operator) and (bool(rule.right_field) != (rule.right_constant is not None))
        grows = rule.growth_factor is not None and not rule.operator and not rule.right_field
        grows = grows and rule.right_constant is None and rule.growth_factor > 0
        if compares == grows:
            raise Invalid(
                _("Give an operator with a field or a constant, or only a growth factor above 0."),
                code=ErrorCode.BAD_RULE,
                field="operator",
            )
        return None

    return check


@transaction.atomic
def rule_add(*, version: FormVersion, actor, message: str, **structure) -> ValidationRule:
    """A rule over field codes of `version` (see `reporting.rules`: a comparison or a growth check)."""
    _editable(version, actor)
    rule = ValidationRule(version=version, message=message, **structure)
    _rule_check(version)(rule)
    return save_new(rule, actor=actor, audit_action="validation_rule.create", unit=version.form.unit)


def rule_update(*, rule: ValidationRule, actor, **fields) -> ValidationRule:
    rule, _diff = update_fields(
        rule,
        actor=actor,
        fields=fields,
        allowed=RULE_ATTRS,
        audit_action="validation_rule.update",
        unit=lambda locked: locked.version.form.unit,
        guard=_draft_guard(actor),
        check=lambda locked: _rule_check(locked.version)(locked),
        related=("version__form__unit",),
    )
    return rule


@transaction.atomic
def rule_delete(*, rule: ValidationRule, actor) -> None:
    rule = ValidationRule.objects.select_for_update().select_related("version__form__unit").get(pk=rule.pk)
    _editable(rule.version, actor)
    audit.record(
        actor=actor,
        action="validation_rule.delete",
        obj=rule,
        unit=rule.version.form.unit,
        changes={"left": rule.left, "message": rule.message},
    )
    rule.delete()


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
