"""core.services.update_fields: the one update helper (lock, unknown fields refused, check, full_clean, audit)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.permissions import SYSTEM, require
from cadres.models import MemberStatus, PartyMember
from core.models import AuditEntry
from core.services import UNKNOWN_FIELD, update_fields
from tests.cadres import helpers as h

pytestmark = pytest.mark.django_db


def test_changes_saves_and_audits_the_diff(county):
    member = h.member(county["village_a1"])
    saved, changes = update_fields(
        member,
        actor=SYSTEM,
        fields={"status": MemberStatus.PROBATIONARY, "without_post": False},
        allowed=("status", "without_post"),
        audit_action="member.update",
    )
    assert PartyMember.objects.get(pk=member.pk).status == MemberStatus.PROBATIONARY
    assert changes == {"status": ["full", "probationary"]}  # an unchanged value is not in the diff
    entry = AuditEntry.objects.get(action="member.update", object_id=str(member.pk))
    assert entry.changes["status"] == ["full", "probationary"] and entry.unit_id == county["village_a1"].pk
    assert saved.pk == member.pk


def test_an_unknown_field_is_one_validation_error_with_a_stable_code(county):
    member = h.member(county["village_a1"])
    with pytest.raises(ValidationError) as info:
        update_fields(
            member, actor=SYSTEM, fields={"unit": county["village_b1"]}, allowed=("status",), audit_action="x"
        )
    assert info.value.code == UNKNOWN_FIELD
    assert PartyMember.objects.get(pk=member.pk).unit_id == county["village_a1"].pk
    assert not AuditEntry.objects.filter(action="x").exists()


def test_check_refuses_with_errors_or_an_exception_and_nothing_is_written(county, users):
    member = h.member(county["village_a1"])
    with pytest.raises(ValidationError) as info:
        update_fields(
            member,
            actor=SYSTEM,
            fields={"is_floating": True},
            allowed=("is_floating",),
            audit_action="member.update",
            check=lambda m: {"floating_location": ["say where"]},
        )
    assert info.value.message_dict == {"floating_location": ["say where"]}
    with pytest.raises(PermissionDenied):
        update_fields(
            member,
            actor=users["staff_b"],
            fields={"is_floating": True},
            allowed=("is_floating",),
            audit_action="member.update",
            check=lambda m: require(users["staff_b"], "change", m),
        )
    assert PartyMember.objects.get(pk=member.pk).is_floating is False
    assert not AuditEntry.objects.filter(action="member.update").exists()


def test_full_clean_runs(county):
    member = h.member(county["village_a1"])
    with pytest.raises(ValidationError) as info:
        update_fields(member, actor=SYSTEM, fields={"status": "nonsense"}, allowed=("status",), audit_action="m")
    assert "status" in info.value.message_dict


def test_audit_fields_keep_ciphertexts_out_of_the_trail(county):
    person = h.person(county["village_a1"], mobile="13900001111")
    _saved, changes = update_fields(
        person,
        actor=SYSTEM,
        fields={"name": "新名", "mobile_masked": "139****2222", "mobile_encrypted": "x", "mobile_hash": "y"},
        allowed=("name", "mobile_masked", "mobile_encrypted", "mobile_hash"),
        audit_fields=("name", "mobile_masked"),
        audit_action="person.update",
    )
    assert set(changes) == {"name", "mobile_masked"}
