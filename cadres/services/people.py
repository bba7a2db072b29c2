"""People: registration, corrections, and the logged reveal of a full ID number or phone."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.permissions import CHANGE, REVEAL, require, require_at
from core import audit, crypto

# REVEAL_ROLES is declared once, on Person (scope_actions); importable here for callers that read it.
from core.errors import Invalid
from core.services import update_fields

from ..errors import ErrorCode
from ..models import (  # noqa: F401
    REVEAL_ROLES,
    Person,
    PersonalDataReveal,
)
from ..validators import normalize_mobile, parse_resident_id
from .base import _user, logger


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
    id_optional: bool = False,
) -> Person:
    """Register a person. Birth date and gender come from the ID number; typed values must agree with it.

    With `id_optional` (a woodpecker signing up: the 1:10:5 scheme needs no ID number) an empty ID number is
    accepted: the person then has no ID number, birth date or gender. A given one is validated as always."""
    require_at(actor, CHANGE, Person, unit, _("You may not register people outside your jurisdiction."))
    if id_optional and not (id_number or "").strip():
        return _person_create_without_id(name=name, unit=unit, actor=actor, mobile=mobile)
    errors = {}
    try:
        number, id_birth, id_gender = parse_resident_id(id_number)
    except ValidationError as exc:
        raise Invalid(exc.messages[0], code=exc.code, field="id_number") from exc
    if birth_date and birth_date != id_birth:
        errors["birth_date"] = [
            ValidationError(
                _("The birth date does not match the ID number (%(date)s).") % {"date": id_birth},
                code=ErrorCode.ID_NUMBER_MISMATCH,
            )
        ]
    if gender and gender != id_gender:
        errors["gender"] = [
            ValidationError(_("The gender does not match the ID number."), code=ErrorCode.ID_NUMBER_MISMATCH)
        ]
    if mobile:
        try:
            mobile = normalize_mobile(mobile)
        except ValidationError as exc:
            errors["mobile"] = [ValidationError(exc.messages[0], code=exc.code)]
    if person_find_by_id_number(id_number=number):
        errors["id_number"] = [
            ValidationError(_("A person with this ID number is already registered."), code=ErrorCode.ID_NUMBER_TAKEN)
        ]
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
        logger.info("person_create: a concurrent registration of the same ID number won (unit %s)", unit.pk)
        raise Invalid(
            _("A person with this ID number is already registered."), code=ErrorCode.ID_NUMBER_TAKEN, field="id_number"
        )
    audit.record(actor=actor, action="person.create", obj=person, unit=unit)
    return person


def _person_create_without_id(*, name: str, unit, actor, mobile: str) -> Person:
    person = Person(name=(name or "").strip(), unit=unit)
    if mobile:
        try:
            person.set_mobile(normalize_mobile(mobile))
        except ValidationError as exc:
            raise Invalid(exc.messages[0], code=exc.code, field="mobile") from exc
    person.full_clean()
    person.save()
    audit.record(actor=actor, action="person.create", obj=person, unit=unit)
    return person


PERSON_FIELDS = ("name", "education", "employment_type", "mobile_encrypted", "mobile_hash", "mobile_masked")
PERSON_AUDITED = ("name", "education", "employment_type", "mobile_masked")  # never the ciphertext or the hash


def _mobile_fields(mobile: str) -> dict:
    """The stored forms of a phone number (empty: no phone)."""
    if not mobile.strip():
        return {"mobile_encrypted": "", "mobile_hash": "", "mobile_masked": ""}
    try:
        number = normalize_mobile(mobile)
    except ValidationError as exc:
        raise Invalid(exc.messages[0], code=exc.code, field="mobile") from exc
    holder = Person()
    holder.set_mobile(number)
    return {name: getattr(holder, name) for name in ("mobile_encrypted", "mobile_hash", "mobile_masked")}


def _may_change_person(actor):
    def check(person):
        require(actor, CHANGE, person, _("You may not register people outside your jurisdiction."))

    return check


@transaction.atomic
def person_update(
    *,
    person: Person,
    actor,
    name: str | None = None,
    mobile: str | None = None,
    education: str | None = None,
    employment_type: str | None = None,
) -> Person:
    """Correct a person's name, phone, education or employment. The ID number (and so birth date and gender)
    is fixed: a wrong one means a wrong person record."""
    _may_change_person(actor)(person)  # refused before the values are even read (403 before 400)
    fields = {"education": education, "employment_type": employment_type}
    fields = {k: v for k, v in fields.items() if v is not None}
    if name is not None:
        fields["name"] = name.strip()
    if mobile is not None:
        fields.update(_mobile_fields(mobile))
    person, _changes = update_fields(
        person,
        actor=actor,
        fields=fields,
        allowed=PERSON_FIELDS,
        audit_fields=PERSON_AUDITED,
        audit_action="person.update",
        check=_may_change_person(actor),
    )
    return person


@transaction.atomic
def person_reveal(*, person: Person, field: str, actor) -> str:
    """The full ID number or phone of `person`, for a user whose role needs it; every reveal is logged."""
    require(actor, REVEAL, person, _("Your role may not see the full value."))
    if _user(actor) is None:  # a reveal is logged against the person who saw it
        raise PermissionDenied(_("Your role may not see the full value."))
    value = crypto.decrypt(person.id_number_encrypted if field == "id_number" else person.mobile_encrypted)
    PersonalDataReveal.objects.create(person=person, field=field, actor=actor)
    return value
