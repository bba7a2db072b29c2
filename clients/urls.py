from django.urls import path

from . import views

app_name = "clients"

urlpatterns = [
    path("", views.ClientList.as_view(), name="list"),
    path("new/", views.ClientCreate.as_view(), name="create"),
    path("<int:pk>/", views.ClientDetail.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ClientEdit.as_view(), name="edit"),
    path("<int:pk>/rotate/", views.ClientRotate.as_view(), name="rotate"),
    path("<int:pk>/revoke/", views.ClientRevoke.as_view(), name="revoke"),
]
