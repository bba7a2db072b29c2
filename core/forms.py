"""Form pieces every app's portal forms share.

`UnitChoiceField`: the choice of an organization unit. Its choices are whatever queryset the form gives it (the
units the user may write, from `accounts.permissions.units_queryset`); when that leaves one possible unit to a
required field, the unit is preselected and drawn as read-only text with a hidden input (`OnlyChoiceSelect`), so a
village secretary never has to pick their own village. The value posted is still checked against the queryset.
"""

from django import forms
from django.utils.html import format_html


def unit_label(unit) -> str:
    return f"{unit.name}（{unit.code}）"


class OnlyChoiceSelect(forms.Select):
    """A select that becomes read-only text (and a hidden input) when a required field has exactly one choice.

    The choices are read once (one query, as the plain select), whether or not they collapse."""

    def render(self, name, value, attrs=None, renderer=None):
        # iter(): list() would ask a ModelChoiceIterator its len(), a COUNT query besides the one that reads.
        options = list(iter(self.choices))
        choices = [(key, label) for key, label in options if key not in ("", None)]
        if self.is_required and len(choices) == 1:
            key, label = choices[0]
            final = self.build_attrs(self.attrs, attrs)
            return format_html(
                '<input type="hidden" name="{}" value="{}" id="{}"><p class="field-static" data-only-choice>{}</p>',
                name,
                str(key),
                final.get("id", ""),
                label,
            )
        self.choices = options  # the options read above, not read again
        return super().render(name, value, attrs, renderer)


class UnitChoiceField(forms.ModelChoiceField):
    """An organization unit among the form's queryset, labelled "name（code）"; a lone unit is preselected."""

    widget = OnlyChoiceSelect

    def __init__(self, queryset=None, **kwargs):
        # The form sets the queryset (the user's units) in its __init__; core does not import organizations.
        super().__init__(queryset, **kwargs)

    def label_from_instance(self, obj):
        return unit_label(obj)
