from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import CHANGE, units_queryset
from core.fields import FormDateField
from core.forms import UnitChoiceField
from core.params import INT_MAX

from .models import (
    COUNTY_LEVEL,
    TOWNSHIP_LEVEL,
    VILLAGE_LEVEL,
    DemonstrationTitle,
    DemonstrationTitleKind,
    OrganizationUnit,
    PartyOrganization,
    UnitKind,
)


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


# The units whose party organizations hold titles: the county level, the township level and villages and communities.
TITLE_UNIT_KINDS = (*COUNTY_LEVEL, *TOWNSHIP_LEVEL, *VILLAGE_LEVEL)


class DemonstrationTitleEditForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=1921, max_value=2100)
    title = forms.ChoiceField(label=_("demonstration title"), choices=DemonstrationTitleKind.choices)


class DemonstrationTitleForm(DemonstrationTitleEditForm):
    """A title granted to the party organization of a unit where the user may grant titles."""

    unit = forms.ModelChoiceField(label=_("organization unit"), queryset=OrganizationUnit.objects.none())

    field_order = ("unit", "title", "year")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = units_queryset(user, DemonstrationTitle, CHANGE).filter(
            kind__in=TITLE_UNIT_KINDS, is_active=True, party_org__isnull=False
        )
        self.fields["unit"].queryset = units.order_by("path")
        self.fields["unit"].label_from_instance = lambda unit: f"{unit.name}（{unit.code}）"
        self.fields["year"].initial = timezone.localdate().year


class BoundaryImportForm(forms.Form):
    file = forms.FileField(
        label=_("GeoJSON file"),
        help_text=_(
            "A FeatureCollection of the units under this one, matched by division code or name, or one outline for "
            "this unit. Coordinates are longitude and latitude in degrees."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,application/geo+json,application/json"}),
    )
