"""The deletion feed's one writer: a post_delete receiver on every model an API list serves.

Tracked: every model that names a `scope_field` and has an `updated_at` (the rows a client syncs with
`updated_since`), the feed itself aside. Each deletion — by a service, a cascade, the admin or a queryset's
`delete()` — writes one `core.models.Tombstone` per distinct unit path the record lay under (a transfer between two
units is deleted on both sides), in the deleting transaction. Connected per model (`connect()`, from
`CoreConfig.ready()`), so models nobody syncs keep Django's fast deletes.
"""

from django.apps import apps
from django.db.models.signals import post_delete

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


def connect() -> None:
    for model in tracked_models():
        post_delete.connect(record_deletion, sender=model, dispatch_uid=f"tombstone:{model._meta.label_lower}")
