"""The menu entry type. Each app lists its entries in `<app>/menu.py` as MENU = [MenuEntry(...), ...]."""

from dataclasses import dataclass, field

MENU = []


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    roles: tuple = field(default_factory=tuple)  # empty: every signed-in user
    weight: int = 100
