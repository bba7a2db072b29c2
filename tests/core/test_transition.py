"""core.services.transition: the one state-transition helper (lock, guard, state → Conflict, check, set, audit)."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts.permissions import SYSTEM, require
from cadres.models import MemberStatus, PartyMember
from core.errors import Conflict, Invalid
from core.models import AuditEntry
from core.services import given, transition
from tests.cadres import helpers as h

pytestmark = pytest.mark.django_db


def _to_probationary(member, **kw):
    kw.setdefault("actor", SYSTEM)
    return transition(
        member,
        field="status",
        allowed_from=(MemberStatus.FULL,),
        to=MemberStatus.PROBATIONARY,
        audit_action="member.test_transition",
        error_code="test_wrong_state",
        message="wrong state",
        **kw,
    )


def test_moves_the_state_saves_and_audits_the_diff(county):
    member = h.member(county["village_a1"])
    saved, diff = _to_probationary(member, changes={"without_post": True})
    assert diff == {"status": ["full", "probationary"], "without_post": ["False", "True"]}
    assert PartyMember.objects.get(pk=member.pk).status == MemberStatus.PROBATIONARY
    entry = AuditEntry.objects.get(action="member.test_transition")
    assert entry.changes["status"] == ["full", "probationary"] and entry.unit_id == county["village_a1"].pk
    assert saved.pk == member.pk


def test_a_wrong_state_is_a_conflict_with_the_apps_code_and_nothing_is_written(county):
    member = h.member(county["village_a1"])
    _to_probationary(member)
    with pytest.raises(Conflict) as info:
        _to_probationary(member)  # the caller's copy still says "full": the locked row decides
    assert info.value.error_code == "test_wrong_state" and info.value.message_dict == {"status": ["wrong state"]}
    assert AuditEntry.objects.filter(action="member.test_transition").count() == 1


def test_guard_runs_before_the_state_check_and_check_before_any_change(county, users):
    member = h.member(county["village_a1"])
    with pytest.raises(PermissionDenied):
        _to_probationary(member, actor=users["staff_b"], guard=lambda m: require(users["staff_b"], "change", m))
    with pytest.raises(Invalid):
        _to_probationary(member, check=lambda m: given("  ", "why?", code="reason_required", field="note"))
    assert PartyMember.objects.get(pk=member.pk).status == MemberStatus.FULL
    assert not AuditEntry.objects.filter(action="member.test_transition").exists()


def test_the_target_state_may_be_a_function_of_the_locked_row(county):
    member = h.member(county["village_a1"])
    _saved, diff = transition(
        member,
        actor=SYSTEM,
        allowed_from=(MemberStatus.FULL,),
        to=lambda locked: MemberStatus.PROBATIONARY if locked.status == MemberStatus.FULL else locked.status,
        audit_action="member.test_transition",
        error_code="test_wrong_state",
        message="wrong state",
    )
    assert diff["status"] == ["full", "probationary"]
