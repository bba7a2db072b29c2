"""Write use-cases for people (and, as the cadres app grows, members, cadres, reserves and training)."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.roles import Role
from accounts.scoping import VIEW, unit_in_scope
from core import audit, crypto

from .models import Person, PersonalDataReveal
from .validators import normalize_mobile, parse_resident_id

# Roles whose work needs the full ID number or phone (organization work, vetting, contacting a reporter).
REVEAL_ROLES = (Role.ORG_DEPARTMENT, Role.TOWNSHIP_STAFF, Role.SECRETARY)


def person_find_by_id_number(*, id_number: str):
    """The person with this full ID number (exact match through the keyed hash), or None. Not scoped: callers
    use it to refuse duplicates and must not show an out-of-scope result."""
    return Person.objects.filter(id_number_hash=crypto.search_hash(id_number)).first()


@transaction.atomic
def person_create(
    *,
    name: str,
    id_number: str,
    unit,
    actor,
    mobile: str = "",
    gender: str = "",
    birth_date: date | None = None,
    education: str = "",
    employment_type: str = "",
) -> Person:
    """Register a person. Birth date and gender come from the ID number; typed values must agree with it."""
    if actor is not None and not unit_in_scope(actor, unit, VIEW):
        raise PermissionDenied(_("You may not register people outside your jurisdiction."))
    errors = {}
    try:
        number, id_birth, id_gender = parse_resident_id(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages})
    if birth_date and birth_date != id_birth:
        errors["birth_date"] = [_("The birth date does not match the ID number (%(date)s).") % {"date": id_birth}]
    if gender and gender != id_gender:
        errors["gender"] = [_("The gender does not match the ID number.")]
    if mobile:
        try:
            mobile = normalize_mobile(mobile)
        except ValidationError as exc:
            errors["mobile"] = exc.messages
    if person_find_by_id_number(id_number=number):
        errors["id_number"] = [_("A person with this ID number is already registered.")]
    if errors:
        raise ValidationError(errors)
    person = Person(
        name=(name or "").strip(),
        gender=id_gender,
        birth_date=id_birth,
        unit=unit,
        education=education,
        employment_type=employment_type,
    )
    person.set_id_number(number)
    if mobile:
        person.set_mobile(mobile)
    person.full_clean()
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:  # a concurrent registration of the same number won the race
        raise ValidationError({"id_number": [_("A person with this ID number is already registered.")]})
    audit.record(actor=actor, action="person.create", obj=person, unit=unit)
    return person


@transaction.atomic
def person_reveal(*, person: Person, field: str, actor) -> str:
    """The full ID number or phone of `person`, for a user whose role needs it; every reveal is logged."""
    if not (actor.is_superuser or actor.has_role(*REVEAL_ROLES)) or not unit_in_scope(actor, person.unit, VIEW):
        raise PermissionDenied(_("Your role may not see the full value."))
    value = crypto.decrypt(person.id_number_encrypted if field == "id_number" else person.mobile_encrypted)
    PersonalDataReveal.objects.create(person=person, field=field, actor=actor)
    return value
