"""core.services.update_fields: the one update helper (lock, unknown fields refused, check, full_clean, audit)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

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


def test_guard_sees_the_row_before_the_new_values_and_refuses_before_anything_is_set(county):
    member = h.member(county["village_a1"])
    seen = []

    def guard(locked):
        seen.append(locked.status)
        raise PermissionDenied("no")

    with pytest.raises(PermissionDenied):
        update_fields(
            member,
            actor=SYSTEM,
            fields={"status": MemberStatus.PROBATIONARY},
            allowed=("status",),
            audit_action="member.update",
            guard=guard,
            check=lambda m: pytest.fail("check runs after the guard"),
        )
    assert seen == [MemberStatus.FULL]


def test_also_values_are_saved_but_neither_refused_nor_in_the_diff_and_unit_may_be_a_function(county):
    member = h.member(county["village_a1"])
    _saved, changes = update_fields(
        member,
        actor=SYSTEM,
        fields={"status": MemberStatus.PROBATIONARY},
        allowed=("status",),
        also={"without_post": True},
        audit_action="member.update",
        unit=lambda m: m.unit.parent,
        related=("unit",),
    )
    assert PartyMember.objects.get(pk=member.pk).without_post is True
    assert changes == {"status": ["full", "probationary"]}
    assert AuditEntry.objects.get(action="member.update").unit_id == county["township_a"].pk


def test_only_changed_writes_nothing_without_a_change_and_only_the_changed_columns_otherwise(county):
    member = h.member(county["village_a1"])
    with CaptureQueriesContext(connection) as queries:
        _saved, changes = update_fields(
            member, actor=SYSTEM, fields={"status": "full"}, allowed=("status",), audit_action="m", only_changed=True
        )
    assert changes == {} and not AuditEntry.objects.filter(action="m").exists()
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    with CaptureQueriesContext(connection) as queries:
        update_fields(
            member,
            actor=SYSTEM,
            fields={"status": MemberStatus.PROBATIONARY},
            allowed=("status",),
            audit_action="m",
            only_changed=True,
        )
    (update,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert '"status"' in update and '"without_post"' not in update  # the other columns are not written back
    assert PartyMember.objects.get(pk=member.pk).status == MemberStatus.PROBATIONARY
    assert AuditEntry.objects.filter(action="m").count() == 1
