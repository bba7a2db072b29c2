"""What of a person's personal data a user may see: the one place serializers, pages and exports ask.

A person's full birth date and gender (and, through the logged reveal, the full ID number and phone) are shown to
the roles that hold REVEAL on the person (`Person.scope_actions`: organization-department and township staff, and
the secretary of the person's own unit, each in their subtree). Everyone else sees the masked ID number
(`mask_id_number`: first and last character), the masked phone (138****5678) and an age band computed here on
the server, never the birth date or gender, so nothing they see rebuilds the number (docs/security.md).
"""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import REVEAL, units_for

# The lower bounds of the age bands (years): under 18, 18-29, 30-39, 40-49, 50-59, 60 and over.
AGE_BANDS = (18, 30, 40, 50, 60)


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def age_band(birth: date | None, on: date | None = None) -> str:
    """'30-39岁': the ten-year band (18-29 for the youngest adults) the person's age falls in today."""
    if birth is None:
        return ""
    age = age_on(birth, on or timezone.localdate())
    if age < AGE_BANDS[0]:
        return _("under %(age)d") % {"age": AGE_BANDS[0]}
    if age >= AGE_BANDS[-1]:
        return _("%(age)d and over") % {"age": AGE_BANDS[-1]}
    low = max(b for b in AGE_BANDS if b <= age)
    high = min(b for b in AGE_BANDS if b > age) - 1
    return _("%(low)d-%(high)d years") % {"low": low, "high": high}


def _unit_path(user, person) -> str:
    cached = person.__dict__.get("unit_path")  # the row's cached unit path (Person.scope_path_cache)
    if cached:
        return cached
    unit = person._state.fields_cache.get("unit")
    if unit is not None:
        return unit.path
    # A list whose people were loaded without their unit asks once per unit, not once per row.
    cache = user.__dict__.setdefault("_person_unit_paths", {})
    if person.unit_id not in cache:
        unit_model = person._meta.get_field("unit").related_model
        cache[person.unit_id] = unit_model.objects.only("path").get(pk=person.unit_id).path
    return cache[person.unit_id]


def sees_personal_data(user, person) -> bool:
    """Whether `user` may see `person`'s birth date and gender (the same answer as `can(user, REVEAL, person)`,
    from the user's cached scope paths so a list page asks once)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    paths = units_for(user, type(person), REVEAL)
    if not paths:
        return False
    if paths == [""]:
        return True
    path = _unit_path(user, person)
    return any(path.startswith(p) for p in paths)


def person_facts(user, person) -> dict:
    """The birth date and gender `user` may see (None when masked) and the age band everybody sees."""
    visible = sees_personal_data(user, person)
    return {
        "visible": visible,
        "gender": person.gender if visible else None,
        "gender_display": person.get_gender_display() if visible else "",
        "birth_date": person.birth_date if visible else None,
        "age_band": age_band(person.birth_date),
    }
