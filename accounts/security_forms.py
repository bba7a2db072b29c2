"""Forms of the login, second-factor and password pages."""

import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from .auth import is_service_account, login_refused
from .errors import ErrorCode

PHONE = re.compile(r"^1[3-9]\d{9}$")


class PortalLoginForm(AuthenticationForm):
    """Django's login form (django-axes counts its failures); external systems' accounts are refused."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "service_account": _("External-system accounts cannot log into the portal; they use their API token."),
    }

    def clean_username(self):
        """A mobile phone typed with spaces, dashes or +86 is the login it names (a woodpecker's login is the bare
        11-digit number: grid_woodpecker.services.signup)."""
        username = self.cleaned_data.get("username") or ""
        compact = re.sub(r"[\s-]", "", username)
        compact = compact.removeprefix("+86")
        return compact if PHONE.match(compact) else username

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if is_service_account(user):
            login_refused(self.request, username=user.get_username(), reason="service_account")
            raise forms.ValidationError(self.error_messages["service_account"], code=ErrorCode.SERVICE_ACCOUNT)


class OTPVerifyForm(forms.Form):
    """The second step of a login: a code from the authenticator app or one of the backup codes."""

    token = forms.CharField(
        label=_("Verification code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class OTPEnrolForm(forms.Form):
    token = forms.CharField(
        label=_("The 6-digit code the app shows"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PortalPasswordChangeForm(PasswordChangeForm):
    """Django's password change form: the old password, and the new one through every validator (the staff rule
    included)."""
