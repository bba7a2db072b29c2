"""Bulk builders of the demo county (and of tests that need many records): already-consistent rows written with
`bulk_create`, one audit row a batch, one change event. Only SYSTEM or a writer whose scope holds every unit of
the rows may call them. The portal, the API and the imports write through `cadres.services`, one record at a time."""

import logging
import time
from datetime import date

from django.db import transaction

from core import audit

from ..models import (
    RESERVE_ORDER,
    ApprovalLevel,
    CadrePost,
    CapabilityAssessment,
    DegreeStudy,
    DevelopmentRecord,
    DevelopmentStep,
    ElevatedManagement,
    JointVetting,
    PartyMember,
    Person,
    ReserveCadre,
    ReserveStep,
    StepStatus,
)
from ..services.base import _changed, _require_bulk
from ..services.members import MEMBER_FACTS
from ..validators import normalize_mobile, parse_resident_id

logger = logging.getLogger(__name__)


def people_bulk_create(*, rows: list[dict], actor) -> list[Person]:
    """Register many people at once (demo data, validated imports): each row has name, id_number, unit and
    optionally mobile, education, employment_type. ID numbers are checked; one audit row for the batch."""
    _require_bulk(actor, Person, rows)
    started = time.monotonic()
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
    # Counts and time only: never a name or a number.
    logger.info("people_bulk_create: %d people in %.2fs", len(people), time.monotonic() - started)
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


def posts_bulk_create(*, rows: list[dict], actor) -> list[CadrePost]:
    """Create many posts at once (demo data, already consistent: one sitting secretary per unit)."""
    _require_bulk(actor, CadrePost, rows)
    with transaction.atomic():
        posts = CadrePost.objects.bulk_create([CadrePost(**row) for row in rows], batch_size=1000)
        if posts:
            _changed({p.unit_id for p in posts}, None)
    return posts


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


def _bulk(model, rows: list[dict], action: str, actor, year: int | None = None) -> list:
    """Create many already-consistent records of `model` at once (demo data), with one audit row and one event."""
    key = next((k for k in ("unit", "organizer", "post") if rows and k in rows[0]), "unit")
    _require_bulk(actor, model, rows, key)
    started = time.monotonic()
    with transaction.atomic():
        objs = model.objects.bulk_create([model(**row) for row in rows], batch_size=1000)
        if objs:
            audit.record(actor=actor, action=action, obj=objs[0], changes={"count": len(objs)})
            unit_ids = {getattr(o, "unit_id", None) or getattr(o, "organizer_id", None) for o in objs}
            _changed(unit_ids, date(year, 1, 1) if year else None)
    logger.info("%s: %d rows in %.2fs", action, len(objs), time.monotonic() - started)
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
