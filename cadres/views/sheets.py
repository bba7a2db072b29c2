"""Import (upload, dry run, confirm) and export of the cadres sheets."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.utils.translation import gettext as _

from core.views.imports import SheetImportView

from .. import forms, resources
from .base import SECTION, today


class SheetImport(SheetImportView):
    template_name = "cadres/import.html"
    breadcrumb = SECTION
    form_class = forms.ImportForm
    keep_invalid = True  # a sheet with bad rows may still be imported for its valid rows

    def check_access(self):
        self.kind = self.kwargs["kind"]
        self.spec = resources.SHEETS.get(self.kind)
        if self.spec is None:
            raise PermissionDenied
        super().check_access()

    def get_model(self):
        return self.spec["resource"]._meta.model

    def get_upload_kind(self):
        return f"cadres_{self.kind}"

    def get_session_key(self):
        return f"import-{self.kind}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(kind=self.kind, title=self.spec["title"], columns=self.spec["columns"])
        return context

    def read_sheet(self, name, content):
        return resources.read_sheet(ContentFile(content, name=name))

    def run_import(self, sheet, *, dry_run, valid_only=False):
        headers, rows = sheet
        return resources.run_import(
            self.kind, rows, headers, actor=self.request.user, dry_run=dry_run, valid_only=valid_only
        )

    def has_errors(self, report):
        return bool(report.errors)

    def succeeded(self, report):
        return report.written > 0

    def success_message(self, report, sheet):
        return _("%(n)d rows imported.") % {"n": report.written}

    def get_success_url(self):
        return self.spec["list_url"]

    def report_context(self, report, *, dry_run, token, sheet):
        report.token = token
        return {"report": report}


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
