from decimal import Decimal

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from core.forms import UnitChoiceField

from .models import DevelopmentModel, Project

MONEY_ATTRS = {"inputmode": "decimal", "step": "0.01", "min": "0"}


def money_field(label, required=True):
    return forms.DecimalField(
        label=label,
        max_digits=14,
        decimal_places=2,
        required=required,
        min_value=Decimal("0"),
        widget=forms.NumberInput(attrs=MONEY_ATTRS),
        error_messages={"min_value": _("The amount cannot be negative.")},
    )


class IncomeReportForm(forms.Form):
    """The secretary's yearly report: only what the system cannot already know."""

    total_income = money_field(_("total collective income (yuan)"))
    operating_income = money_field(_("operating income (yuan)"))
    income_sources = forms.CharField(
        label=_("income sources"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    development_model = forms.ChoiceField(label=_("development model"), choices=DevelopmentModel.choices)
    assets = money_field(_("assets at year end (yuan)"))
    debt = money_field(_("debt at year end (yuan)"))


class IncomeReportSubmitForm(IncomeReportForm):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)

    field_order = ["year"]


class IncomeCorrectionForm(IncomeReportForm):
    correction_reason = forms.CharField(
        label=_("reason for the correction"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500
    )


class SendBackForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for sending back"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500
    )


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["name", "development_model", "investment", "partners", "status", "start_year", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "investment": forms.NumberInput(attrs=MONEY_ATTRS)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].max_length = 2000  # a TextField: the bound is the form's
        self.fields["description"].validators.append(MaxLengthValidator(2000))


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)


class ScoreForm(forms.Form):
    project = forms.ModelChoiceField(label=_("project"), queryset=Project.objects.none())
    score = forms.DecimalField(label=_("score"), min_value=0, max_value=100, decimal_places=2)
    comment = forms.CharField(label=_("comment"), required=False, max_length=300)

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["project"].label_from_instance = lambda p: f"{p.village.name} · {p.name}"


class TargetForm(forms.Form):
    unit = UnitChoiceField(label=_("scope"))
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100, required=False)
    threshold = forms.DecimalField(
        label=_("income threshold (yuan)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"), required=False
    )
    target_share = forms.DecimalField(
        label=_("target share (%)"), max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False
    )
    jingzhou_defaults = forms.BooleanField(
        label=_("Apply the Jingzhou defaults instead (over 200,000 yuan: 50% / 60% / 70% for 2022 / 2023 / 2024)"),
        required=False,
    )

    def __init__(self, *args, scopes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scopes

    def clean(self):
        data = super().clean()
        if not data.get("jingzhou_defaults"):
            for name in ("year", "threshold", "target_share"):
                if data.get(name) in (None, ""):
                    self.add_error(name, _("This field is required."))
        return data
