"""List every registered API error code (core/errors.py): `manage.py error_codes --markdown` prints the table that
docs/api.md carries between its error-codes markers, `--write` puts it there (tests/core/test_error_codes.py
checks the two agree)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from core.errors import registry

DOC = Path(settings.BASE_DIR) / "docs" / "api.md"
START = "<!-- error-codes:start (manage.py error_codes --write) -->"
END = "<!-- error-codes:end -->"


def markdown() -> str:
    lines = ["| code | HTTP | app | meaning | 含义 |", "| --- | --- | --- | --- | --- |"]
    for entry in registry().values():
        with translation.override("en"):
            english = str(entry.label)
        with translation.override("zh-hans"):
            chinese = str(entry.label)
        lines.append(f"| `{entry.code}` | {entry.status} | {entry.app} | {english} | {chinese} |")
    return "\n".join(lines) + "\n"


def replace_block(text: str, table: str) -> str:
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    return f"{head}{START}\n{table}{END}{tail}"


class Command(BaseCommand):
    help = "List the API error codes of every app (as a Markdown table with --markdown; into docs/api.md with --write)."

    def add_arguments(self, parser):
        parser.add_argument("--markdown", action="store_true", help="print the Markdown table")
        parser.add_argument("--write", action="store_true", help="replace the table in docs/api.md")

    def handle(self, *args, **options):
        table = markdown()
        if options["write"]:
            DOC.write_text(replace_block(DOC.read_text(encoding="utf-8"), table), encoding="utf-8")
            self.stdout.write(f"{DOC}: {len(registry())} codes")
        elif options["markdown"]:
            self.stdout.write(table, ending="")
        else:
            for entry in registry().values():
                self.stdout.write(f"{entry.code}\t{entry.status}\t{entry.app}\t{entry.label}")
