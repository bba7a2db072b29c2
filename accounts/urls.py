from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account_list, name="list"),
    path("new/", views.account_create, name="create"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/edit/", views.account_edit, name="edit"),
    path("<int:pk>/grant/", views.role_grant, name="grant"),
    path("<int:pk>/roles/<int:assignment_pk>/revoke/", views.RoleRevoke.as_view(), name="revoke"),
    path("<int:pk>/deactivate/", views.AccountDeactivate.as_view(), name="deactivate"),
    path("<int:pk>/reactivate/", views.AccountReactivate.as_view(), name="reactivate"),
    path("<int:pk>/password/", views.password_reset, name="password_reset"),
    path("<int:pk>/delete/", views.account_delete, name="delete"),
]
