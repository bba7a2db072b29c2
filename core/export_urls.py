"""Every list's export and every import's blank template (core.views.exports)."""

from django.urls import path, register_converter

from .views import exports


class SheetFormat:
    regex = "xlsx|csv"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(SheetFormat, "sheetformat")

app_name = "sheets"
urlpatterns = [
    path("export/<slug:kind>.<sheetformat:fmt>", exports.export_sheet, name="export"),
    path("template/<slug:kind>.xlsx", exports.template, name="template"),
]
