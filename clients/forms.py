from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.permissions import CHANGE, units_queryset
from core.api.scopes import SCOPES
from core.forms import UnitChoiceField

from .models import SystemClient
from .services import MAX_RATE


class SystemClientForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    contact_person = forms.CharField(label=_("contact person"), max_length=50)
    contact_phone = forms.CharField(label=_("contact phone"), max_length=30, required=False)
    contact_email = forms.EmailField(label=_("contact e-mail"), required=False)
    unit = UnitChoiceField(
        label=_("organization unit"), help_text=_("The client sees and changes only this unit's subtree.")
    )
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=list(SCOPES.items()), widget=forms.CheckboxSelectMultiple, required=False
    )
    rate_limit = forms.IntegerField(
        label=_("rate limit (requests a minute)"),
        min_value=1,
        max_value=MAX_RATE,
        required=False,
        help_text=_("Empty: the portal's default."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_queryset(user, SystemClient, CHANGE)


class SystemClientEditForm(SystemClientForm):
    """The registration's fields but the unit: a client keeps the unit it was registered at."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        del self.fields["unit"]
