"""Navigation built from each app's `menu.MENU` entries, filtered by the user's roles."""

from functools import cache
from importlib import import_module

from django.apps import apps
from django.urls import reverse


@cache
def _menu_entries():
    # Found once per process: each app's `menu` module, discovered at run time (so core imports no app).
    entries = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.menu")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.menu":
                raise
            continue
        entries.extend(module.MENU)
    return sorted(entries, key=lambda entry: entry.weight)


def menu_for(user):
    if not user.is_authenticated:
        return []
    roles = user.role_names()
    return [
        {"label": entry.label, "url": reverse(entry.url_name), "url_name": entry.url_name}
        for entry in _menu_entries()
        if user.is_superuser or not entry.roles or roles & set(entry.roles)
    ]


def navigation(request):
    """The menu, with the entry whose URL is the longest prefix of the current path marked active."""
    items = menu_for(request.user)
    matches = [item for item in items if request.path.startswith(item["url"])]
    active = max(matches, key=lambda item: len(item["url"]), default=None)
    for item in items:
        item["active"] = item is active
    return {"nav_items": items}
