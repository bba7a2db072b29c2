"""The forms of the import pages: upload, column mapping, amount unit, confirmation."""

from django import forms
from django.utils.translation import gettext_lazy as _

UNIT_CHOICES = (("yuan", _("yuan (元)")), ("wan", _("ten thousand yuan (万元)")))


class UploadForm(forms.Form):
    file = forms.FileField(label=_("spreadsheet (.xlsx, .xls or .csv)"))


class MappingForm(forms.Form):
    """A select per required column the reader did not recognise, offering the sheet's headers."""

    remember = forms.BooleanField(label=_("Use this mapping next time"), required=False, initial=True)

    def __init__(self, *args, spec, headers, missing, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(str(i), text or _("column %(n)d") % {"n": i + 1}) for i, text in enumerate(headers)]
        for column in spec.columns:
            if column.key in missing:
                self.fields[f"col_{column.key}"] = forms.TypedChoiceField(
                    label=column.label, choices=choices, coerce=int, required=True
                )
        self.order_fields([name for name in self.fields if name != "remember"] + ["remember"])

    def mapping(self) -> dict[str, int]:
        return {name[4:]: value for name, value in self.cleaned_data.items() if name.startswith("col_")}


class UnitForm(forms.Form):
    amount_unit = forms.ChoiceField(label=_("unit of the amounts"), choices=UNIT_CHOICES, widget=forms.RadioSelect)


class ConfirmForm(forms.Form):
    valid_only = forms.BooleanField(label=_("Import only the valid rows"), required=False)
    update_existing = forms.BooleanField(label=_("Update existing records"), required=False)
    warnings_confirmed = forms.BooleanField(label=_("I have checked the warnings above"), required=False)

    def __init__(self, *args, job, importer, **kwargs):
        super().__init__(*args, **kwargs)
        self.job = job
        if not importer.can_update:
            del self.fields["update_existing"]
        if not job.counts.get("invalid"):
            del self.fields["valid_only"]
        if not job.preview.get("warnings"):
            del self.fields["warnings_confirmed"]
        else:
            self.fields["warnings_confirmed"].required = True
