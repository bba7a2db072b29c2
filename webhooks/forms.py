from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts.permissions import CHANGE, units_queryset
from accounts.roles import Role

from .models import EventType, Subscription


class SubscriptionForm(forms.Form):
    account = forms.ModelChoiceField(label=_("service account"), queryset=get_user_model().objects.none())
    url = forms.CharField(label=_("endpoint URL"), max_length=500, help_text=_("The endpoint URL (https://)."))
    event_types = forms.MultipleChoiceField(
        label=_("event types"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = units_queryset(user, Subscription, CHANGE)
        self.fields["account"].queryset = (
            get_user_model()
            .objects.filter(
                is_active=True, role_assignments__role=Role.EXTERNAL_SYSTEM, role_assignments__unit__in=units
            )
            .distinct()
            .order_by("username")
        )
