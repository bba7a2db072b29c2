"""Stand-in for i12-read's spec module (SHEETS-INTERFACE.md); replaced by theirs on merge."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aliases: tuple[str, ...] = ()
    type: str = "text"
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""


@dataclass(frozen=True)
class SheetSpec:
    kind: str
    title: str
    columns: tuple[Column, ...]
    has_amounts: bool = False
