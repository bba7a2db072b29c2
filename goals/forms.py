from django import forms
from django.utils.translation import gettext_lazy as _

from . import bases, services
from . import indicators as registry


class TargetForm(forms.Form):
    indicator = forms.ChoiceField(label=_("indicator"), choices=())
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    value = forms.DecimalField(label=_("target value"), min_value=0, max_digits=16, decimal_places=2)
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The indicators whose target fits the scope's level (all of them when no level is given).
        self.fields["indicator"].choices = [
            (i.key, i.name) for i in registry.all_indicators() if kind is None or i.targets_at(kind)
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
