from decimal import Decimal

from django import forms
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.permissions import CHANGE, VIEW, units_queryset
from cadres.forms import unit_field
from cadres.validators import normalize_mobile
from core.fields import FormDateField, FormDateTimeField
from core.forms import UnitChoiceField
from core.params import ID_MAX
from organizations.models import COUNTY_LEVEL, TOWNSHIP_LEVEL, VILLAGE_LEVEL, OrganizationUnit

from . import selectors
from .attributes import CODE, LISTS, MAX_STRING, MAX_VALUES
from .models import Clue, ClueCategory, Rating, Station, StationKind, WoodpeckerGroup
from .photos import MAX_PHOTOS
from .selectors import departments_for
from .services.common import DEPARTMENT_KINDS, categories_for
from .services.stations import STOCK_ADJUST_LIMIT


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


def _phone_input():
    return forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel", "maxlength": 14})


def _code_input():
    return forms.TextInput(
        attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6, "pattern": "[0-9]{6}"}
    )


class PhoneForm(forms.Form):
    """The first step of signing up or resetting a password: the number the code is sent to."""

    phone = forms.CharField(label=_("Mobile phone"), max_length=20, widget=_phone_input())


class SignupUnitField(forms.ChoiceField):
    """A select over a list of units (`selectors.signup_units`); cleans to the unit, or None when empty."""

    def set_units(self, units) -> None:
        self.units = {str(unit.pk): unit for unit in units}
        self.choices = [("", _("Choose…")), *((str(unit.pk), getattr(unit, "label", unit.name)) for unit in units)]

    def clean(self, value):
        value = super().clean(value)
        return self.units.get(value)


class SignupForm(forms.Form):
    """Signing up by phone: the code, the grid (county-level unit → township → village or community → grid, each
    select's choices depending on the one above: filled by the server from the posted or initial values, and by
    static/js/signup.js from `signup_units` without a reload), the name, the password, the group and an optional
    ID number. The county select is there only when the grids span several county-level units (a province's or a
    prefecture's installation); a county's own starts with its townships. The selects carry `data-level` so a
    script can preselect them (a grid proposed from the phone's location)."""

    phone = forms.CharField(label=_("Mobile phone"), max_length=20, widget=_phone_input())
    code = forms.CharField(label=_("SMS verification code"), max_length=6, widget=_code_input())
    county = SignupUnitField(
        label=_("County, county-level city or district"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the listed counties, county-level cities or districts.")},
    )
    township = SignupUnitField(
        label=_("Township or street"),
        required=False,
        error_messages={"invalid_choice": _("Choose a township or street of the chosen county.")},
    )
    community = SignupUnitField(
        label=_("Village or community"),
        required=False,
        error_messages={"invalid_choice": _("Choose a village or community of the chosen township or street.")},
    )
    grid = SignupUnitField(
        label=_("Grid"),
        error_messages={
            "required": _("Choose your grid."),
            "invalid_choice": _("Choose a grid of the chosen village or community."),
        },
    )
    name = forms.CharField(label=_("Name"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    group = forms.ChoiceField(label=_("Group"), choices=WoodpeckerGroup.choices, initial=WoodpeckerGroup.RESIDENT)
    id_number = forms.CharField(
        label=_("Resident ID number"),
        max_length=18,
        required=False,
        help_text=_("Optional: woodpeckers need none."),
    )
    password = forms.CharField(
        label=_("Password"),
        min_length=8,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits; you log in with your phone number and this password."),
    )

    LEVELS = ("county", "township", "community", "grid")

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = units or selectors.signup_units
        source = self.data if self.is_bound else self.initial
        top = units(None)
        if not any(unit.kind in COUNTY_LEVEL for unit in top):
            del self.fields["county"]  # one county-level unit: the chooser starts with its townships
        self.levels = [name for name in self.LEVELS if name in self.fields]
        parent = None
        for level, name in enumerate(self.levels):
            field = self.fields[name]
            field.set_units(top if level == 0 else units(parent) if parent is not None else [])
            field.widget.attrs.update({"data-level": name})
            chosen = str(source.get(name) or "")
            parent = field.units.get(chosen)

    def clean(self):
        """The grid must lie under every unit chosen above it (the choices already ensure it; checked again here so
        a grid never passes under another county or township than the one shown)."""
        data = super().clean()
        grid = data.get("grid")
        if grid is not None:
            for name in self.levels[:-1]:
                above = data.get(name)
                if above is None or not grid.path.startswith(above.path):
                    field = self.fields[name]
                    self.add_error("grid", _("The grid is not under the chosen %(level)s.") % {"level": field.label})
                    break
        return data

    def chosen(self, name):
        """The unit chosen at a level as the page stands (None when none or not one of the choices)."""
        if name not in self.fields:
            return None
        source = self.data if self.is_bound else self.initial
        return self.fields[name].units.get(str(source.get(name) or ""))


class PasswordResetForm(forms.Form):
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, widget=_phone_input())
    code = forms.CharField(label=_("SMS verification code"), max_length=6, widget=_code_input())
    password = forms.CharField(
        label=_("New password"),
        min_length=8,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


def coordinate_field(label, bound: int, placeholder: str) -> forms.DecimalField:
    """An optional latitude (bound 90) or longitude (bound 180) in degrees, 6 decimals, typed on a phone."""
    return forms.DecimalField(
        label=label,
        max_digits=9,
        decimal_places=6,
        min_value=-bound,
        max_value=bound,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal", "placeholder": placeholder}),
    )


class ClueForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=None)
    description = forms.CharField(
        label=_("What is the problem?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    building = forms.ModelChoiceField(label=_("Building"), queryset=None, required=False)
    address = forms.CharField(label=_("Address or landmark"), max_length=200, required=False)
    latitude = coordinate_field(_("Latitude"), 90, "30.123456")
    longitude = coordinate_field(_("Longitude"), 180, "112.123456")
    task = forms.ModelChoiceField(label=_("Inspection task"), queryset=None, required=False)
    photos = MultiplePhotoField(
        label=_("Photos"),
        help_text=_("Take them with the camera or choose them from the album; up to %(n)d photos.") % {"n": MAX_PHOTOS},
    )

    # The optional place by coordinates, drawn together under the "Use my location" button (clue_form.html).
    LOCATION = ("latitude", "longitude")

    def __init__(self, *args, categories=None, buildings=None, tasks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["building"].queryset = buildings
        self.fields["task"].queryset = tasks
        if not tasks.exists():  # no open inspection task in the grid: nothing to choose
            del self.fields["task"]

    def what_fields(self):
        return [self[name] for name in ("category", "description", "photos")]

    def where_fields(self):
        return [self[name] for name in ("address", "building") if name in self.fields]

    def location_fields(self):
        return [self[name] for name in self.LOCATION]

    def other_fields(self):
        return [self[name] for name in ("task",) if name in self.fields]


class ClueActionForm(forms.Form):
    """The form of one action on a clue (`clue_actions.CLUE_ACTIONS`), built for the clue and the user: its
    `arguments()` are the keyword arguments the action's service takes beside `clue` and `actor`."""

    def __init__(self, *args, clue, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.clue, self.user = clue, user

    def arguments(self) -> dict:
        return dict(self.cleaned_data)


class PhotoWithdrawForm(ClueActionForm):
    """One of the clue's own photos (another clue's is not found: 404)."""

    photo = forms.IntegerField(label=_("Photo"), min_value=1, max_value=ID_MAX)

    def arguments(self) -> dict:
        photo = self.clue.photos.filter(pk=self.cleaned_data["photo"]).first()
        if photo is None:
            raise Http404
        return {"photo": photo}


class PhotoClearForm(PhotoWithdrawForm):
    confirmed = forms.BooleanField(
        label=_("Checked: no face and no personal information; it may be made public"), required=False
    )

    def arguments(self) -> dict:
        return {**super().arguments(), "confirmed": self.cleaned_data["confirmed"]}


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


# --- stations, goods and clue categories, kept by staff in the portal (config_views) -------------------------------

# Where a station stands, and where a category is configured (a city's categories serve all its grids).
STATION_UNIT_KINDS = (*TOWNSHIP_LEVEL, *VILLAGE_LEVEL)
CATEGORY_UNIT_KINDS = (*COUNTY_LEVEL, *TOWNSHIP_LEVEL)


class StationEditForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    kind = forms.ChoiceField(label=_("kind"), choices=StationKind.choices)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    services = forms.CharField(label=_("services offered"), max_length=200, required=False)
    latitude = coordinate_field(_("Latitude"), 90, "29.723456")
    longitude = coordinate_field(_("Longitude"), 180, "112.403456")
    is_active = forms.BooleanField(
        label=_("open"), required=False, help_text=_("A closed station keeps its goods and redemptions.")
    )


def _units(user, model, kinds):
    """The units where `user` may create records of `model` (the permission path), of the kinds offered."""
    return units_queryset(user, model, CHANGE).filter(kind__in=kinds, is_active=True).order_by("path")


class StationForm(StationEditForm):
    unit = unit_field()

    field_order = ("unit", "name", "kind", "address", "services", "latitude", "longitude")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user, Station, STATION_UNIT_KINDS)
        del self.fields["is_active"]  # a new station is open


class GoodsEditForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    price_yuan = forms.DecimalField(label=_("price (yuan)"), min_value=Decimal("0.01"), max_digits=8, decimal_places=2)
    is_active = forms.BooleanField(
        label=_("on offer"), required=False, help_text=_("Goods taken off the shelf keep their redemptions.")
    )


class GoodsForm(GoodsEditForm):
    station = forms.ModelChoiceField(label=_("station"), queryset=Station.objects.none())
    stock = forms.IntegerField(label=_("stock"), min_value=0, max_value=STOCK_ADJUST_LIMIT, initial=0)

    field_order = ("station", "name", "price_yuan", "stock")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["is_active"]  # new goods are on offer
        stations = Station.objects.restrict(user, CHANGE).filter(is_active=True).select_related("unit")
        self.fields["station"].queryset = stations.order_by("unit__path", "name", "id")
        self.fields["station"].label_from_instance = lambda station: f"{station.name}（{station.unit.name}）"


class CategoryEditForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=50)
    deadline_days = forms.IntegerField(label=_("deadline (days)"), min_value=1, max_value=365, initial=7)
    default_department = UnitChoiceField(
        label=_("default department"), queryset=OrganizationUnit.objects.none(), required=False
    )
    is_active = forms.BooleanField(
        label=_("in use"),
        required=False,
        help_text=_("A retired category keeps its clues; no new clue is filed in it."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_department"].queryset = _units(user, ClueCategory, DEPARTMENT_KINDS)


class CategoryForm(CategoryEditForm):
    unit = unit_field(_("configured for"))
    code = forms.SlugField(label=_("code"), max_length=32, help_text=_("Letters, digits and hyphens; unique per unit."))

    field_order = ("unit", "code", "name", "deadline_days", "default_department")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["unit"].queryset = _units(user, ClueCategory, CATEGORY_UNIT_KINDS)
        del self.fields["is_active"]  # a new category is in use


# --- a category's questions (Open311 service attributes), one at a time (config_views.question_form) ---------------

DATATYPE_CHOICES = (
    ("string", _("Short text (string)")),
    ("text", _("Long text (text)")),
    ("number", _("Number (number)")),
    ("datetime", _("Date and time (datetime)")),
    ("singlevaluelist", _("One choice (singlevaluelist)")),
    ("multivaluelist", _("Several choices (multivaluelist)")),
)


class QuestionForm(forms.Form):
    """One question of a category: what the Open311 service definition shows as an attribute. `taken`: the codes
    of the category's other questions (a duplicate is refused on the code)."""

    code = forms.RegexField(
        label=_("code"),
        regex=CODE,
        max_length=32,
        error_messages={"invalid": _("The code is 1 to 32 letters, digits, hyphens or underscores.")},
        help_text=_("The attribute's code for external systems: letters, digits, hyphens or underscores."),
        widget=forms.TextInput(attrs={"autocapitalize": "off", "autocomplete": "off", "spellcheck": "false"}),
    )
    description = forms.CharField(label=_("question"), max_length=MAX_STRING)
    datatype = forms.ChoiceField(label=_("answer type"), choices=DATATYPE_CHOICES, initial="string")
    required = forms.BooleanField(label=_("an answer is required"), required=False)
    order = forms.IntegerField(
        label=_("order"),
        min_value=0,
        max_value=1000,
        help_text=_("Questions are asked by this number, smallest first."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    datatype_description = forms.CharField(
        label=_("hint"),
        max_length=MAX_STRING,
        required=False,
        help_text=_("Optional: how to answer, e.g. the format expected."),
    )

    def __init__(self, *args, taken=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.taken = set(taken)

    def clean_code(self):
        code = self.cleaned_data["code"]
        if code in self.taken:
            raise forms.ValidationError(
                _("The category already has a question with the code %(code)s.") % {"code": code}
            )
        return code


class ChoiceRowForm(forms.Form):
    """One choice of a list question: its code (what the answer stores) and the name shown; both or neither."""

    key = forms.CharField(label=_("choice code"), max_length=32, required=False)
    name = forms.CharField(label=_("choice name"), max_length=100, required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("key")) != bool(data.get("name")):
            raise forms.ValidationError(_("Give both the choice's code and its name, or leave the row empty."))
        return data


class BaseChoiceRows(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        keys = set()
        for row in self.choices():
            if row["key"] in keys:
                raise forms.ValidationError(_("Two choices have the code %(key)s.") % {"key": row["key"]})
            keys.add(row["key"])

    def choices(self) -> list[dict]:
        """The filled rows, in their order, as the stored {"key", "name"}."""
        rows = (form.cleaned_data for form in self.forms if getattr(form, "cleaned_data", None))
        return [{"key": row["key"], "name": row["name"]} for row in rows if row.get("key")]


CHOICE_ROWS_PREFIX = "values"
CHOICE_ROWS_EXTRA = 3


def choice_rows(data=None, initial=None, extra=CHOICE_ROWS_EXTRA):
    """The rows of a list question's choices: the given ones and `extra` empty rows (up to MAX_VALUES)."""
    extra = max(0, min(extra, MAX_VALUES - len(initial or [])))
    formset = forms.formset_factory(
        ChoiceRowForm,
        formset=BaseChoiceRows,
        extra=extra,
        max_num=MAX_VALUES,
        validate_max=True,
        absolute_max=MAX_VALUES,
    )
    return formset(data, initial=initial, prefix=CHOICE_ROWS_PREFIX)


def is_list(datatype: str) -> bool:
    return datatype in LISTS
