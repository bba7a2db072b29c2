"""The export of organization units (core.sheets.export), written from the unit import's spec: the units the user
may change, parents before children."""

from accounts.permissions import CHANGE
from core.sheets.export import Exporter, register

from .models import OrganizationUnit


@register
class UnitExporter(Exporter):
    kind = "units"
    model = OrganizationUnit
    action = CHANGE
    gate = CHANGE

    def base_queryset(self, params):
        return OrganizationUnit.objects.select_related("parent", "party_org").order_by("path")

    def row(self, obj) -> dict:
        return {
            "code": obj.code,
            "name": obj.name,
            "kind": obj.kind,
            "parent_code": obj.parent.code if obj.parent_id else "",
            "sort_order": obj.sort_order,
            "is_active": obj.is_active,
            "party_org_name": getattr(getattr(obj, "party_org", None), "name", ""),
        }
