"""The person picker: a registered person is chosen by name inside the user's jurisdiction, never by retyping an
ID number (pages show ID numbers masked, so nobody could copy one).

The form posts the chosen person's id; `PersonPickerField.clean` looks it up again through
`Person.objects.restrict(user)` (an id outside the scope is a field error, never a person). Without JavaScript the
widget is a search box and a 搜索 button: the form comes back with the people whose name matches as radio buttons
(namesakes told apart by their masked ID number and unit) and nothing else is checked. With JavaScript
(`static/js/person_picker.js`) the same radio list fills as one types, from `cadres:person_search`.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from . import selectors


def person_option(person) -> dict:
    """What the picker shows of a person: never the ID number or the phone, only their masked forms' safe part."""
    return {
        "id": person.pk,
        "name": person.name,
        "id_number": person.id_number_masked,
        "unit": person.unit.name if person.unit_id else "",
    }


class PersonPicker(forms.Widget):
    """Posts `<name>` (the person's id, a checked radio), `<name>_q` (the name searched) and `<name>_search`
    (the search button, when it was pressed)."""

    def __init__(self, attrs=None, multiple=False):
        super().__init__(attrs)
        self.user = None
        self.multiple = multiple

    def value_from_datadict(self, data, files, name):
        ids = data.getlist(name) if hasattr(data, "getlist") else [data.get(name, "")]
        return {
            "ids": [i for i in ids if i][: selectors.PICKER_LIMIT],
            "q": (data.get(f"{name}_q") or "")[:50],
            "search": bool(data.get(f"{name}_search")),
        }

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_q" not in data

    def id_for_label(self, id_):
        return f"{id_}_q" if id_ else id_

    def _options(self, value):
        """(options, checked ids): the people chosen first (kept checked by a new search of a multiple picker),
        then the people matching the search."""
        if self.user is None:
            return [], set()
        if isinstance(value, dict):
            ids, query, searching = value.get("ids", []), value.get("q", ""), value.get("search")
        else:
            ids, query, searching = ([getattr(value, "pk", value)] if value else []), "", False
        if searching and not self.multiple:
            ids = []
        chosen = selectors.people_for_picker_by_ids(user=self.user, ids=ids)
        options = [person_option(person) for person in chosen]
        checked = {o["id"] for o in options}
        for person in selectors.people_for_picker(user=self.user, query=query):
            if person.pk not in checked:
                options.append(person_option(person))
        return options, checked

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        id_ = final.get("id", f"id_{name}")
        query = value.get("q", "") if isinstance(value, dict) else ""
        options, checked = self._options(value)
        kind = "checkbox" if self.multiple else "radio"
        radios = format_html_join(
            "",
            '<label class="picker-option"><input type="{}" name="{}" value="{}"{}> <span class="picker-name">{}'
            '</span> <small class="muted">{} · {}</small></label>',
            (
                (kind, name, o["id"], " checked" if o["id"] in checked else "", o["name"], o["id_number"], o["unit"])
                for o in options
            ),
        )
        empty = "" if options or not query else format_html('<p class="muted">{}</p>', _("Nobody found by this name."))
        return format_html(
            '<div class="person-picker" id="{}" data-person-picker data-kind="{}" data-search-url="{}" data-empty="{}">'
            '<div class="picker-search"><input type="search" name="{}_q" value="{}" id="{}_q" autocomplete="off" '
            'placeholder="{}" enterkeyhint="search">'
            '<button type="submit" name="{}_search" value="1" formnovalidate>{}</button></div>'
            '<div class="picker-results" role="group" aria-label="{}" data-picker-results>{}{}</div></div>',
            id_,
            kind,
            reverse("cadres:person_search"),
            _("Nobody found by this name."),
            name,
            query,
            id_,
            _("Type a name"),
            name,
            _("Search"),
            _("People found"),
            radios,
            empty,
        )


class PersonPickerField(forms.Field):
    """A registered person in the user's jurisdiction, chosen by name (the cleaned value is the `Person`; with
    `multiple=True`, a list of people, checked one by one among the results of several searches)."""

    default_error_messages = {
        "required": _("Search by name and choose the person."),
        "search": _("Choose the person among those found."),
        "invalid_choice": _("This person is not in your jurisdiction."),
    }

    def __init__(self, *, multiple=False, **kwargs):
        kwargs.setdefault("label", _("person"))
        kwargs.setdefault("widget", PersonPicker(multiple=multiple))
        super().__init__(**kwargs)
        self.user = None
        self.multiple = multiple

    def bind(self, user):
        self.user = self.widget.user = user

    def clean(self, value):
        value = value if isinstance(value, dict) else {"ids": [value] if value else []}
        if value.get("search"):
            raise ValidationError(self.error_messages["search"], code="search")
        ids = value.get("ids") or []
        if not ids:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return [] if self.multiple else None
        ids = list(dict.fromkeys(ids if self.multiple else ids[:1]))
        people = selectors.people_for_picker_by_ids(user=self.user, ids=ids)
        if len(people) != len(ids):  # an id outside the scope (or not an id): refused, whatever the others
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return people if self.multiple else people[0]

    def has_changed(self, initial, data):
        return bool(data and data.get("ids"))


class PersonPickerMixin:
    """For forms with `PersonPickerField`s: binds them to the user, and when a picker's search button was pressed
    (no JavaScript) shows only that picker's results, not the other fields' errors of an unfinished form."""

    def bind_pickers(self, user):
        for field in self.fields.values():
            if isinstance(field, PersonPickerField):
                field.bind(user)

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or not self._errors:
            return
        searching = {
            name: errors
            for name, errors in self._errors.items()
            if name in self.fields
            and isinstance(self.fields[name], PersonPickerField)
            and any(e.code == "search" for e in errors.as_data())
        }
        if searching:
            self._errors = ErrorDict(searching)
