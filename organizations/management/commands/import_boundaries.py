"""Import unit outlines from a GeoJSON file: `manage.py import_boundaries FILE --unit CODE`.

The same use case as the portal's page (organizations.services.boundaries_import), run as the system: the features
of the file are matched to `--unit` and the units under it by division code or name (one feature alone is the
unit's own outline); a bad file is refused whole with the Chinese message, nothing written."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.permissions import SYSTEM
from organizations import geo
from organizations.models import OrganizationUnit
from organizations.services import boundaries_import


class Command(BaseCommand):
    help = "Import unit boundaries (GeoJSON) for a unit and the units under it."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--unit", required=True, help="The code of the unit the file is about (e.g. 4210).")

    def handle(self, *args, file: Path, unit: str, **options):
        target = OrganizationUnit.objects.filter(code=unit.strip().upper()).first()
        if target is None:
            raise CommandError(f"No unit with code {unit}.")
        if not file.is_file():
            raise CommandError(f"{file} not found.")
        with file.open("rb") as handle:
            content = handle.read(geo.MAX_BYTES + 1)
        try:
            stored = boundaries_import(unit=target, content=content, name=file.name, actor=SYSTEM)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"{len(stored)} boundaries imported under {target.code}."))
