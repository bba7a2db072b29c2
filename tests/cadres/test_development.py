"""Member development pipeline: the branch proposes, the township approves; waiting times are enforced."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.permissions import SYSTEM
from cadres import services
from cadres.models import ApprovalLevel, DevelopmentRecord, DevelopmentStage, MemberStatus, PartyMember, StepStatus
from core import events
from core.models import AuditEntry
from tests.cadres import helpers as h

pytestmark = pytest.mark.django_db


def test_secretary_proposes_target_after_a_year_and_township_staff_approves(county, users):
    record = h.activist(county["village_a1"], activist_days_ago=400)
    step = services.development_propose(record=record, effective_on=h.days_ago(1), actor=users["secretary_a1"])
    record.refresh_from_db()
    assert record.stage == DevelopmentStage.ACTIVIST and step.to_stage == DevelopmentStage.TARGET
    record = services.development_approve(step=step, actor=users["staff_a"])
    step.refresh_from_db()
    assert record.stage == DevelopmentStage.TARGET and record.target_on == h.days_ago(1)
    assert step.status == StepStatus.APPROVED and step.decided_by == users["staff_a"]
    assert step.level == ApprovalLevel.TOWNSHIP and step.proposed_by == users["secretary_a1"]


def test_target_within_a_year_of_activist_is_refused_with_the_reason(county, users):
    record = h.activist(county["village_a1"], activist_days_ago=200)
    with pytest.raises(ValidationError) as info:
        services.development_propose(record=record, effective_on=h.days_ago(0), actor=users["secretary_a1"])
    message = info.value.message_dict["effective_on"][0]
    assert "至少一年" in message and str(h.days_ago(200).year) in message
    assert not record.steps.filter(status=StepStatus.PROPOSED).exists()


def test_rules_are_checked_again_at_approval(county, users):
    record = h.activist(county["village_a1"], activist_days_ago=400)
    step = services.development_propose(record=record, effective_on=h.days_ago(0), actor=users["secretary_a1"])
    # The activist date is corrected meanwhile (e.g. a data error): approval re-checks the waiting time.
    type(record).objects.filter(pk=record.pk).update(activist_on=h.days_ago(100))
    with pytest.raises(ValidationError):
        services.development_approve(step=step, actor=users["staff_a"])
    record.refresh_from_db()
    assert record.stage == DevelopmentStage.ACTIVIST


def test_secretary_cannot_approve_and_other_township_cannot_either(county, users):
    record = h.activist(county["village_a1"], activist_days_ago=400)
    step = services.development_propose(record=record, effective_on=h.days_ago(0), actor=users["secretary_a1"])
    with pytest.raises(PermissionDenied):
        services.development_approve(step=step, actor=users["secretary_a1"])
    with pytest.raises(PermissionDenied):
        services.development_approve(step=step, actor=users["staff_b"])
    with pytest.raises(PermissionDenied):
        services.development_propose(record=record, effective_on=h.days_ago(0), actor=users["staff_b"])
    step.refresh_from_db()
    assert step.status == StepStatus.PROPOSED


def test_send_back_needs_a_reason_and_keeps_the_history(county, users):
    record = h.activist(county["village_a1"], activist_days_ago=400)
    step = services.development_propose(record=record, effective_on=h.days_ago(0), actor=users["secretary_a1"])
    with pytest.raises(ValidationError) as info:
        services.development_return(step=step, reason=" ", actor=users["staff_a"])
    assert "return_reason" in info.value.message_dict
    services.development_return(step=step, reason="考察材料不全，请补充谈话记录", actor=users["staff_a"])
    again = services.development_propose(record=record, effective_on=h.days_ago(0), actor=users["secretary_a1"])
    services.development_approve(step=again, actor=users["staff_a"])
    history = list(record.steps.values_list("to_stage", "status", "return_reason"))
    assert history == [
        ("activist", "approved", ""),
        ("target", "returned", "考察材料不全，请补充谈话记录"),
        ("target", "approved", ""),
    ]
    with pytest.raises(ValidationError):
        services.development_return(step=again, reason="已审批", actor=users["staff_a"])


def _probationary(unit, admitted_days_ago):
    record = services.development_start(
        person=h.person(unit), unit=unit, applied_on=h.days_ago(admitted_days_ago + 900), actor=SYSTEM
    )
    for days in (admitted_days_ago + 800, admitted_days_ago + 100, admitted_days_ago):
        step = services.development_propose(record=record, effective_on=h.days_ago(days), actor=SYSTEM)
        record = services.development_approve(step=step, actor=SYSTEM)
    return record


def test_probation_lasts_a_year_then_the_member_becomes_full(county, users):
    record = _probationary(county["village_a1"], admitted_days_ago=300)
    member = PartyMember.objects.get(person=record.person)
    assert member.status == MemberStatus.PROBATIONARY and member.joined_on == h.days_ago(300)
    with pytest.raises(ValidationError) as info:
        services.development_propose(record=record, effective_on=h.days_ago(0), actor=users["secretary_a1"])
    assert "预备期" in info.value.message_dict["effective_on"][0]

    record = _probationary(county["village_a2"], admitted_days_ago=380)
    step = services.development_propose(record=record, effective_on=h.days_ago(0), actor=users["staff_a"])
    services.development_approve(step=step, actor=users["city_staff"])
    step.refresh_from_db()
    assert step.level == ApprovalLevel.COUNTY
    assert PartyMember.objects.get(person=record.person).status == MemberStatus.FULL


def test_extended_probation_delays_full_membership(county, users):
    record = _probationary(county["village_a1"], admitted_days_ago=700)
    admitted = record.admitted_on
    with pytest.raises(ValidationError) as info:  # more than one extra year
        services.development_propose(
            record=record,
            kind="extend",
            effective_on=h.days_ago(400),
            extended_until=admitted + timedelta(days=800),
            actor=SYSTEM,
        )
    assert "extended_until" in info.value.message_dict
    step = services.development_propose(
        record=record,
        kind="extend",
        effective_on=h.days_ago(340),
        extended_until=admitted + timedelta(days=550),
        actor=SYSTEM,
    )
    record = services.development_approve(step=step, actor=users["staff_a"])
    assert record.stage == DevelopmentStage.PROBATIONARY
    assert record.probation_extended_until == admitted + timedelta(days=550)
    with pytest.raises(ValidationError):  # after one year but before the extension ends
        services.development_propose(record=record, effective_on=admitted + timedelta(days=400), actor=SYSTEM)
    step = services.development_propose(record=record, effective_on=admitted + timedelta(days=560), actor=SYSTEM)
    assert services.development_approve(step=step, actor=users["staff_a"]).stage == DevelopmentStage.FULL


def test_disqualification_needs_a_reason_and_removes_the_probationary_member(county, users):
    record = _probationary(county["village_a1"], admitted_days_ago=100)
    with pytest.raises(ValidationError) as info:
        services.development_propose(record=record, kind="disqualify", effective_on=h.days_ago(0), actor=SYSTEM)
    assert "note" in info.value.message_dict
    step = services.development_propose(
        record=record,
        kind="disqualify",
        effective_on=h.days_ago(0),
        note="预备期内不履行党员义务",
        actor=users["secretary_a1"],
    )
    record = services.development_approve(step=step, actor=users["staff_a"])
    assert record.stage == DevelopmentStage.DISQUALIFIED and record.disqualified_reason == "预备期内不履行党员义务"
    assert not PartyMember.objects.filter(person=record.person).exists()
    with pytest.raises(ValidationError):
        services.development_propose(record=record, effective_on=h.days_ago(0), actor=SYSTEM)


def test_extension_and_disqualification_only_for_probationary_members(county):
    record = h.activist(county["village_a1"])
    for kind in ("extend", "disqualify"):
        with pytest.raises(ValidationError) as info:
            services.development_propose(
                record=record,
                kind=kind,
                effective_on=h.days_ago(0),
                note="x",
                extended_until=h.days_ago(0),
                actor=SYSTEM,
            )
        assert "kind" in info.value.message_dict


def test_future_dates_and_second_pending_step_refused(county, users):
    record = h.activist(county["village_a1"], activist_days_ago=400)
    with pytest.raises(ValidationError):
        services.development_propose(record=record, effective_on=h.days_ago(-3), actor=SYSTEM)
    services.development_propose(record=record, effective_on=h.days_ago(0), actor=SYSTEM)
    with pytest.raises(ValidationError):
        services.development_propose(record=record, effective_on=h.days_ago(0), actor=SYSTEM)


def test_approval_announces_the_change_after_commit(county, users, django_capture_on_commit_callbacks):
    seen = []
    callback = events.subscribe(lambda **kw: seen.append(kw))
    try:
        record = h.activist(county["village_a1"], activist_days_ago=400)
        step = services.development_propose(record=record, effective_on=h.days_ago(0), actor=SYSTEM)
        with django_capture_on_commit_callbacks(execute=True):
            services.development_approve(step=step, actor=users["staff_a"])
    finally:
        events._subscribers.remove(callback)
    assert {"source": "cadres", "unit_ids": [county["village_a1"].pk], "year": h.days_ago(0).year} in seen


def test_person_who_is_a_member_cannot_start_development(county):
    member = h.member(county["village_a1"])
    with pytest.raises(ValidationError):
        services.development_start(
            person=member.person, unit=county["village_a1"], applied_on=h.days_ago(1), actor=SYSTEM
        )


def test_secretary_records_an_application_of_someone_not_yet_registered(county, users, client_for):
    from django.urls import reverse

    number = h.make_id("20000101")
    client = client_for(users["secretary_a1"])
    url = reverse("cadres:development_create")
    body = {"person_id_number": number, "unit": county["village_a1"].pk, "applied_on": str(h.days_ago(3))}
    page = client.post(url, body).content.decode()
    assert "请选择申请人，或填写尚未登记人员的姓名和身份证号码" in page
    response = client.post(url, {**body, "name": "新申请人"})
    assert response.status_code == 302
    record = DevelopmentRecord.objects.get(person__name="新申请人")
    assert record.stage == DevelopmentStage.APPLICANT and record.person.birth_date.year == 2000


def test_the_level_of_a_decision_is_the_declared_county_action_not_a_role_test(county, users):
    """ApprovalLevel.COUNTY where the approver holds APPROVE_AS_COUNTY anywhere (organization department,
    superusers, the system), else the township."""
    for actor, level in (
        (users["staff_a"], ApprovalLevel.TOWNSHIP),
        (users["city_staff"], ApprovalLevel.COUNTY),
        (users["admin"], ApprovalLevel.COUNTY),
        (SYSTEM, ApprovalLevel.COUNTY),
    ):
        record = h.activist(county["village_a1"], activist_days_ago=400)
        step = services.development_propose(record=record, effective_on=h.days_ago(1), actor=users["secretary_a1"])
        step = services.development_return(step=step, reason="材料不全", actor=actor)
        assert step.level == level and step.status == StepStatus.RETURNED and step.return_reason == "材料不全"
        entry = AuditEntry.objects.filter(action="development.return").latest("pk")
        assert entry.changes["status"] == ["proposed", "returned"]
