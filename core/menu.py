"""The menu entry type. Each app lists its entries in `<app>/menu.py` as MENU = [MenuEntry(...), ...].

An entry is shown when the user holds one of its `roles` (none: everyone signed in) and, when it names an `action`,
may do that action on its model (derived from the model's declarations, as every permission is)."""

from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass(frozen=True)
class MenuEntry:
    label: str | Promise  # a lazy translation
    url_name: str
    roles: tuple = field(default_factory=tuple)  # empty: every signed-in user
    weight: int = 100
    # ("app_label.Model", action): shown only to users whose roles hold the action on that model
    # (accounts.permissions.holds_action, the models' declarations), besides `roles`.
    action: tuple[str, str] | None = None


MENU: list[MenuEntry] = []  # core has no pages of its own in the menu
