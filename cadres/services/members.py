"""Party members: registration and their facts (floating, in service, household)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import Conflict
from core.errors import ErrorCode as CoreCode
from core.services import save_new, update_fields

from ..errors import ErrorCode
from ..models import (
    MemberStatus,
    PartyMember,
    Person,
)
from .base import _changed, _require_write
from .people import person_create

MEMBER_FACTS = (
    "is_floating",
    "floating_location",
    "floating_managing_unit",
    "is_in_service",
    "report_community",
    "without_post",
    "is_household",
    "household_building",
)


def _check_member_facts(member: PartyMember) -> dict:
    errors = {}
    if member.is_floating and not member.floating_location:
        errors["floating_location"] = [
            ValidationError(_("Say where the floating member is now."), code=CoreCode.REQUIRED)
        ]
    if not member.is_floating:
        member.floating_location, member.floating_managing_unit = "", None
    if member.is_in_service and member.report_community is None:
        errors["report_community"] = [
            ValidationError(_("Choose the community an in-service member reports to."), code=CoreCode.REQUIRED)
        ]
    if member.report_community is not None and member.report_community.kind != "community":
        errors["report_community"] = [
            ValidationError(_("Members report to a residential community."), code=ErrorCode.WRONG_UNIT_KIND)
        ]
    if member.is_household and member.household_building is None:
        errors["household_building"] = [
            ValidationError(_("Choose the building of the member household."), code=CoreCode.REQUIRED)
        ]
    if member.household_building is not None and member.household_building.kind not in ("building", "grid"):
        errors["household_building"] = [
            ValidationError(
                _("A member household is attached to a building or villager group."), code=ErrorCode.WRONG_UNIT_KIND
            )
        ]
    if member.status == MemberStatus.FULL and member.full_on and member.full_on < member.joined_on:
        errors["full_on"] = [
            ValidationError(_("A member cannot become full before joining."), code=ErrorCode.DATE_ORDER)
        ]
    return errors


@transaction.atomic
def member_create(
    *, person: Person, unit, status: str, joined_on: date, actor, full_on: date | None = None, **facts
) -> PartyMember:
    """Record `person` as a party member of the branch at `unit`, with their floating/double-report facts."""
    _require_write(actor, PartyMember, unit)
    if PartyMember.objects.filter(person=person).exists():
        raise Conflict(
            _("This person is already registered as a party member."), code=ErrorCode.ALREADY_A_MEMBER, field="person"
        )
    unknown = set(facts) - set(MEMBER_FACTS)
    if unknown:
        raise ValueError(f"member_create cannot set {sorted(unknown)}")
    member = PartyMember(person=person, unit=unit, status=status, joined_on=joined_on, full_on=full_on, **facts)
    errors = _check_member_facts(member)
    if errors:
        raise ValidationError(errors)
    save_new(member, actor=actor, audit_action="member.create", unit=unit)
    _changed([unit.pk], joined_on)
    return member


@transaction.atomic
def member_register(
    *,
    name: str,
    id_number: str,
    unit,
    status: str,
    joined_on: date,
    actor,
    mobile: str = "",
    education: str = "",
    employment_type: str = "",
    **facts,
) -> PartyMember:
    """Register a new person and record them as a party member in one step (forms and sheet import)."""
    _require_write(actor, PartyMember, unit)
    person = person_create(
        name=name,
        id_number=id_number,
        unit=unit,
        actor=actor,
        mobile=mobile,
        education=education,
        employment_type=employment_type,
    )
    return member_create(person=person, unit=unit, status=status, joined_on=joined_on, actor=actor, **facts)


MEMBER_CHANGEABLE = ("status", "joined_on", "full_on", *MEMBER_FACTS)


@transaction.atomic
def member_update(*, member: PartyMember, actor, **fields) -> PartyMember:
    """Change a member's status and facts (not their branch: that is a transfer)."""

    def check(locked):
        _require_write(actor, PartyMember, locked.unit)  # the home side, not the county managing a floating member
        return _check_member_facts(locked)

    member, _changes = update_fields(
        member, actor=actor, fields=fields, allowed=MEMBER_CHANGEABLE, audit_action="member.update", check=check
    )
    _changed([member.unit_id], None)
    return member
