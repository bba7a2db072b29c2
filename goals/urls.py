from django.urls import path

from . import form_indicator_views as declared
from . import views

app_name = "goals"

urlpatterns = [
    path("", views.home, name="home"),
    path("units/<int:pk>/", views.dashboard, name="dashboard"),
    path("units/<int:pk>/print/", views.dashboard_print, name="dashboard_print"),
    path("units/<int:pk>/export.xlsx", views.dashboard_export, name="dashboard_export"),
    path("units/<int:pk>/missing/", views.missing, name="missing"),
    path("units/<int:pk>/confirm/", views.report_confirm, name="report_confirm"),
    path("units/<int:pk>/targets/", views.targets, name="targets"),
    path("units/<int:pk>/targets/defaults/", views.targets_defaults, name="targets_defaults"),
    path("targets/", views.target_list, name="target_list"),
    path("targets/<int:pk>/delete/", views.target_delete, name="target_delete"),
    path("targets/<int:pk>/hand-down/", views.target_hand_down, name="target_hand_down"),
    path("form-indicators/", declared.FormIndicatorList.as_view(), name="form_indicator_list"),
    path("form-indicators/new/", declared.FormIndicatorCreate.as_view(), name="form_indicator_create"),
    path("form-indicators/<int:pk>/edit/", declared.FormIndicatorEdit.as_view(), name="form_indicator_edit"),
    path("form-indicators/<int:pk>/retire/", declared.FormIndicatorRetire.as_view(), name="form_indicator_retire"),
]
