"""The form builder's forms (reporting/builder_views.py): parse what staff type; the services check the rest (a
unique code, choices for a choice field, a table's columns, a rule's field codes) and their refusals land on the
fields."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.permissions import CHANGE, units_queryset
from core.forms import UnitChoiceField
from organizations.models import UnitKind

from . import prefill
from .models import ColumnKind, FieldKind, FormField, PeriodType, ReportForm, RuleOperator, Severity

CODE_HELP = _("Lower-case letters, digits, - and _, starting with a letter; it never changes once reports exist.")
# The kinds of unit that fill forms: the grassroots and the township level.
FILLING_KINDS = (UnitKind.VILLAGE, UnitKind.COMMUNITY, UnitKind.GRID, UnitKind.TOWNSHIP, UnitKind.STREET)
NOT_DEFINING = (UnitKind.VILLAGE, UnitKind.COMMUNITY, UnitKind.GRID, UnitKind.BUILDING)


def _code_field():
    return forms.RegexField(
        label=_("code"),
        regex=r"^[a-z][a-z0-9_-]{0,39}$",
        max_length=40,
        help_text=CODE_HELP,
        error_messages={"invalid": _("Use lower-case letters, digits, - and _, starting with a letter.")},
    )


class FormSettingsForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    filled_by = forms.MultipleChoiceField(
        label=_("unit kinds that fill it"),
        choices=[(kind.value, kind.label) for kind in FILLING_KINDS],
        widget=forms.CheckboxSelectMultiple,
    )
    period_type = forms.ChoiceField(label=_("period type"), choices=PeriodType.choices)
    due_day = forms.IntegerField(
        label=_("due day"),
        min_value=1,
        max_value=28,
        initial=5,
        help_text=_("Day 1–28 of the month after the period ends."),
    )
    open_days = forms.IntegerField(
        label=_("days entry stays open after the due day"), min_value=0, max_value=365, initial=10
    )
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user


class FormCreateForm(FormSettingsForm):
    unit = UnitChoiceField(label=_("defined by"))
    code = _code_field()
    field_order = ("unit", "code", "name", "filled_by", "period_type", "due_day", "open_days", "is_active")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = units_queryset(user, ReportForm, CHANGE).exclude(kind__in=NOT_DEFINING).order_by("path")
        self.fields["unit"].queryset = units


class SectionForm(forms.Form):
    title = forms.CharField(label=_("section title"), max_length=100)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class FieldForm(forms.Form):
    code = _code_field()
    label = forms.CharField(label=_("label"), max_length=100)
    kind = forms.ChoiceField(label=_("type"), choices=FieldKind.choices)
    unit_label = forms.CharField(label=_("unit of measure"), max_length=10, required=False)
    help_text = forms.CharField(label=_("help text"), max_length=300, required=False)
    required = forms.BooleanField(label=_("required"), required=False)
    choices = forms.CharField(
        label=_("choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One choice a line (for one choice and several choices)."),
    )
    columns = forms.CharField(
        label=_("columns of a table"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One column a line: code|label|kind, the kind one of 整数, 小数, 文本, 日期 (e.g. name|姓名|文本)."
        ),
    )
    prefill = forms.ChoiceField(label=_("prefill source"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prefill"].choices = prefill.choices()

    def clean_choices(self):
        choices = _lines(self.cleaned_data["choices"])
        if any(len(choice) > 100 for choice in choices) or len(choices) > 100:
            raise forms.ValidationError(_("At most 100 choices of 100 characters each."))
        return choices

    def clean_columns(self):
        return self.cleaned_data["columns"] or []


def field_initial(field: FormField) -> dict:
    """The edit form's values: choices and columns back as text, one a line."""
    names = dict(ColumnKind.choices)
    return {
        "code": field.code,
        "label": field.label,
        "kind": field.kind,
        "unit_label": field.unit_label,
        "help_text": field.help_text,
        "required": field.required,
        "choices": "\n".join(field.choices or []),
        "columns": "\n".join(
            f"{c['code']}|{c['label']}|{names.get(c['kind'], c['kind'])}" for c in field.columns or []
        ),
        "prefill": field.prefill,
    }


class RuleForm(forms.Form):
    left = forms.ChoiceField(label=_("rule's field"))
    operator = forms.ChoiceField(label=_("operator"), required=False, choices=[("", "—"), *RuleOperator.choices])
    right_field = forms.ChoiceField(label=_("compared field"), required=False)
    right_constant = forms.DecimalField(label=_("or a constant"), required=False, max_digits=16, decimal_places=2)
    growth_factor = forms.DecimalField(
        label=_("or: more than N times last period's value needs a comment"),
        required=False,
        max_digits=6,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices)
    message = forms.CharField(label=_("message"), max_length=200)

    def __init__(self, *args, codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        options = [(code, label) for code, label in codes]
        self.fields["left"].choices = options
        self.fields["right_field"].choices = [("", "—"), *options]
