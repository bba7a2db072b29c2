from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.permissions import CHANGE, units_queryset
from reporting.models import NUMERIC_KINDS, FormField, ReportForm

from . import bases, services
from . import indicators as registry
from .models import FormIndicator, PeriodValue, ShownLevels


class TargetForm(forms.Form):
    indicator = forms.ChoiceField(label=_("indicator"), choices=())
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    value = forms.DecimalField(label=_("target value"), min_value=0, max_digits=16, decimal_places=2)
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, kind: str | None = None, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The indicators whose target fits the scope's level (all of them when no level is given), on its line.
        self.fields["indicator"].choices = [
            (i.key, i.name)
            for i in registry.all_indicators()
            if (kind is None or i.targets_at(kind)) and (unit is None or i.on_line(unit.path))
        ]


class HandDownForm(forms.Form):
    """Hand a target down to the children of its scope: by a rule, or a value for each child (prefilled with the
    rule's split, so that the user sees what the rule gives before choosing)."""

    rule = forms.ChoiceField(label=_("hand-down rule"), choices=(), widget=forms.RadioSelect)
    base = forms.ChoiceField(label=_("shared by"), choices=bases.choices(), required=False)

    def __init__(self, *args, children, percent: bool, **kwargs):
        super().__init__(*args, **kwargs)
        rules = (services.SAME, services.MANUAL) if percent else (services.SHARE, services.MANUAL)
        self.fields["rule"].choices = [(rule, services.HAND_DOWN_RULES[rule]) for rule in rules]
        self.fields["rule"].initial = rules[0]
        if percent:
            del self.fields["base"]
        for child in children:
            self.fields[f"value_{child.pk}"] = forms.DecimalField(
                label=child.name, min_value=0, max_digits=16, decimal_places=2, required=False
            )

    def child_values(self, children) -> dict:
        return {child.pk: self.cleaned_data.get(f"value_{child.pk}") for child in children}


class FormIndicatorForm(forms.Form):
    """Declare a numeric field of a report form as an indicator: the field is chosen among the whole-number and
    decimal fields of the published versions of the forms the user may see and declare on (two queries)."""

    field = forms.ChoiceField(label=_("report form and field"), choices=())
    name = forms.CharField(label=_("indicator name"), max_length=100)
    measure = forms.ChoiceField(label=_("unit of measure"), choices=FormIndicator._meta.get_field("measure").choices)
    period_value = forms.ChoiceField(
        label=_("value of the year"), choices=PeriodValue.choices, widget=forms.RadioSelect, initial=PeriodValue.SUM
    )
    levels = forms.ChoiceField(label=_("shown at"), choices=ShownLevels.choices, initial=ShownLevels.EVERY)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        visible = ReportForm.objects.restrict(user).filter(unit__in=units_queryset(user, FormIndicator, CHANGE))
        self.report_forms = {form.pk: form for form in visible.select_related("unit").order_by("name", "pk")}
        fields = (
            FormField.objects.filter(
                version__form_id__in=list(self.report_forms),
                version__published_at__isnull=False,
                kind__in=NUMERIC_KINDS,
            )
            .order_by("version__form_id", "code", "-version__number")
            .values_list("version__form_id", "code", "label")
        )
        choices = {}
        for form_id, code, label in fields:  # the latest published version's label of each code
            key = f"{form_id}:{code}"
            if key not in choices:
                choices[key] = f"{self.report_forms[form_id].name} · {label}（{code}）"
        self.fields["field"].choices = [("", "---------"), *sorted(choices.items(), key=lambda item: item[1])]

    def clean(self):
        data = super().clean()
        choice = data.pop("field", None)
        if choice:
            form_id, code = choice.split(":", 1)
            data["form"], data["field_code"] = self.report_forms[int(form_id)], code
        return data


class FormIndicatorEditForm(FormIndicatorForm):
    """The same on edit, and the active flag; the form and field left unchosen stay as they are."""

    is_active = forms.BooleanField(label=_("active"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].required = False
