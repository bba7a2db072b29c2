from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Event
from .sms import normalize_phone


class PreferenceForm(forms.Form):
    sms = forms.BooleanField(label=_("by SMS"), required=False)
    wechat = forms.BooleanField(label=_("by WeChat"), required=False)
    events = forms.MultipleChoiceField(
        label=_("Send these by SMS or WeChat"),
        choices=Event.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    mobile = forms.CharField(
        label=_("mobile phone"), required=False, max_length=20, help_text=_("Leave empty to keep the number kept.")
    )
    wechat_openid = forms.CharField(label=_("WeChat OpenID"), required=False, max_length=64)

    def clean_mobile(self):
        value = self.cleaned_data["mobile"].strip()
        if not value:
            return ""
        try:
            return normalize_phone(value)
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc

    def clean(self):
        data = super().clean()
        if data.get("sms") and not (data.get("mobile") or self.initial.get("has_mobile")):
            self.add_error("mobile", _("Give a mobile phone number to receive SMS."))
        if data.get("wechat") and not data.get("wechat_openid"):
            self.add_error("wechat_openid", _("Give your WeChat OpenID to receive WeChat messages."))
        return data
