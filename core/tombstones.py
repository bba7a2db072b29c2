"""The deletion feed's one writer: a post_delete receiver on every model an API list serves.

Tracked: every model that names a `scope_field` and has an `updated_at` (the rows a client syncs with
`updated_since`), the feed itself aside. Each deletion — by a service, a cascade, the admin or a queryset's
`delete()` — writes one `core.models.Tombstone` per distinct unit path the record lay under (a transfer between two
units is deleted on both sides), in the deleting transaction. Connected per model (`connect()`, from
`CoreConfig.ready()`), so models nobody syncs keep Django's fast deletes.

A record also leaves when it is saved under another unit (a member's transfer, a clue moved to another grid): for
the models that cache their unit paths, `record_row_move` compares the paths the row was read with and writes a
"moved" row at each old one. A subtree move (`organizations.services.unit_move`) moves many at once:
`record_moves` writes a "moved" row for every tracked record under the moved subtree, at the path it had, and marks
those records changed (`updated_at`) so that whoever sees the new place gets them through `updated_since`.
"""

from itertools import islice

from django.apps import apps
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from accounts.scoping import path_lookup
from core.api.filters import has_sync_field
from core.models import Tombstone


def tracked_models() -> list:
    return [
        model
        for model in apps.get_models()
        if model is not Tombstone and getattr(model, "scope_field", None) is not None and has_sync_field(model)
    ]


def _follow(obj, lookup: str):
    """The value at `lookup` ("unit__path", "unit_path", "clue__grid_path") from `obj`, None along a missing link."""
    for name in lookup.split("__"):
        if obj is None:
            return None
        try:
            obj = getattr(obj, name)
        except Exception:  # noqa: BLE001 - a related row already gone (a cascade's order) names no path
            return None
    return obj


def unit_paths(instance) -> list[str]:
    """The distinct unit paths `instance` lies under, by its model's `scope_field`."""
    model = type(instance)
    names = model.scope_field if isinstance(model.scope_field, tuple | list) else (model.scope_field,)
    paths = []
    for name in names:
        path = _follow(instance, path_lookup(model, name))
        if path and path not in paths:
            paths.append(path)
    return paths


def record_deletion(sender, instance, **kwargs) -> None:
    code = getattr(instance, "code", "")
    code = code if isinstance(code, str) else ""
    label = sender._meta.label_lower
    rows = [
        Tombstone(model=label, object_id=str(instance.pk), code=code[:64], unit_path=path)
        for path in unit_paths(instance) or [""]
    ]
    Tombstone.objects.bulk_create(rows)


def record_row_move(sender, instance, created=False, **kwargs) -> None:
    """A saved row of a cached-path model (a member transferred to another village, a clue re-gridded) whose unit
    path changed since it was read: a "moved" tombstone at each old path, like `record_moves` for a subtree."""
    loaded = getattr(instance, "loaded_scope_paths", None)
    if created or not loaded:
        return
    label = sender._meta.label_lower
    code = getattr(instance, "code", "")
    rows = []
    for column, old in loaded.items():
        new = getattr(instance, column, old)
        if old and new != old:
            rows.append(
                Tombstone(
                    model=label,
                    object_id=str(instance.pk),
                    code=code[:64] if isinstance(code, str) else "",
                    reason=Tombstone.MOVED,
                    unit_path=old,
                    moved_to_path=new or "",
                )
            )
        loaded[column] = new
    if rows:
        Tombstone.objects.bulk_create(rows)


def connect() -> None:
    for model in tracked_models():
        post_delete.connect(record_deletion, sender=model, dispatch_uid=f"tombstone:{model._meta.label_lower}")
        if getattr(model, "scope_path_cache", None):
            post_save.connect(record_row_move, sender=model, dispatch_uid=f"tombstone-move:{model._meta.label_lower}")


MOVE_BATCH = 2000


def record_moves(old_path: str, new_path: str) -> int:
    """After the subtree at `old_path` moved to `new_path` (paths and cached paths already rewritten, in the same
    transaction): a "moved" tombstone for every tracked record now under `new_path`, at its old path, and its
    `updated_at` bumped where no cached-path rewrite did it already. Returns the tombstones written.

    A record with two ways to a unit (a transfer's two sides) gets one row per side that moved."""
    now = timezone.now()
    written = 0
    for model in tracked_models():
        names = model.scope_field if isinstance(model.scope_field, tuple | list) else (model.scope_field,)
        cached = set(getattr(model, "scope_path_cache", {}).values())
        has_code = any(field.name == "code" for field in model._meta.concrete_fields)
        label = model._meta.label_lower
        for name in names:
            lookup = path_lookup(model, name)
            moved = model._base_manager.filter(**{f"{lookup}__startswith": new_path})
            if lookup not in cached and lookup != "path":  # the tree and the cached columns were touched by the move
                moved.update(updated_at=now)
            rows = moved.order_by().values_list("pk", lookup, *(["code"] if has_code else [])).iterator(MOVE_BATCH)
            while batch := list(islice(rows, MOVE_BATCH)):
                Tombstone.objects.bulk_create(
                    Tombstone(
                        model=label,
                        object_id=str(row[0]),
                        code=row[2][:64] if has_code and isinstance(row[2], str) else "",
                        reason=Tombstone.MOVED,
                        unit_path=old_path + row[1][len(new_path) :],
                        moved_to_path=row[1],
                        deleted_at=now,
                    )
                    for row in batch
                )
                written += len(batch)
    return written
