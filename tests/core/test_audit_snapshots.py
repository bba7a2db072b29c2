"""Audit rows keep who acted and where after the user or the unit is deleted (snapshots beside SET_NULL keys)."""

import importlib

import pytest
from django.apps import apps

from accounts.models import User
from core.models import AuditEntry
from organizations import services as org_services
from organizations.models import OrganizationUnit

pytestmark = pytest.mark.django_db


def test_record_fills_the_snapshots(county, users):
    org_services.unit_update(unit=county["village_a2"], actor=users["staff_a"], name="甲二村（新）")
    entry = AuditEntry.objects.get(action="unit.update")
    assert (entry.actor_username, entry.actor_repr) == ("staff_a", "staff_a")
    village = OrganizationUnit.objects.get(pk=county["village_a2"].pk)
    assert (entry.unit_code, entry.unit_name, entry.unit_path) == (village.code, "甲二村（新）", village.path)


def test_deleting_the_user_keeps_the_actor(county, users):
    staff = users["staff_a"]
    staff.display_name = "张三"
    staff.save()
    org_services.unit_update(unit=county["village_a2"], actor=staff, name="甲二村")
    User.objects.filter(pk=staff.pk).delete()
    entry = AuditEntry.objects.get(action="unit.update")
    assert entry.actor is None  # the key goes (SET_NULL), the row and its snapshot stay
    assert (entry.actor_username, entry.actor_repr, entry.actor_display) == ("staff_a", "张三", "张三")


def test_deleting_the_unit_keeps_the_unit(county, users):
    village = county["village_a2"]
    code, path = village.code, village.path
    org_services.unit_update(unit=village, actor=users["staff_a"], name="甲二村")
    org_services.unit_delete(unit=village, actor=users["staff_a"])
    assert not OrganizationUnit.objects.filter(pk=village.pk).exists()
    entry = AuditEntry.objects.get(action="unit.update")
    assert entry.unit is None
    assert (entry.unit_code, entry.unit_name, entry.unit_path) == (code, "甲二村", path)
    assert entry.unit_display == f"甲二村 ({code})"
    deletion = AuditEntry.objects.get(action="unit.delete")  # the deletion itself is recorded on the parent
    assert deletion.unit_code == county["township_a"].code and deletion.changes == {"code": code}


def test_system_actor_reads_as_system(county):
    entry = AuditEntry.objects.filter(actor__isnull=True).first()  # the factories build units as SYSTEM
    assert entry is not None and entry.actor_username == "system" and entry.actor_display in {"系统", "system"}
    assert entry.changes.get("by") == "system"


def test_migration_fills_existing_rows(county, users):
    fill = importlib.import_module("core.migrations.0002_audit_snapshots").fill_snapshots
    old = AuditEntry.objects.create(
        actor=users["staff_b"], action="legacy", object_type="x", object_id="1", object_repr="x", unit=county["grid_b1"]
    )
    assert old.actor_username == "" and old.unit_code == ""  # written as before this change
    fill(apps, None)
    old.refresh_from_db()
    assert (old.actor_username, old.actor_repr) == ("staff_b", "staff_b")
    assert (old.unit_code, old.unit_name, old.unit_path) == ("VILB10001-G01", "乙一村一组", county["grid_b1"].path)


def test_nothing_deletes_audit_rows():
    """The retention promise (at least 180 days) holds because no code path deletes audit entries: no pruning job,
    no delete permission in the admin. This test guards the first half by scanning the code."""
    from pathlib import Path

    from django.conf import settings

    offenders = []
    for path in Path(settings.BASE_DIR).glob("*/**/*.py"):
        if any(part in {".venv", "tests", "node_modules", "migrations"} for part in path.parts):
            continue
        text = path.read_text()
        if "AuditEntry" in text and ".delete(" in text and "AuditEntry.objects" in text:
            for line in text.splitlines():
                if "AuditEntry" in line and "delete" in line:
                    offenders.append(f"{path}: {line.strip()}")
    assert offenders == []
    from core.admin import AuditEntryAdmin

    assert AuditEntryAdmin.has_delete_permission(None, None) is False
