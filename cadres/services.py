"""Write use-cases for people (and, as the cadres app grows, members, cadres, reserves and training).

Every service takes `actor` — a User, or `accounts.permissions.SYSTEM` for the demo and bulk loads; None is refused
— and asks the one permission path (`require`/`require_at` with the actions the models declare) before it writes.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import APPROVE, CHANGE, REVEAL, require, require_at
from accounts.roles import Role
from core import audit, crypto

# REVEAL_ROLES is declared once, on Person (scope_actions); importable here for callers that read it.
from .models import REVEAL_ROLES, Person, PersonalDataReveal  # noqa: F401
from .validators import normalize_mobile, parse_resident_id


def _user(actor):
    """The User to store in a "by" column: None for the SYSTEM actor (the audit trail records it as the system)."""
    return actor if isinstance(actor, User) else None


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
    require_at(actor, CHANGE, Person, unit, _("You may not register people outside your jurisdiction."))
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
    person = Person.objects.select_for_update().get(pk=person.pk)
    require(actor, CHANGE, person, _("You may not register people outside your jurisdiction."))
    before = {
        "name": person.name,
        "mobile": person.mobile_masked,
        "education": person.education,
        "employment_type": person.employment_type,
    }
    if name is not None:
        person.name = name.strip()
    if mobile is not None:
        if mobile.strip():
            try:
                person.set_mobile(normalize_mobile(mobile))
            except ValidationError as exc:
                raise ValidationError({"mobile": exc.messages})
        else:
            person.mobile_encrypted = person.mobile_hash = person.mobile_masked = ""
    if education is not None:
        person.education = education
    if employment_type is not None:
        person.employment_type = employment_type
    person.full_clean()
    person.save()
    after = {
        "name": person.name,
        "mobile": person.mobile_masked,
        "education": person.education,
        "employment_type": person.employment_type,
    }
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    audit.record(actor=actor, action="person.update", obj=person, unit=person.unit, changes=changes)
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


# ---------------------------------------------------------------------------------------------------------------
# Party members, transfers, development, cadres, reserves and training.
# ---------------------------------------------------------------------------------------------------------------
from django.utils import timezone  # noqa: E402

from core import events  # noqa: E402

from .models import (  # noqa: E402
    RESERVE_ORDER,
    STAGE_ORDER,
    ApprovalLevel,
    CadrePost,
    CapabilityAssessment,
    DegreeStudy,
    DevelopmentRecord,
    DevelopmentStage,
    DevelopmentStep,
    ElevatedManagement,
    JointVetting,
    MemberStatus,
    MemberTransfer,
    PartyMember,
    PostKind,
    ReserveCadre,
    ReserveStage,
    ReserveStep,
    StepKind,
    StepStatus,
    TrainingAttendance,
    TrainingSession,
    TransferStatus,
)

# Who approves development steps (the branch proposes, the township or the county approves) and who decides on
# reserves: APPROVE, declared on DevelopmentRecord and ReserveCadre (STAFF_ONLY).


def _require_write(actor, model, unit, message=None):
    """`require_at(actor, CHANGE, model, unit)` with this app's message: a new record, or one side of a record
    that lies between two units (a member's home unit, a transfer's sending or receiving side)."""
    require_at(actor, CHANGE, model, unit, message or _("You may not change records of this unit."))


def _require_change(actor, obj, message=None):
    require(actor, CHANGE, obj, message or _("You may not change records of this unit."))


def _require_bulk(actor, model, rows: list[dict], key: str = "unit") -> None:
    """Bulk loads (the demo, validated imports): every unit the rows refer to lies inside the writer's scope."""
    units = {}
    for row in rows:
        unit = row[key].unit if key == "post" else row[key]
        units[unit.pk] = unit
    require_at(actor, CHANGE, model, list(units.values()), _("You may not change records of this unit."))


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _changed(unit_ids, day: date | None):
    events.records_changed(source="cadres", unit_ids=unit_ids, year=day.year if day else None)


# -- members ----------------------------------------------------------------------------------------------------

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
        errors["floating_location"] = [_("Say where the floating member is now.")]
    if not member.is_floating:
        member.floating_location, member.floating_managing_unit = "", None
    if member.is_in_service and member.report_community is None:
        errors["report_community"] = [_("Choose the community an in-service member reports to.")]
    if member.report_community is not None and member.report_community.kind != "community":
        errors["report_community"] = [_("Members report to a residential community.")]
    if member.is_household and member.household_building is None:
        errors["household_building"] = [_("Choose the building of the member household.")]
    if member.household_building is not None and member.household_building.kind not in ("building", "grid"):
        errors["household_building"] = [_("A member household is attached to a building or villager group.")]
    if member.status == MemberStatus.FULL and member.full_on and member.full_on < member.joined_on:
        errors["full_on"] = [_("A member cannot become full before joining.")]
    return errors


@transaction.atomic
def member_create(
    *, person: Person, unit, status: str, joined_on: date, actor, full_on: date | None = None, **facts
) -> PartyMember:
    """Record `person` as a party member of the branch at `unit`, with their floating/double-report facts."""
    _require_write(actor, PartyMember, unit)
    if PartyMember.objects.filter(person=person).exists():
        raise ValidationError({"person": [_("This person is already registered as a party member.")]})
    unknown = set(facts) - set(MEMBER_FACTS)
    if unknown:
        raise ValueError(f"member_create cannot set {sorted(unknown)}")
    member = PartyMember(person=person, unit=unit, status=status, joined_on=joined_on, full_on=full_on, **facts)
    errors = _check_member_facts(member)
    if errors:
        raise ValidationError(errors)
    member.full_clean()
    member.save()
    audit.record(actor=actor, action="member.create", obj=member, unit=unit)
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


@transaction.atomic
def member_update(*, member: PartyMember, actor, **fields) -> PartyMember:
    """Change a member's status and facts (not their branch: that is a transfer)."""
    member = PartyMember.objects.select_for_update().get(pk=member.pk)
    _require_write(actor, PartyMember, member.unit)  # the home side, not the county managing a floating member
    allowed = {"status", "joined_on", "full_on", *MEMBER_FACTS}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"member_update cannot set {sorted(unknown)}")
    before = {name: getattr(member, name) for name in allowed}
    for name, value in fields.items():
        setattr(member, name, value)
    errors = _check_member_facts(member)
    if errors:
        raise ValidationError(errors)
    member.full_clean()
    member.save()
    audit.record(
        actor=actor, action="member.update", obj=member, unit=member.unit, changes=audit.diff(member, before, allowed)
    )
    _changed([member.unit_id], None)
    return member


def people_bulk_create(*, rows: list[dict], actor) -> list[Person]:
    """Register many people at once (demo data, validated imports): each row has name, id_number, unit and
    optionally mobile, education, employment_type. ID numbers are checked; one audit row for the batch."""
    _require_bulk(actor, Person, rows)
    people = []
    for row in rows:
        number, birth, gender = parse_resident_id(row["id_number"])
        person = Person(
            name=row["name"],
            gender=gender,
            birth_date=birth,
            unit=row["unit"],
            education=row.get("education", ""),
            employment_type=row.get("employment_type", ""),
        )
        person.set_id_number(number)
        if row.get("mobile"):
            person.set_mobile(normalize_mobile(row["mobile"]))
        people.append(person)
    with transaction.atomic():
        Person.objects.bulk_create(people, batch_size=1000)
        if people:
            audit.record(actor=actor, action="person.bulk_create", obj=people[0], changes={"people": len(people)})
    return people


def members_bulk_create(*, rows: list[dict], actor) -> list[PartyMember]:
    """Record many existing people as members at once (demo data, validated imports): each row has person, unit,
    status, joined_on and optionally full_on and the member facts."""
    _require_bulk(actor, PartyMember, rows)
    with transaction.atomic():
        members = PartyMember.objects.bulk_create(
            [
                PartyMember(
                    person=row["person"],
                    unit=row["unit"],
                    status=row["status"],
                    joined_on=row["joined_on"],
                    full_on=row.get("full_on"),
                    **{k: row[k] for k in MEMBER_FACTS if k in row},
                )
                for row in rows
            ],
            batch_size=1000,
        )
        if members:
            audit.record(actor=actor, action="member.bulk_create", obj=members[0], changes={"members": len(members)})
            _changed({m.unit_id for m in members}, None)
    return members


# -- organization-relationship transfers -------------------------------------------------------------------------


@transaction.atomic
def transfer_start(*, member: PartyMember, to_unit, out_on: date, actor, reason: str = "") -> MemberTransfer:
    """The sending branch transfers a member's organization relationship out to `to_unit` (any county)."""
    member = PartyMember.objects.select_for_update().get(pk=member.pk)
    _require_write(actor, PartyMember, member.unit)  # the sending side; the receiving side may lie anywhere
    if to_unit.pk == member.unit_id:
        raise ValidationError({"to_unit": [_("The member already belongs to this unit.")]})
    if MemberTransfer.objects.filter(member=member, status__in=[TransferStatus.OUT, TransferStatus.IN]).exists():
        raise ValidationError({"member": [_("This member already has a transfer in progress.")]})
    transfer = MemberTransfer(
        member=member,
        from_unit=member.unit,
        to_unit=to_unit,
        out_on=out_on,
        reason=reason,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    transfer.full_clean()
    transfer.save()
    audit.record(actor=actor, action="transfer.out", obj=transfer, unit=member.unit)
    return transfer


def _receiving_side(transfer, actor):
    _require_write(actor, MemberTransfer, transfer.to_unit, _("Only the receiving organization may record this step."))


@transaction.atomic
def transfer_arrive(*, transfer: MemberTransfer, on: date, actor) -> MemberTransfer:
    """The receiving side records that the member has reported with the introduction letter."""
    transfer = MemberTransfer.objects.select_for_update().get(pk=transfer.pk)
    _receiving_side(transfer, actor)
    if transfer.status != TransferStatus.OUT:
        raise ValidationError({"status": [_("Only a transfer that has been sent out can arrive.")]})
    if on < transfer.out_on:
        raise ValidationError({"in_on": [_("The member cannot arrive before being transferred out.")]})
    transfer.status, transfer.in_on = TransferStatus.IN, on
    transfer.save(update_fields=["status", "in_on"])
    audit.record(actor=actor, action="transfer.in", obj=transfer, unit=transfer.to_unit)
    return transfer


@transaction.atomic
def transfer_receive(*, transfer: MemberTransfer, on: date, actor) -> MemberTransfer:
    """The receiving side accepts the member: from now on the member belongs to the receiving unit."""
    transfer = MemberTransfer.objects.select_for_update().get(pk=transfer.pk)
    _receiving_side(transfer, actor)
    if transfer.status != TransferStatus.IN:
        raise ValidationError({"status": [_("Record the member's arrival before receiving them.")]})
    if on < transfer.in_on:
        raise ValidationError({"received_on": [_("The member cannot be received before arriving.")]})
    transfer.status, transfer.received_on = TransferStatus.RECEIVED, on
    transfer.save(update_fields=["status", "received_on"])
    PartyMember.objects.filter(pk=transfer.member_id).update(
        unit=transfer.to_unit, is_floating=False, floating_location="", floating_managing_unit=None
    )
    audit.record(actor=actor, action="transfer.received", obj=transfer, unit=transfer.to_unit)
    _changed([transfer.from_unit_id, transfer.to_unit_id], on)
    return transfer


@transaction.atomic
def transfer_cancel(*, transfer: MemberTransfer, actor) -> MemberTransfer:
    """The sending side withdraws a transfer the receiving side has not yet seen arrive."""
    transfer = MemberTransfer.objects.select_for_update().get(pk=transfer.pk)
    _require_write(
        actor, MemberTransfer, transfer.from_unit, _("Only the sending organization may cancel the transfer.")
    )
    if transfer.status != TransferStatus.OUT:
        raise ValidationError({"status": [_("Only a transfer not yet arrived can be cancelled.")]})
    transfer.status = TransferStatus.CANCELLED
    transfer.save(update_fields=["status"])
    audit.record(actor=actor, action="transfer.cancel", obj=transfer, unit=transfer.from_unit)
    return transfer


# -- member development -----------------------------------------------------------------------------------------


@transaction.atomic
def development_start(*, person: Person, unit, applied_on: date, actor) -> DevelopmentRecord:
    """Open a development record when a person hands in their application to join the party."""
    _require_write(actor, DevelopmentRecord, unit)
    if hasattr(person, "party_member") and PartyMember.objects.filter(person=person).exists():
        raise ValidationError({"person": [_("This person is already a party member.")]})
    if DevelopmentRecord.objects.filter(person=person).exclude(stage=DevelopmentStage.DISQUALIFIED).exists():
        raise ValidationError({"person": [_("This person already has a development record.")]})
    if applied_on > timezone.localdate():
        raise ValidationError({"applied_on": [_("The date cannot be in the future.")]})
    record = DevelopmentRecord(person=person, unit=unit, applied_on=applied_on)
    record.full_clean()
    record.save()
    audit.record(actor=actor, action="development.start", obj=record, unit=unit)
    _changed([unit.pk], applied_on)
    return record


@transaction.atomic
def development_register(
    *, name: str, id_number: str, unit, applied_on: date, actor, mobile: str = ""
) -> DevelopmentRecord:
    """Register a new applicant and open their development record in one step (the secretary's usual case)."""
    person = person_create(name=name, id_number=id_number, unit=unit, actor=actor, mobile=mobile)
    return development_start(person=person, unit=unit, applied_on=applied_on, actor=actor)


def _fmt(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def development_step_errors(
    record: DevelopmentRecord, *, kind: str, effective_on: date, extended_until: date | None = None, note: str = ""
) -> dict:
    """Why this step may not be taken now (field → messages), or {} when the rules allow it."""
    errors = {}
    if effective_on > timezone.localdate():
        errors["effective_on"] = [_("The date cannot be in the future.")]
    if record.stage in (DevelopmentStage.FULL, DevelopmentStage.DISQUALIFIED):
        return {"kind": [_("This development record is closed; no further step is possible.")]}
    if kind == StepKind.EXTEND:
        if record.stage != DevelopmentStage.PROBATIONARY:
            errors["kind"] = [_("Only a probationary member's probation can be extended.")]
        elif record.probation_extended_until:
            errors["kind"] = [_("Probation has already been extended once.")]
        elif not extended_until:
            errors["extended_until"] = [_("Give the date the extended probation ends.")]
        else:
            earliest, latest = add_years(record.admitted_on, 1), add_years(record.admitted_on, 2)
            if not (earliest < extended_until <= latest):
                errors["extended_until"] = [
                    _(
                        "Probation may be extended by at most one year: choose a date after %(a)s and no later "
                        "than %(b)s."
                    )
                    % {"a": _fmt(earliest), "b": _fmt(latest)}
                ]
        return errors
    if kind == StepKind.DISQUALIFY:
        if record.stage != DevelopmentStage.PROBATIONARY:
            errors["kind"] = [_("Only a probationary member's qualification can be cancelled.")]
        if not note.strip():
            errors["note"] = [_("Give the reason for cancelling the probationary qualification.")]
        return errors
    to_stage = STAGE_ORDER[STAGE_ORDER.index(record.stage) + 1]
    if to_stage == DevelopmentStage.ACTIVIST and effective_on < record.applied_on:
        errors["effective_on"] = [
            _("An activist cannot be confirmed before applying (%(d)s).") % {"d": _fmt(record.applied_on)}
        ]
    if to_stage == DevelopmentStage.TARGET:
        earliest = add_years(record.activist_on, 1)
        if effective_on < earliest:
            errors["effective_on"] = [
                _(
                    "An activist must be trained and observed for at least one year before becoming a development "
                    "target: this activist was confirmed on %(since)s, so the earliest date is %(earliest)s."
                )
                % {"since": _fmt(record.activist_on), "earliest": _fmt(earliest)}
            ]
    if to_stage == DevelopmentStage.PROBATIONARY and effective_on < record.target_on:
        errors["effective_on"] = [
            _("A member cannot be admitted before becoming a development target (%(d)s).")
            % {"d": _fmt(record.target_on)}
        ]
    if to_stage == DevelopmentStage.FULL:
        earliest = record.probation_extended_until or add_years(record.admitted_on, 1)
        if effective_on < earliest:
            errors["effective_on"] = [
                _(
                    "The probation period has not ended: the member was admitted on %(since)s and can become a full "
                    "member on %(earliest)s at the earliest."
                )
                % {"since": _fmt(record.admitted_on), "earliest": _fmt(earliest)}
            ]
    return errors


def next_stage(record: DevelopmentRecord) -> str | None:
    if record.stage not in STAGE_ORDER or record.stage == DevelopmentStage.FULL:
        return None
    return STAGE_ORDER[STAGE_ORDER.index(record.stage) + 1]


@transaction.atomic
def development_propose(
    *,
    record: DevelopmentRecord,
    effective_on: date,
    actor,
    kind: str = StepKind.ADVANCE,
    extended_until: date | None = None,
    note: str = "",
) -> DevelopmentStep:
    """The branch (its secretary) proposes the next step; it takes effect when the township approves it."""
    record = DevelopmentRecord.objects.select_for_update().get(pk=record.pk)
    _require_change(actor, record)
    if record.steps.filter(status=StepStatus.PROPOSED).exists():
        raise ValidationError({"kind": [_("A step of this record is already awaiting approval.")]})
    errors = development_step_errors(
        record, kind=kind, effective_on=effective_on, extended_until=extended_until, note=note
    )
    if errors:
        raise ValidationError(errors)
    to_stage = (
        next_stage(record)
        if kind == StepKind.ADVANCE
        else (DevelopmentStage.DISQUALIFIED if kind == StepKind.DISQUALIFY else record.stage)
    )
    step = DevelopmentStep(
        record=record,
        kind=kind,
        to_stage=to_stage,
        effective_on=effective_on,
        extended_until=extended_until,
        note=note,
        proposed_by=actor if getattr(actor, "pk", None) else None,
    )
    step.full_clean()
    step.save()
    audit.record(
        actor=actor,
        action="development.propose",
        obj=step,
        unit=record.unit,
        changes={"to_stage": to_stage, "effective_on": str(effective_on)},
    )
    return step


def _approval_level(actor) -> str:
    # The level recorded with a decision (not a permission: APPROVE has been asked already). SYSTEM: the county.
    if actor.is_superuser or actor.has_role(Role.ORG_DEPARTMENT):
        return ApprovalLevel.COUNTY
    return ApprovalLevel.TOWNSHIP


@transaction.atomic
def development_approve(*, step: DevelopmentStep, actor) -> DevelopmentRecord:
    """Township (or county) staff approve a proposed step: the record moves on, dated and with the approver kept."""
    step = DevelopmentStep.objects.select_for_update().select_related("record").get(pk=step.pk)
    record = DevelopmentRecord.objects.select_for_update().get(pk=step.record_id)
    require(actor, APPROVE, record, _("Only township or organization-department staff may approve development steps."))
    if step.status != StepStatus.PROPOSED:
        raise ValidationError({"status": [_("This step has already been decided.")]})
    # The rules are checked again: the record may have changed since the proposal.
    errors = development_step_errors(
        record, kind=step.kind, effective_on=step.effective_on, extended_until=step.extended_until, note=step.note
    )
    if errors:
        raise ValidationError(errors)
    day = step.effective_on
    if step.kind == StepKind.EXTEND:
        record.probation_extended_until = step.extended_until
    elif step.kind == StepKind.DISQUALIFY:
        record.stage, record.disqualified_on, record.disqualified_reason = DevelopmentStage.DISQUALIFIED, day, step.note
        PartyMember.objects.filter(person=record.person, status=MemberStatus.PROBATIONARY).delete()
    else:
        record.stage = step.to_stage
        date_field = {
            DevelopmentStage.ACTIVIST: "activist_on",
            DevelopmentStage.TARGET: "target_on",
            DevelopmentStage.PROBATIONARY: "admitted_on",
            DevelopmentStage.FULL: "full_on",
        }[step.to_stage]
        setattr(record, date_field, day)
        if step.to_stage == DevelopmentStage.PROBATIONARY:
            member_create(
                person=record.person, unit=record.unit, status=MemberStatus.PROBATIONARY, joined_on=day, actor=actor
            )
        elif step.to_stage == DevelopmentStage.FULL:
            PartyMember.objects.filter(person=record.person).update(status=MemberStatus.FULL, full_on=day)
    record.full_clean()
    record.save()
    step.status, step.decided_by, step.decided_at = StepStatus.APPROVED, _user(actor), timezone.now()
    step.level = _approval_level(actor)
    step.save(update_fields=["status", "decided_by", "decided_at", "level"])
    audit.record(
        actor=actor,
        action="development.approve",
        obj=step,
        unit=record.unit,
        changes={"stage": record.stage, "effective_on": str(day)},
    )
    _changed([record.unit_id], day)
    return record


@transaction.atomic
def development_return(*, step: DevelopmentStep, reason: str, actor) -> DevelopmentStep:
    """Send a proposed step back to the branch with a reason; the step stays in the record's history."""
    step = DevelopmentStep.objects.select_for_update().select_related("record").get(pk=step.pk)
    require(
        actor,
        APPROVE,
        step.record,
        _("Only township or organization-department staff may send development steps back."),
    )
    if step.status != StepStatus.PROPOSED:
        raise ValidationError({"status": [_("This step has already been decided.")]})
    if not (reason or "").strip():
        raise ValidationError({"return_reason": [_("Give the reason for sending the step back.")]})
    step.status, step.return_reason = StepStatus.RETURNED, reason.strip()
    step.decided_by, step.decided_at, step.level = _user(actor), timezone.now(), _approval_level(actor)
    step.full_clean()
    step.save()
    audit.record(
        actor=actor,
        action="development.return",
        obj=step,
        unit=step.record.unit,
        changes={"reason": step.return_reason},
    )
    return step


def development_bulk_create(*, rows: list[dict], actor) -> list[DevelopmentRecord]:
    """Create many development records with their approved history at once (demo data): each row has person,
    unit, stage and the dates of the stages reached; the steps are written as approved at township level."""
    _require_bulk(actor, DevelopmentRecord, rows)
    with transaction.atomic():
        records = DevelopmentRecord.objects.bulk_create([DevelopmentRecord(**row) for row in rows], batch_size=1000)
        steps = []
        for record in records:
            for stage, field in (
                ("activist", "activist_on"),
                ("target", "target_on"),
                ("probationary", "admitted_on"),
                ("full", "full_on"),
            ):
                day = getattr(record, field)
                if day:
                    steps.append(
                        DevelopmentStep(
                            record=record,
                            to_stage=stage,
                            effective_on=day,
                            status=StepStatus.APPROVED,
                            level=ApprovalLevel.TOWNSHIP,
                        )
                    )
        DevelopmentStep.objects.bulk_create(steps, batch_size=2000)
        if records:
            _changed({r.unit_id for r in records}, None)
    return records


# -- cadres -----------------------------------------------------------------------------------------------------


@transaction.atomic
def post_create(
    *,
    person: Person,
    unit,
    post: str,
    term_start_year: int,
    started_on: date,
    actor,
    committee: str = "party",
    term_end_year: int | None = None,
    is_one_shoulder: bool = False,
    is_dispatched: bool = False,
) -> CadrePost:
    """Appoint `person` to a post in `unit`'s committees for a term (five years unless told)."""
    _require_write(actor, CadrePost, unit)
    if post == PostKind.SECRETARY and CadrePost.objects.filter(unit=unit, post=post, ended_on__isnull=True).exists():
        raise ValidationError({"post": [_("This unit already has a sitting secretary; end that post first.")]})
    if is_one_shoulder and post != PostKind.SECRETARY:
        raise ValidationError({"is_one_shoulder": [_("Only the secretary can also chair the committee.")]})
    record = CadrePost(
        person=person,
        unit=unit,
        post=post,
        committee=committee,
        term_start_year=term_start_year,
        term_end_year=term_end_year or term_start_year + 5,
        started_on=started_on,
        is_one_shoulder=is_one_shoulder,
        is_dispatched=is_dispatched,
    )
    record.full_clean()
    record.save()
    audit.record(actor=actor, action="post.create", obj=record, unit=unit)
    _changed([unit.pk], started_on)
    return record


@transaction.atomic
def post_end(*, post: CadrePost, ended_on: date, reason: str, actor) -> CadrePost:
    """End a post (dynamic adjustment 动态调整); the ended post stays as history with its reason."""
    post = CadrePost.objects.select_for_update().get(pk=post.pk)
    _require_change(actor, post)
    if post.ended_on:
        raise ValidationError({"ended_on": [_("This post has already ended.")]})
    if not (reason or "").strip():
        raise ValidationError({"end_reason": [_("Give the reason for the adjustment.")]})
    if ended_on < post.started_on:
        raise ValidationError({"ended_on": [_("A post cannot end before it started.")]})
    post.ended_on, post.end_reason = ended_on, reason.strip()
    post.save(update_fields=["ended_on", "end_reason"])
    audit.record(actor=actor, action="post.end", obj=post, unit=post.unit, changes={"reason": post.end_reason})
    _changed([post.unit_id], ended_on)
    return post


def posts_bulk_create(*, rows: list[dict], actor) -> list[CadrePost]:
    """Create many posts at once (demo data, already consistent: one sitting secretary per unit)."""
    _require_bulk(actor, CadrePost, rows)
    with transaction.atomic():
        posts = CadrePost.objects.bulk_create([CadrePost(**row) for row in rows], batch_size=1000)
        if posts:
            _changed({p.unit_id for p in posts}, None)
    return posts


@transaction.atomic
def elevation_create(
    *, post: CadrePost, direction: str, reason: str, started_on: date, review_on: date, actor
) -> ElevatedManagement:
    """Put a sitting secretary under elevated management (提级管理), positive or negative."""
    _require_write(actor, ElevatedManagement, post.unit)
    if post.post != PostKind.SECRETARY or post.ended_on:
        raise ValidationError({"post": [_("Elevated management applies to sitting secretaries only.")]})
    if ElevatedManagement.objects.filter(post=post, closed_on__isnull=True).exists():
        raise ValidationError({"post": [_("This secretary is already under elevated management.")]})
    record = ElevatedManagement(
        post=post, direction=direction, reason=reason, started_on=started_on, review_on=review_on
    )
    if review_on <= started_on:
        raise ValidationError({"review_on": [_("The review date must come after the start.")]})
    record.full_clean()
    record.save()
    audit.record(actor=actor, action="elevation.create", obj=record, unit=post.unit)
    return record


@transaction.atomic
def vetting_create(
    *,
    person: Person,
    unit,
    vetted_on: date,
    result: str,
    actor,
    departments: str = "",
    post: str = "secretary",
    filed_on: date | None = None,
    note: str = "",
) -> JointVetting:
    """Record the joint vetting (联审) of a candidate and, when passed, its filing (备案) with the county."""
    _require_write(actor, JointVetting, unit)
    record = JointVetting(
        person=person,
        unit=unit,
        post=post,
        vetted_on=vetted_on,
        result=result,
        departments=departments,
        filed_on=filed_on,
        note=note,
    )
    if filed_on and result != "passed":
        raise ValidationError({"filed_on": [_("Only a candidate who passed the vetting can be filed.")]})
    record.full_clean()
    record.save()
    audit.record(actor=actor, action="vetting.create", obj=record, unit=unit)
    return record


@transaction.atomic
def study_create(
    *,
    person: Person,
    unit,
    school: str,
    target_level: str,
    enrolled_on: date,
    actor,
    graduated_on: date | None = None,
) -> DegreeStudy:
    """Record a cadre enrolled in a degree course (双提升)."""
    _require_write(actor, DegreeStudy, unit)
    record = DegreeStudy(
        person=person,
        unit=unit,
        school=school,
        target_level=target_level,
        enrolled_on=enrolled_on,
        graduated_on=graduated_on,
    )
    if graduated_on and graduated_on <= enrolled_on:
        raise ValidationError({"graduated_on": [_("Graduation must come after enrolment.")]})
    record.full_clean()
    record.save()
    audit.record(actor=actor, action="study.create", obj=record, unit=unit)
    _changed([unit.pk], enrolled_on)
    return record


@transaction.atomic
def assessment_record(*, person: Person, unit, year: int, score, actor, comment: str = "") -> CapabilityAssessment:
    """Record (or correct) a secretary's capability score for a year; the ranking follows from the scores."""
    _require_write(actor, CapabilityAssessment, unit)
    record, _created = CapabilityAssessment.objects.select_for_update().get_or_create(
        person=person, unit=unit, year=year, defaults={"score": score, "comment": comment}
    )
    record.score, record.comment = score, comment
    record.full_clean()
    record.save()
    audit.record(actor=actor, action="assessment.record", obj=record, unit=unit, changes={"score": str(score)})
    return record


# -- reserve cadres ---------------------------------------------------------------------------------------------


@transaction.atomic
def reserve_nominate(
    *, person: Person, unit, post_for: str, nomination: str, nominated_on: date, actor
) -> ReserveCadre:
    """Nominate a person as reserve cadre of a village (self, recommended, or through open recruitment)."""
    _require_write(actor, ReserveCadre, unit)
    open_ = ReserveCadre.objects.filter(person=person, unit=unit, post_for=post_for).exclude(
        stage__in=[ReserveStage.DROPPED, ReserveStage.APPOINTED]
    )
    if open_.exists():
        raise ValidationError({"person": [_("This person is already in the reserve pipeline for this post.")]})
    reserve = ReserveCadre(
        person=person,
        unit=unit,
        post_for=post_for,
        nomination=nomination,
        nominated_on=nominated_on,
        stage_on=nominated_on,
    )
    reserve.full_clean()
    reserve.save()
    ReserveStep.objects.create(
        reserve=reserve,
        to_stage=ReserveStage.NOMINATED,
        on=nominated_on,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(actor=actor, action="reserve.nominate", obj=reserve, unit=unit)
    _changed([unit.pk], nominated_on)
    return reserve


def reserve_next_stage(reserve: ReserveCadre) -> str | None:
    if reserve.stage not in RESERVE_ORDER or reserve.stage == ReserveStage.APPOINTED:
        return None
    return RESERVE_ORDER[RESERVE_ORDER.index(reserve.stage) + 1]


@transaction.atomic
def reserve_advance(*, reserve: ReserveCadre, on: date, actor, reason: str = "") -> ReserveCadre:
    """Move a reserve cadre to the next stage (review → inspection → reserve → trained → appointed)."""
    reserve = ReserveCadre.objects.select_for_update().get(pk=reserve.pk)
    _require_change(actor, reserve)
    to_stage = reserve_next_stage(reserve)
    if to_stage is None:
        raise ValidationError({"stage": [_("This reserve cadre's pipeline is closed.")]})
    if to_stage in (ReserveStage.REVIEWED, ReserveStage.INSPECTED, ReserveStage.APPOINTED):
        # Review, inspection and appointment are decisions of the township ("township manages").
        require(
            actor,
            APPROVE,
            reserve,
            _("Qualification review, inspection and appointment are decided by township staff."),
        )
    if on < reserve.stage_on:
        raise ValidationError(
            {"on": [_("A step cannot be dated before the previous one (%(d)s).") % {"d": _fmt(reserve.stage_on)}]}
        )
    if on > timezone.localdate():
        raise ValidationError({"on": [_("The date cannot be in the future.")]})
    ReserveStep.objects.create(
        reserve=reserve,
        from_stage=reserve.stage,
        to_stage=to_stage,
        on=on,
        reason=reason,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    reserve.stage, reserve.stage_on = to_stage, on
    reserve.save(update_fields=["stage", "stage_on"])
    audit.record(actor=actor, action="reserve.advance", obj=reserve, unit=reserve.unit, changes={"stage": to_stage})
    _changed([reserve.unit_id], on)
    return reserve


@transaction.atomic
def reserve_drop(*, reserve: ReserveCadre, on: date, reason: str, actor) -> ReserveCadre:
    """Drop a reserve cadre from the pipeline with a reason; the history is kept."""
    reserve = ReserveCadre.objects.select_for_update().get(pk=reserve.pk)
    _require_change(actor, reserve)
    if reserve.stage in (ReserveStage.DROPPED, ReserveStage.APPOINTED):
        raise ValidationError({"stage": [_("This reserve cadre's pipeline is closed.")]})
    if not (reason or "").strip():
        raise ValidationError({"dropped_reason": [_("Give the reason for dropping the reserve cadre.")]})
    ReserveStep.objects.create(
        reserve=reserve,
        from_stage=reserve.stage,
        to_stage=ReserveStage.DROPPED,
        on=on,
        reason=reason.strip(),
        actor=actor if getattr(actor, "pk", None) else None,
    )
    reserve.stage, reserve.stage_on, reserve.dropped_reason = ReserveStage.DROPPED, on, reason.strip()
    reserve.save(update_fields=["stage", "stage_on", "dropped_reason"])
    audit.record(actor=actor, action="reserve.drop", obj=reserve, unit=reserve.unit, changes={"reason": reason})
    _changed([reserve.unit_id], on)
    return reserve


def reserves_bulk_create(*, rows: list[dict], actor) -> list[ReserveCadre]:
    """Create many reserve cadres at once with a step per stage reached (demo data and validated imports)."""
    _require_bulk(actor, ReserveCadre, rows)
    with transaction.atomic():
        reserves = ReserveCadre.objects.bulk_create([ReserveCadre(**row) for row in rows], batch_size=1000)
        steps = []
        for reserve in reserves:
            reached = RESERVE_ORDER[: RESERVE_ORDER.index(reserve.stage) + 1] if reserve.stage in RESERVE_ORDER else []
            previous = ""
            for stage in reached:
                steps.append(
                    ReserveStep(
                        reserve=reserve,
                        from_stage=previous,
                        to_stage=stage,
                        on=reserve.nominated_on if stage == "nominated" else reserve.stage_on,
                    )
                )
                previous = stage
        ReserveStep.objects.bulk_create(steps, batch_size=2000)
        if reserves:
            _changed({r.unit_id for r in reserves}, None)
    return reserves


# -- training ---------------------------------------------------------------------------------------------------


@transaction.atomic
def training_create(*, topic: str, organizer, level: str, starts_on: date, ends_on: date, actor) -> TrainingSession:
    """Schedule a training session organized by `organizer`."""
    _require_write(actor, TrainingSession, organizer)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": [_("A session cannot end before it starts.")]})
    session = TrainingSession(topic=topic, organizer=organizer, level=level, starts_on=starts_on, ends_on=ends_on)
    session.full_clean()
    session.save()
    audit.record(actor=actor, action="training.create", obj=session, unit=organizer)
    return session


@transaction.atomic
def training_add_attendees(*, session: TrainingSession, people, actor) -> int:
    """Record who attended a session (each one person-time); people already recorded are skipped."""
    _require_change(actor, session)
    people = list(people)
    known = set(session.attendances.filter(person__in=people).values_list("person_id", flat=True))
    new = [TrainingAttendance(session=session, person=p) for p in people if p.pk not in known]
    TrainingAttendance.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    audit.record(
        actor=actor, action="training.attendees", obj=session, unit=session.organizer, changes={"added": len(new)}
    )
    _changed({session.organizer_id, *(p.unit_id for p in people)}, session.starts_on)
    return len(new)


def _bulk(model, rows: list[dict], action: str, actor, year: int | None = None) -> list:
    """Create many already-consistent records of `model` at once (demo data), with one audit row and one event."""
    key = next((k for k in ("unit", "organizer", "post") if rows and k in rows[0]), "unit")
    _require_bulk(actor, model, rows, key)
    with transaction.atomic():
        objs = model.objects.bulk_create([model(**row) for row in rows], batch_size=1000)
        if objs:
            audit.record(actor=actor, action=action, obj=objs[0], changes={"count": len(objs)})
            unit_ids = {getattr(o, "unit_id", None) or getattr(o, "organizer_id", None) for o in objs}
            _changed(unit_ids, date(year, 1, 1) if year else None)
    return objs


def elevations_bulk_create(*, rows: list[dict], actor) -> list[ElevatedManagement]:
    """Many elevated-management records at once (demo data): rows of post, direction, reason and dates."""
    return _bulk(ElevatedManagement, rows, "elevation.bulk_create", actor)


def vettings_bulk_create(*, rows: list[dict], actor) -> list[JointVetting]:
    """Many joint vettings at once (demo data)."""
    return _bulk(JointVetting, rows, "vetting.bulk_create", actor)


def studies_bulk_create(*, rows: list[dict], actor) -> list[DegreeStudy]:
    """Many degree studies at once (demo data)."""
    return _bulk(DegreeStudy, rows, "study.bulk_create", actor)


def assessments_bulk_create(*, rows: list[dict], year: int, actor) -> list[CapabilityAssessment]:
    """A year's capability scores of many secretaries at once (demo data, imports of a scoring sheet)."""
    return _bulk(CapabilityAssessment, [{**row, "year": year} for row in rows], "assessment.bulk_create", actor, year)
