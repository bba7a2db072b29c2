from django import forms
from django.utils.translation import gettext_lazy as _

from . import indicators as registry


class TargetForm(forms.Form):
    indicator = forms.ChoiceField(label=_("indicator"), choices=())
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    value = forms.DecimalField(label=_("target value"), min_value=0, max_digits=16, decimal_places=2)
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = registry.choices()
