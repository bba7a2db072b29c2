"""The menu entry type. Each app lists its entries in `<app>/menu.py` as MENU = [MenuEntry(...), ...]."""

from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass(frozen=True)
class MenuEntry:
    label: str | Promise  # a lazy translation
    url_name: str
    roles: tuple = field(default_factory=tuple)  # empty: every signed-in user
    weight: int = 100


MENU: list[MenuEntry] = []  # core has no pages of its own in the menu
