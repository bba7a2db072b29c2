from django import forms
from django.utils.translation import gettext_lazy as _

from core.fields import FormDateField
from core.forms import UnitChoiceField
from core.params import INT_MAX

from .models import PartyOrganization, UnitKind


class UnitForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    code = forms.CharField(
        label=_("code"), max_length=32, help_text=_("The stable external code other government systems use.")
    )
    kind = forms.ChoiceField(label=_("kind"), choices=UnitKind.choices)
    sort_order = forms.IntegerField(label=_("sort order"), min_value=0, max_value=INT_MAX, initial=0, required=False)

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()


class UnitCreateForm(UnitForm):
    party_org_name = forms.CharField(label=_("party organization name"), max_length=150, required=False)


class UnitMoveForm(forms.Form):
    parent = UnitChoiceField(label=_("new parent unit"))

    def __init__(self, *args, parent_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parent_queryset


class PartyOrganizationForm(forms.ModelForm):
    class Meta:
        model = PartyOrganization
        fields = ["name", "org_type", "founded_on", "status", "rectification_started_on", "rectified_on"]
        widgets = {
            "founded_on": forms.DateInput(attrs={"type": "date"}),
            "rectification_started_on": forms.DateInput(attrs={"type": "date"}),
            "rectified_on": forms.DateInput(attrs={"type": "date"}),
        }
        field_classes = dict.fromkeys(["founded_on", "rectification_started_on", "rectified_on"], FormDateField)
