"""Every list's export and every import's blank template (core.sheets.export), one pair of pages for every kind.

`export/<kind>.xlsx|csv`: the rows the user may view (the exporter's `restrict`), 403 for a role the exporter does
not serve, 404 for an unknown kind; the query string goes to the exporter (the income export's `?year=`).
`template/<kind>.xlsx`: the blank template of an import, for those who may import that kind (403 otherwise).
"""

from io import BytesIO

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.sheets import export, jobs


def export_response(request, kind: str, fmt: str = "xlsx"):
    exporter = export.get(kind)
    if exporter is None:
        raise Http404
    if not exporter.allowed(request.user):
        raise PermissionDenied(_("Your role may not export these records."))
    params = request.GET
    name = f"{exporter.filename(params)}-{timezone.localdate():%Y%m%d}.{fmt}"
    rows = exporter.rows(request.user, params)
    if fmt == "csv":
        return export.csv_response(exporter.spec, rows, name, columns=exporter.columns)
    return export.xlsx_response(exporter.spec, rows, name, columns=exporter.columns)


@login_required
def export_sheet(request, kind, fmt):
    return export_response(request, kind, fmt)


@login_required
def template(request, kind):
    importer = jobs.importer_for(kind, request.user)  # 403 for a role that may not import this kind
    if importer is None:
        raise Http404
    body = BytesIO()
    export.template_workbook(importer.spec, body)
    response = HttpResponse(body.getvalue(), content_type=export.XLSX)
    return export.attachment(response, f"{importer.spec.title}-模板.xlsx")
