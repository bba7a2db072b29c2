"""Import (upload, dry run, confirm) and export of the cadres sheets."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse

from core.views.imports import SheetImportView

from .. import forms, resources
from .base import SECTION, today


class SheetImport(SheetImportView):
    template_name = "cadres/import.html"
    breadcrumb = SECTION
    upload_prefix = "cadres"
    form_class = forms.ImportForm
    import_url = "cadres:import"

    def get_spec(self, kind):
        return resources.SHEETS.get(kind)

    def read_sheet(self, file):
        return resources.read_sheet(file)

    def run_import(self, kind, rows, headers, *, dry_run, valid_only=False):
        return resources.run_import(
            kind, rows, headers, actor=self.request.user, dry_run=dry_run, valid_only=valid_only
        )


@login_required
def export_view(request, kind):
    spec = resources.SHEETS.get(kind)
    if spec is None:
        raise PermissionDenied
    dataset = spec["resource"](actor=request.user).export()
    response = HttpResponse(
        dataset.xlsx, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}-{today():%Y%m%d}.xlsx"'
    return response
