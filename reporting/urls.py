from django.urls import path

from . import completeness_views, item_views, sheet_views, views

app_name = "reporting"

urlpatterns = [
    path("", views.index, name="index"),
    path("open/", views.report_open, name="open"),
    path("completeness/", completeness_views.completeness, name="completeness"),
    path("sheets/", sheet_views.sheets, name="sheets"),
    path("sheets/export/", sheet_views.sheet_export, name="sheet_export"),
    path("<int:pk>/", views.report_detail, name="report"),
    path("<int:pk>/draft/", views.report_draft, name="report_draft"),
    path("<int:pk>/approve/", views.report_approve, name="report_approve"),
    path("<int:pk>/send-back/", views.report_send_back, name="report_send_back"),
    path("<int:pk>/reopen/", views.report_reopen, name="report_reopen"),
    path("items/", item_views.index, name="items"),
    path("items/<int:form_pk>/", item_views.form_items, name="form_items"),
    path("items/<int:form_pk>/<int:unit_pk>/", item_views.unit_items, name="unit_items"),
]
