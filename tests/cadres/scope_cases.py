from datetime import date

from django.urls import reverse
from django.utils import timezone

from accounts.permissions import APPROVE, CHANGE, REVEAL, SYSTEM, VIEW
from cadres import services
from cadres.models import (
    CadrePost,
    CapabilityAssessment,
    DegreeStudy,
    DevelopmentRecord,
    DevelopmentStep,
    ElevatedManagement,
    JointVetting,
    MemberTransfer,
    PartyMember,
    Person,
    PersonalDataReveal,
    ReserveCadre,
    ReserveStep,
    StepKind,
    StepStatus,
    TrainingAttendance,
    TrainingSession,
)
from tests import roles
from tests.cadres import helpers as h
from tests.scope import Act, ScopeCase


def _name(unit, what):
    return f"{what}{unit.code[:4]}"


def _first_child(unit):
    return unit.children.order_by("pk").first()


def make_transfer(county, users, unit):
    m = h.member(unit, _name(unit, "转接"))
    return services.transfer_start(member=m, to_unit=_first_child(unit), out_on=date(2024, 3, 1), actor=SYSTEM)


def make_record(county, users, unit):
    return services.development_start(
        person=h.person(unit, _name(unit, "发展")), unit=unit, applied_on=date(2022, 1, 1), actor=SYSTEM
    )


def make_step(county, users, unit):
    return services.development_propose(
        record=make_record(county, users, unit), effective_on=date(2022, 6, 1), actor=SYSTEM
    )


def make_elevation(county, users, unit):
    post = h.secretary_post(unit, _name(unit, "提级"))
    return services.elevation_create(
        post=post,
        direction="positive",
        reason="实绩突出",
        started_on=date(2024, 1, 1),
        review_on=date(2025, 1, 1),
        actor=SYSTEM,
    )


def make_reserve(county, users, unit):
    return services.reserve_nominate(
        person=h.person(unit, _name(unit, "后备"), age=26),
        unit=unit,
        post_for="secretary",
        nomination="self",
        nominated_on=date(2024, 2, 1),
        actor=SYSTEM,
    )


def make_session(county, users, unit):
    return services.training_create(
        topic=_name(unit, "培训"),
        organizer=unit,
        level="village",
        starts_on=date(2024, 5, 1),
        ends_on=date(2024, 5, 2),
        actor=SYSTEM,
    )


def make_attendance(county, users, unit):
    session = make_session(county, users, unit)
    services.training_add_attendees(session=session, people=[h.person(unit, _name(unit, "学员"))], actor=SYSTEM)
    return session.attendances.get()


def make_reveal(county, users, unit):
    p = h.person(unit, _name(unit, "查看"))
    return PersonalDataReveal.objects.create(person=p, field="id_number", actor=users["admin"])


def person_body(county, unit):
    return {"name": "新人员", "id_number": h.make_id(), "unit_code": unit.code}


def member_body(county, unit):
    return {**person_body(county, unit), "status": "probationary", "joined_on": "2024-07-01"}


def transfer_body(county, unit):
    m = h.member(unit)
    return {"member": m.pk, "to_unit_code": _first_child(unit).code, "out_on": "2024-03-01"}


def person_ref_body(extra):
    def body(county, unit):
        return {"person": h.person(unit).pk, "unit_code": unit.code, **extra}

    return body


def elevation_body(county, unit):
    post = h.secretary_post(unit)
    return {
        "post": post.pk,
        "direction": "negative",
        "reason": "整改",
        "started_on": "2024-01-01",
        "review_on": "2024-12-31",
    }


def session_body(county, unit):
    return {
        "topic": "新培训",
        "organizer_code": unit.code,
        "level": "village",
        "starts_on": "2024-05-01",
        "ends_on": "2024-05-01",
    }


TODAY = lambda county, obj: {"on": str(timezone.localdate())}  # noqa: E731


def _arrived(county, users, transfer):
    return services.transfer_arrive(transfer=transfer, on=date(2024, 3, 5), actor=SYSTEM)


def _open(county, users, record):
    """The record with no step awaiting approval (the world's may have one), so a branch may propose."""
    record.steps.filter(status=StepStatus.PROPOSED).delete()
    return record


def _proposed(county, users, record):
    if not record.steps.filter(status=StepStatus.PROPOSED).exists():
        services.development_propose(record=record, effective_on=date(2022, 6, 1), actor=SYSTEM)
    return record


def _at(unit_field, action=CHANGE):
    """The matrix's answer for a write the service checks at one side of a transfer (its `unit_field`)."""
    return lambda user, obj: roles.expected_at(user, action, type(obj), getattr(obj, unit_field))


def _attendee_body(county, session):
    return {"people": [h.person(session.organizer, _name(session.organizer, "新学员")).pk]}


TRANSFER_ACTIONS = (
    Act("arrive", CHANGE, {"on": "2024-03-05"}, expect=_at("to_unit")),
    Act("receive", CHANGE, {"on": "2024-03-06"}, prepare=_arrived, expect=_at("to_unit")),
    Act("cancel", CHANGE, expect=_at("from_unit")),
)
DEVELOPMENT_ACTIONS = (
    Act("propose", CHANGE, {"effective_on": "2022-06-01"}, prepare=_open),
    Act("approve", APPROVE, prepare=_proposed),
    Act("send-back", APPROVE, {"reason": "材料不全"}, prepare=_proposed),
)
RESERVE_ACTIONS = (
    # Nominated → reviewed: a change of the record that is also the township's decision.
    Act(
        "advance",
        APPROVE,
        TODAY,
        expect=lambda user, obj: roles.expected(user, CHANGE, obj) and roles.expected(user, APPROVE, obj),
    ),
    Act("drop", CHANGE, lambda county, obj: {**TODAY(county, obj), "reason": "本人放弃"}),
)


def _aged_reserves(county, users, obj):
    """The object's village without a reserve under 30 (every reserve there born long ago): the under-30 report
    lists it."""
    Person.objects.filter(reserves__unit=obj.unit).update(birth_date=date(1960, 1, 1))
    return obj


def _sitting_secretary(unit):
    return CadrePost.objects.filter(unit=unit, post="secretary", ended_on__isnull=True).first()


def _secretary_at_organizer(county, users, obj):
    """A sitting secretary at the session's village (none trained in 2023): the coverage report lists them."""
    if _sitting_secretary(obj.organizer) is None:
        h.secretary_post(obj.organizer, _name(obj.organizer, "书记"))
    return obj


# List-wide reports, aimed at the object's unit and year; they list it exactly when in the user's scope.
RANKING = Act(
    "ranking",
    VIEW,
    lambda county, obj: {"year": obj.year},
    method="get",
    detail=False,
    shows=lambda data, obj: any(r["person"] == obj.person.name and r["unit_code"] == obj.unit.code for r in data),
)
UNDER_30 = Act(
    "under-30",
    VIEW,
    method="get",
    detail=False,
    prepare=_aged_reserves,
    expect=lambda user, obj: roles.expected(user, VIEW, obj.unit),
    shows=lambda data, obj: any(v["code"] == obj.unit.code for t in data["townships"] for v in t["villages"]),
)
COVERAGE = Act(
    "coverage",
    VIEW,
    {"year": 2023},
    method="get",
    detail=False,
    prepare=_secretary_at_organizer,
    expect=lambda user, obj: roles.expected(user, VIEW, _sitting_secretary(obj.organizer)),
    shows=lambda data, obj: any(r["unit_code"] == obj.organizer.code for r in data["not_trained"]),
)


def _step_page(route, step):
    return lambda obj: reverse(f"cadres:{route}", args=[obj.pk, step])


def _today_on(county, obj):
    return {"on": str(timezone.localdate())}


TRANSFER_PAGES = tuple(
    Act(
        f"page {a.name}",
        a.action,
        a.body,
        prepare=a.prepare,
        expect=a.expect,
        url=_step_page("transfer_action", a.name),
    )
    for a in TRANSFER_ACTIONS
)
RESERVE_PAGES = (
    Act(
        "page advance",
        APPROVE,
        _today_on,
        expect=RESERVE_ACTIONS[0].expect,
        url=_step_page("reserve_action", "advance"),
    ),
    Act(
        "page drop",
        CHANGE,
        lambda county, obj: {**_today_on(county, obj), "reason": "本人放弃"},
        url=_step_page("reserve_action", "drop"),
    ),
)


def _url(name):
    return lambda obj: reverse(name, args=[obj.pk])


def _pending_step_page(name):
    # The route walker of tests/test_standard_actions.py passes a stand-in whose every attribute is a number.
    return lambda record: reverse(
        name, args=[record.steps.get(status=StepStatus.PROPOSED).pk if hasattr(record.steps, "get") else 1]
    )


DEVELOPMENT_PAGES = (
    Act("page approve", APPROVE, prepare=_proposed, url=_pending_step_page("cadres:development_approve")),
    Act(
        "page send-back",
        APPROVE,
        DEVELOPMENT_ACTIONS[2].body,
        prepare=_proposed,
        url=_pending_step_page("cadres:development_return"),
    ),
    Act(
        "page propose",
        CHANGE,
        {"kind": StepKind.ADVANCE, "effective_on": "2022-06-01"},
        prepare=_open,
        url=_url("cadres:development_propose"),
    ),
)
# The member's page sends the member's relationship out to another unit (a grid under the member's village).
MEMBER_PAGES = (
    Act(
        "page transfer",
        CHANGE,
        lambda county, member: {"to_unit_code": _first_child(member.unit).code, "out_on": "2024-03-01"},
        url=_url("cadres:member_transfer"),
    ),
)
# A sitting secretary's post page puts the post under elevated management (a record of its own model at the unit).
POST_PAGES = (
    Act(
        "page end",
        CHANGE,
        lambda county, obj: {"ended_on": str(timezone.localdate()), "reason": "换届"},
        url=_url("cadres:post_end"),
    ),
    Act(
        "page elevate",
        CHANGE,
        {"direction": "negative", "reason": "整改", "started_on": "2024-01-01", "review_on": "2024-12-31"},
        expect=lambda user, post: roles.expected_at(user, CHANGE, ElevatedManagement, post.unit),
        url=_url("cadres:elevation_create"),
    ),
)


CASES = [
    ScopeCase(
        name="person",
        model=Person,
        make=lambda county, users, unit: h.person(unit, _name(unit, "人员")),
        ui_list=lambda: reverse("cadres:person_list"),
        ui_detail=_url("cadres:person_detail"),
        ui_update=_url("cadres:person_edit"),
        ui_update_data={"name": "改名"},
        api_list="/api/v1/cadres/people/",
        api_update_data={"name": "改名"},
        api_create_body=person_body,
        api_actions=(Act("reveal", REVEAL, {"field": "id_number"}),),
        ui_actions=(Act("page reveal", REVEAL, url=_step_page("person_reveal", "id_number")),),
    ),
    ScopeCase(
        name="party_member",
        model=PartyMember,
        make=lambda county, users, unit: h.member(unit, _name(unit, "党员")),
        ui_list=lambda: reverse("cadres:member_list"),
        ui_detail=_url("cadres:member_detail"),
        ui_update=_url("cadres:member_edit"),
        ui_update_data={"status": "probationary"},
        api_list="/api/v1/cadres/members/",
        api_update_data={"without_post": True},
        api_create_body=member_body,
        ui_actions=MEMBER_PAGES,
    ),
    ScopeCase(
        name="member_transfer",
        model=MemberTransfer,
        make=make_transfer,
        ui_list=lambda: reverse("cadres:transfer_list"),
        ui_detail=_url("cadres:transfer_detail"),
        api_list="/api/v1/cadres/transfers/",
        api_create_body=transfer_body,
        api_actions=TRANSFER_ACTIONS,
        ui_actions=TRANSFER_PAGES,
        marker=lambda obj: obj.member.person.name,
    ),
    ScopeCase(
        name="development_record",
        model=DevelopmentRecord,
        make=make_record,
        ui_list=lambda: reverse("cadres:development_list"),
        ui_detail=_url("cadres:development_detail"),
        api_list="/api/v1/cadres/development/",
        api_create_body=person_ref_body({"applied_on": "2024-01-01"}),
        api_actions=DEVELOPMENT_ACTIONS,
        ui_actions=DEVELOPMENT_PAGES,
        marker=lambda obj: obj.person.name,
    ),
    ScopeCase(name="development_step", model=DevelopmentStep, make=make_step),
    ScopeCase(
        name="cadre_post",
        model=CadrePost,
        make=lambda county, users, unit: h.secretary_post(unit, _name(unit, "书记")),
        ui_list=lambda: reverse("cadres:post_list"),
        ui_detail=_url("cadres:post_detail"),
        api_list="/api/v1/cadres/posts/",
        api_create_body=person_ref_body({"post": "member", "term_start_year": 2021, "started_on": "2021-05-01"}),
        api_actions=(
            Act("end", CHANGE, lambda county, obj: {"ended_on": str(timezone.localdate()), "reason": "换届"}),
        ),
        ui_actions=POST_PAGES,
        marker=lambda obj: obj.person.name,
    ),
    ScopeCase(
        name="elevated_management",
        model=ElevatedManagement,
        make=make_elevation,
        ui_list=lambda: reverse("cadres:elevation_list"),
        ui_detail=_url("cadres:elevation_detail"),
        api_list="/api/v1/cadres/elevations/",
        api_create_body=elevation_body,
        marker=lambda obj: obj.post.person.name,
    ),
    ScopeCase(
        name="joint_vetting",
        model=JointVetting,
        make=lambda county, users, unit: services.vetting_create(
            person=h.person(unit, _name(unit, "联审")),
            unit=unit,
            vetted_on=date(2024, 3, 1),
            result="passed",
            filed_on=date(2024, 3, 10),
            actor=SYSTEM,
        ),
        ui_list=lambda: reverse("cadres:vetting_list"),
        ui_detail=_url("cadres:vetting_detail"),
        api_list="/api/v1/cadres/vettings/",
        api_create_body=person_ref_body({"vetted_on": "2024-03-01", "result": "passed"}),
        marker=lambda obj: obj.person.name,
    ),
    ScopeCase(
        name="degree_study",
        model=DegreeStudy,
        make=lambda county, users, unit: services.study_create(
            person=h.person(unit, _name(unit, "学历")),
            unit=unit,
            school="荆州职业技术学院",
            target_level="college",
            enrolled_on=date(2023, 9, 1),
            actor=SYSTEM,
        ),
        ui_list=lambda: reverse("cadres:study_list"),
        ui_detail=_url("cadres:study_detail"),
        api_list="/api/v1/cadres/studies/",
        api_create_body=person_ref_body(
            {"school": "长江大学", "target_level": "bachelor", "enrolled_on": "2024-09-01"}
        ),
        marker=lambda obj: obj.person.name,
    ),
    ScopeCase(
        name="capability_assessment",
        model=CapabilityAssessment,
        make=lambda county, users, unit: services.assessment_record(
            person=h.person(unit, _name(unit, "测评")),
            unit=unit,
            year=timezone.localdate().year,
            score=88,
            actor=SYSTEM,
        ),
        ui_list=lambda: reverse("cadres:assessment_list"),
        ui_detail=_url("cadres:assessment_detail"),
        api_list="/api/v1/cadres/assessments/",
        api_create_body=person_ref_body({"year": 2024, "score": "90.5"}),
        api_actions=(RANKING,),
        marker=lambda obj: obj.person.name,
    ),
    ScopeCase(
        name="reserve_cadre",
        model=ReserveCadre,
        make=make_reserve,
        ui_list=lambda: reverse("cadres:reserve_list"),
        ui_detail=_url("cadres:reserve_detail"),
        api_list="/api/v1/cadres/reserves/",
        api_create_body=person_ref_body({"post_for": "other", "nomination": "open", "nominated_on": "2024-02-01"}),
        api_actions=(*RESERVE_ACTIONS, UNDER_30),
        ui_actions=RESERVE_PAGES,
        marker=lambda obj: obj.person.name,
    ),
    ScopeCase(name="reserve_step", model=ReserveStep, make=lambda c, u, unit: make_reserve(c, u, unit).steps.get()),
    ScopeCase(
        name="training_session",
        model=TrainingSession,
        make=make_session,
        ui_list=lambda: reverse("cadres:training_list"),
        ui_detail=_url("cadres:training_detail"),
        api_list="/api/v1/cadres/trainings/",
        api_create_body=session_body,
        api_actions=(Act("attendees", CHANGE, _attendee_body), COVERAGE),
    ),
    ScopeCase(name="training_attendance", model=TrainingAttendance, make=make_attendance),
    ScopeCase(name="personal_data_reveal", model=PersonalDataReveal, make=make_reveal),
]
