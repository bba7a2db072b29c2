"""Forms of the accounts pages. Role choices show only what the user may grant; a posted role beyond the ladder is
refused by the service with its message (the forms accept every role so that the refusal says why)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import UnitChoiceField

from .models import RoleAssignment, User
from .permissions import GRANT, grantable_roles, units_queryset
from .roles import Role


class RoleFields(forms.Form):
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    unit: forms.ModelChoiceField = UnitChoiceField(label=_("organization unit"))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = set(grantable_roles(actor))
        self.fields["role"].widget.choices = [("", "---------")] + [
            (value, label) for value, label in Role.choices if value in allowed
        ]
        self.fields["unit"].queryset = units_queryset(actor, RoleAssignment, GRANT).order_by("path")


class GrantForm(RoleFields):
    pass


class AccountCreateForm(RoleFields):
    username = forms.CharField(label=_("login name"), max_length=150)
    display_name = forms.CharField(label=_("display name"), max_length=50, required=False)
    email = forms.EmailField(label=_("email address"), required=False)
    field_order = ["username", "display_name", "email", "role", "unit"]


class AccountEditForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "email"]


class AccountSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(
        required=False, choices=[("", ""), ("active", _("Active")), ("inactive", _("Deactivated"))]
    )
