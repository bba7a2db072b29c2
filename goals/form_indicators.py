"""Write use-cases of the form-backed indicators (issue 14): organization-department staff declare a numeric field of
a periodic report form as a goal indicator, change it and retire it. The declaration joins the indicator registry at
run time (`goals/sources/reporting.py`); after commit the units with approved reports of the form are announced to
the roll-up (`core.events.records_changed`, source "reporting"), so its figures are computed at once.

Beside `services.py` (which passed 500 lines) rather than in it; `services` is not imported here, nor this there.
"""

from django.db import transaction
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import CHANGE, require, require_at
from core import audit, events
from core.errors import Invalid
from core.services import save_new, update_fields
from reporting.models import NUMERIC_KINDS, FormField, Report, ReportForm, ReportStatus

from . import indicators as registry
from .errors import ErrorCode
from .models import FormIndicator

audit.ACTION_LABELS.update(
    {
        "form_indicator.create": gettext_lazy("Form indicator declared"),
        "form_indicator.update": gettext_lazy("Form indicator changed"),
        "form_indicator.retire": gettext_lazy("Form indicator retired"),
    }
)

FIELDS = ("form", "field_code", "name", "measure", "period_value", "levels", "is_active")
NOT_ALLOWED = gettext_lazy("Only organization-department staff over the form's unit may declare its indicators.")


def check_field(form: ReportForm, field_code: str) -> None:
    """The field must exist in the form's published versions and be a whole or decimal number in each of them."""
    kinds = set(
        FormField.objects.filter(
            version__form=form, version__published_at__isnull=False, code=(field_code or "").strip()
        ).values_list("kind", flat=True)
    )
    if not kinds:
        raise Invalid(
            _("The form's published versions have no field with this code."),
            code=ErrorCode.FORM_FIELD_UNKNOWN,
            field="field_code",
        )
    if not kinds <= set(NUMERIC_KINDS):
        raise Invalid(
            _("Only a whole-number or decimal field can back an indicator."),
            code=ErrorCode.FORM_FIELD_NOT_NUMERIC,
            field="field_code",
        )


def _announce(form_ids) -> None:
    """Announce the units with approved reports of these forms, year by year, to the roll-up (after commit): their
    chains recompute the source's figures, the new or changed indicator's among them. One query."""
    registry.reset_dynamic()
    rows = (
        Report.objects.filter(form_id__in=set(form_ids), status=ReportStatus.APPROVED)
        .annotate(year=ExtractYear("period_start"))
        .values_list("year", "unit_id")
        .distinct()
    )
    by_year: dict[int, set[int]] = {}
    for year, unit_id in rows:
        by_year.setdefault(year, set()).add(unit_id)
    for year, unit_ids in sorted(by_year.items()):
        events.records_changed(source="reporting", unit_ids=unit_ids, year=year)
    transaction.on_commit(registry.reset_dynamic)


@transaction.atomic
def form_indicator_create(
    *,
    form: ReportForm,
    field_code: str,
    name: str,
    measure: str,
    period_value: str,
    levels: str,
    actor,
    is_active: bool = True,
) -> FormIndicator:
    """Declare a numeric field of `form` as an indicator (organization-department staff over the form's unit)."""
    require_at(actor, CHANGE, FormIndicator, form.unit, str(NOT_ALLOWED))
    check_field(form, field_code)
    declared = FormIndicator(
        form=form,
        field_code=field_code.strip(),
        name=(name or "").strip(),
        measure=measure,
        period_value=period_value,
        levels=levels,
        is_active=is_active,
    )
    save_new(
        declared,
        actor=actor,
        audit_action="form_indicator.create",
        unit=form.unit,
        changes={"form": form.name, "field_code": declared.field_code, "name": declared.name},
    )
    _announce([form.pk])
    return declared


@transaction.atomic
def form_indicator_update(*, declared: FormIndicator, actor, **fields) -> FormIndicator:
    """Change a declaration (its form, field, name, measure, how the year's figure is taken, levels, active)."""
    before_form = declared.form_id

    def guard(locked):
        require(actor, CHANGE, locked, str(NOT_ALLOWED))
        form = fields.get("form")
        if form is not None and form.pk != locked.form_id:
            require_at(actor, CHANGE, FormIndicator, form.unit, str(NOT_ALLOWED))

    def check(locked):
        locked.field_code = (locked.field_code or "").strip()
        locked.name = (locked.name or "").strip()
        check_field(locked.form, locked.field_code)

    declared, _diff = update_fields(
        declared,
        actor=actor,
        fields=fields,
        allowed=FIELDS,
        audit_action="form_indicator.update",
        unit=lambda locked: locked.form.unit,
        guard=guard,
        check=check,
        related=("form__unit",),
    )
    _announce([before_form, declared.form_id])
    return declared


@transaction.atomic
def form_indicator_retire(*, declared: FormIndicator, actor) -> FormIndicator:
    """Retire a declaration: the indicator leaves the dashboards (its stored figures and targets are kept, and come
    back if it is made active again)."""
    declared, _diff = update_fields(
        declared,
        actor=actor,
        fields={"is_active": False},
        allowed=("is_active",),
        audit_action="form_indicator.retire",
        unit=lambda locked: locked.form.unit,
        guard=lambda locked: require(actor, CHANGE, locked, str(NOT_ALLOWED)),
        related=("form__unit",),
    )
    registry.reset_dynamic()
    transaction.on_commit(registry.reset_dynamic)
    return declared
