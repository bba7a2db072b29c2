from django.urls import path

from . import builder_views as builder
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
    path("attachments/<int:pk>/", builder.attachment, name="attachment"),
    # The form builder (organization-department staff).
    path("forms/", builder.FormList.as_view(), name="form_list"),
    path("forms/new/", builder.FormCreate.as_view(), name="form_create"),
    path("forms/<int:pk>/", builder.form_detail, name="form_detail"),
    path("forms/<int:pk>/edit/", builder.FormEdit.as_view(), name="form_edit"),
    path("forms/<int:pk>/publish/", builder.form_publish, name="form_publish"),
    path("forms/<int:pk>/new-version/", builder.form_new_version, name="form_new_version"),
    path("forms/versions/<int:pk>/sections/new/", builder.section_add, name="section_add"),
    path("forms/versions/<int:pk>/rules/new/", builder.rule_add, name="rule_add"),
    path("forms/sections/<int:pk>/edit/", builder.section_edit, name="section_edit"),
    path("forms/sections/<int:pk>/delete/", builder.section_delete, name="section_delete"),
    path("forms/sections/<int:pk>/move/", builder.section_move, name="section_move"),
    path("forms/sections/<int:pk>/fields/new/", builder.field_add, name="field_add"),
    path("forms/fields/<int:pk>/edit/", builder.field_edit, name="field_edit"),
    path("forms/fields/<int:pk>/delete/", builder.field_delete, name="field_delete"),
    path("forms/fields/<int:pk>/move/", builder.field_move, name="field_move"),
    path("forms/rules/<int:pk>/edit/", builder.rule_edit, name="rule_edit"),
    path("forms/rules/<int:pk>/delete/", builder.rule_delete, name="rule_delete"),
]
