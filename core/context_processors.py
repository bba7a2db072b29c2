"""Navigation built from each app's `menu.MENU` entries, filtered by the user's roles."""

from functools import cache
from importlib import import_module

from django.apps import apps
from django.urls import reverse

from accounts.permissions import holds_action
from accounts.roles import Role


@cache
def menu_entries():
    """Every app's menu entries by weight, found once per process: each app's `menu` module, discovered at run
    time (so core imports no app)."""
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


def _visible(entry, user, roles) -> bool:
    if user.is_superuser:
        return True
    if entry.roles and not roles & set(entry.roles):
        return False
    return entry.action is None or holds_action(user, apps.get_model(entry.action[0]), entry.action[1])


def menu_for(user):
    if not user.is_authenticated:
        return []
    roles = user.role_names()
    return [
        {"label": entry.label, "url": reverse(entry.url_name), "url_name": entry.url_name}
        for entry in menu_entries()
        if _visible(entry, user, roles)
    ]


def shows_api_docs(user) -> bool:
    """The API documentation is for staff and external systems: not for a woodpecker, who has no use for it."""
    return user.is_authenticated and (user.is_superuser or bool(user.role_names() - {Role.WOODPECKER}))


def navigation(request):
    """The menu, with the entry whose URL is the longest prefix of the current path marked active."""
    items = menu_for(request.user)
    matches = [item for item in items if request.path.startswith(item["url"])]
    active = max(matches, key=lambda item: len(item["url"]), default=None)
    for item in items:
        item["active"] = item is active
    return {"nav_items": items, "show_api_docs": shows_api_docs(request.user)}
