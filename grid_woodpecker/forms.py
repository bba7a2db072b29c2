from django import forms
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.permissions import VIEW
from cadres.validators import normalize_mobile
from core.fields import FormDateField, FormDateTimeField
from core.forms import UnitChoiceField
from core.params import ID_MAX

from .models import Clue, ClueCategory, Rating, WoodpeckerGroup
from .photos import MAX_PHOTOS
from .selectors import departments_for
from .services.common import categories_for


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input; each is checked by the service (content, size, metadata)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultiplePhotoField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class RegisterForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = forms.CharField(label=_("Resident ID number"), max_length=18)
    mobile = forms.CharField(label=_("Mobile phone"), max_length=20)
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=None)
    group = forms.ChoiceField(label=_("Group"), choices=WoodpeckerGroup.choices)
    username = forms.CharField(label=_("Login name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, min_length=8, max_length=128)

    def __init__(self, *args, grids=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids


class ClueForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=None)
    description = forms.CharField(
        label=_("What is the problem?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    building = forms.ModelChoiceField(label=_("Building"), queryset=None, required=False)
    address = forms.CharField(label=_("Address or landmark"), max_length=200, required=False)
    latitude = forms.DecimalField(
        label=_("Latitude"),
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        required=False,
        widget=forms.HiddenInput,
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
        widget=forms.HiddenInput,
    )
    task = forms.ModelChoiceField(label=_("Inspection task"), queryset=None, required=False)
    photos = MultiplePhotoField(label=_("Photos"), help_text=_("Up to %(n)d photos.") % {"n": MAX_PHOTOS})

    def __init__(self, *args, categories=None, buildings=None, tasks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["building"].queryset = buildings
        self.fields["task"].queryset = tasks


class ClueActionForm(forms.Form):
    """The form of one action on a clue (`clue_actions.CLUE_ACTIONS`), built for the clue and the user: its
    `arguments()` are the keyword arguments the action's service takes beside `clue` and `actor`."""

    def __init__(self, *args, clue, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.clue, self.user = clue, user

    def arguments(self) -> dict:
        return dict(self.cleaned_data)


class NoteForm(ClueActionForm):
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class RejectForm(ClueActionForm):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class MergeForm(ClueActionForm):
    duplicate_of = forms.IntegerField(label=_("Number of the earlier clue"), min_value=1, max_value=ID_MAX)

    def arguments(self) -> dict:
        # The earlier clue is looked up inside the user's own view scope: one outside it is a 404, like any other.
        original = Clue.objects.restrict(self.user, VIEW).filter(pk=self.cleaned_data["duplicate_of"]).first()
        if original is None:
            raise Http404
        return {"original": original}


class DispatchForm(ClueActionForm):
    department = UnitChoiceField(label=_("Department"))
    deadline = FormDateTimeField(
        label=_("Deadline"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, clue, user, **kwargs):
        kwargs.setdefault("initial", {"department": clue.category.default_department_id})
        super().__init__(*args, clue=clue, user=user, **kwargs)
        self.fields["department"].queryset = departments_for(clue.grid)


class RecategorizeForm(ClueActionForm):
    category = forms.ModelChoiceField(label=_("Category"), queryset=ClueCategory.objects.none())

    def __init__(self, *args, clue, user, **kwargs):
        kwargs.setdefault("initial", {"category": clue.category_id})
        super().__init__(*args, clue=clue, user=user, **kwargs)
        self.fields["category"].queryset = ClueCategory.objects.filter(pk__in=[c.pk for c in categories_for(clue.grid)])


class ResolveForm(ClueActionForm):
    resolution = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    photos = MultiplePhotoField(label=_("Photos"))


class RateForm(ClueActionForm):
    rating = forms.ChoiceField(label=_("Are you satisfied?"), choices=Rating.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Why not?"), required=False, max_length=300)


class TaskForm(forms.Form):
    grid = UnitChoiceField(label=_("Grid"))
    title = forms.CharField(label=_("Title"), max_length=100)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )
    starts_on = FormDateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = FormDateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, grids=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids


class DeactivateForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class RedeemForm(forms.Form):
    """The confirmation of a redemption: the key drawn when the page was shown, so a second POST of the same
    page (a double tap, a reload) answers with the first redemption instead of spending again."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100, required=False)


class PickupCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Pickup code"),
        max_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{6}", "placeholder": "000000"}
        ),
    )


class PhoneLookupForm(forms.Form):
    phone = forms.CharField(
        label=_("The woodpecker's mobile phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    def clean_phone(self):
        return normalize_mobile(self.cleaned_data["phone"])


class StockAdjustForm(forms.Form):
    delta = forms.IntegerField(
        label=_("Add (+) or take away (−)"), min_value=-10_000, max_value=10_000, widget=forms.NumberInput()
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)
