"""Writing the audit trail. Call from inside a service's transaction so the entry and the change commit together."""

from django.db import models

from .models import ACTION_LABELS, AuditEntry

__all__ = ["ACTION_LABELS", "AuditEntry", "diff", "record", "record_many"]


def record(*, actor, action: str, obj: models.Model, unit=None, changes: dict | None = None) -> AuditEntry:
    """Append one audit entry for `action` on `obj` by `actor` (a user, or `accounts.permissions.SYSTEM`: no user,
    and the row says `"by": "system"`).

    The actor and the unit are also copied as text, so the entry outlives their deletion."""
    changes = changes or {}
    if getattr(actor, "is_system", False):
        changes = {**changes, "by": "system"}
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        **AuditEntry.snapshot(actor, unit),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        unit=unit,
        changes=changes,
    )


def record_many(*, actor, action: str, items, batch_size: int = 2000) -> int:
    """One audit entry per (obj, unit, changes) in `items`, written in bulk (a sheet import's changed records);
    returns how many. The objects must be saved (they need their primary keys)."""
    user = actor if getattr(actor, "pk", None) else None
    snapshots: dict = {}
    entries = []
    extra = {"by": "system"} if getattr(actor, "is_system", False) else {}
    for obj, unit, changes in items:
        key = getattr(unit, "pk", None)
        if key not in snapshots:
            snapshots[key] = AuditEntry.snapshot(actor, unit)
        entries.append(
            AuditEntry(
                actor=user,
                **snapshots[key],
                action=action,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                unit=unit,
                changes={**(changes or {}), **extra},
            )
        )
    AuditEntry.objects.bulk_create(entries, batch_size=batch_size)
    return len(entries)


def diff(instance: models.Model, before: dict, fields) -> dict:
    """The fields whose value changed since `before` (a dict of field name → old value), as strings for JSON."""
    changed = {}
    for name in fields:
        old, new = before.get(name), getattr(instance, name)
        if old != new:
            changed[name] = [None if old is None else str(old), None if new is None else str(new)]
    return changed
