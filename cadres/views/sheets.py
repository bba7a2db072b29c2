"""Export of the cadres sheets (their imports are the engine's pages: cadres/importers.py, core.sheets)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse

from .. import resources
from .base import today


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
