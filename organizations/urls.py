from django.urls import path

from . import title_views, views

app_name = "organizations"

urlpatterns = [
    path("", views.browser, name="browser"),
    path("tree/<int:pk>/children/", views.tree_children, name="tree_children"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:parent_pk>/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/move/", views.unit_move, name="unit_move"),
    path("units/<int:pk>/delete/", views.unit_delete, name="unit_delete"),
    path("units/<int:pk>/party-organization/", views.party_org_edit, name="party_org_edit"),
    path("titles/", title_views.TitleList.as_view(), name="title_list"),
    path("titles/new/", title_views.TitleCreate.as_view(), name="title_create"),
    path("titles/<int:pk>/edit/", title_views.TitleEdit.as_view(), name="title_edit"),
    path("titles/<int:pk>/revoke/", title_views.TitleRevoke.as_view(), name="title_revoke"),
    path("units/<int:pk>/boundary/", views.boundary_import, name="boundary_import"),
]
