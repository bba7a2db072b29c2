"""What a sheet holds: its columns, their Chinese headers and their types (the interface of the import engine).

A `SheetSpec` is data: the reader matches a sheet's headers against each `Column`'s label and aliases, parses each
cell by the column's type, and the exports and blank templates write the labels as headers, so that an export is
re-imported unchanged. Labels are the Chinese the townships write, not translations: they are matched, not shown
through gettext.
"""

from dataclasses import dataclass

TYPES = ("text", "int", "decimal", "amount", "date", "choice", "bool", "id_number", "phone")


@dataclass(frozen=True)
class Column:
    key: str  # the importer's field key, e.g. "joined_on"
    label: str  # the template's Chinese header, e.g. "入党日期"
    aliases: tuple[str, ...] = ()  # common variants, e.g. ("入党时间",)
    type: str = "text"  # one of TYPES
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()  # (value, Chinese label) for choice columns
    help: str = ""  # shown on the template's help sheet

    def __post_init__(self):
        if self.type not in TYPES:
            raise ValueError(f"unknown column type {self.type!r} for {self.key!r}")
        if self.type == "choice" and not self.choices:
            raise ValueError(f"choice column {self.key!r} without choices")

    @property
    def names(self) -> tuple[str, ...]:
        """The label first, then the aliases: every header this column answers to."""
        return (self.label, *self.aliases)


@dataclass(frozen=True)
class SheetSpec:
    kind: str  # e.g. "members", "income" (also the core.imports upload kind)
    title: str  # Chinese, e.g. "党员信息": sheet and template names
    columns: tuple[Column, ...]
    has_amounts: bool = False  # set when any Column.type == "amount"
    # Groups of keys of which a sheet must hold one (("id_number", "person_code"): a person by ID number or by code);
    # when none is found, the group's first key is missing (the mapping step offers it).
    either: tuple[tuple[str, ...], ...] = ()

    def __post_init__(self):
        keys = [column.key for column in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"{self.kind}: a column key appears twice")
        if any(column.type == "amount" for column in self.columns):
            object.__setattr__(self, "has_amounts", True)

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(column.key for column in self.columns if column.required)

    def missing(self, found) -> list[str]:
        """The required keys, and one key of each `either` group, not among `found`."""
        keys = [key for key in self.required if key not in found]
        return keys + [group[0] for group in self.either if not any(key in found for key in group)]

    @property
    def amount_keys(self) -> tuple[str, ...]:
        return tuple(column.key for column in self.columns if column.type == "amount")
