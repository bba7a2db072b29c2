from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("", views.SubscriptionList.as_view(), name="list"),
    path("new/", views.SubscriptionCreate.as_view(), name="create"),
    path("<int:pk>/", views.SubscriptionDetail.as_view(), name="detail"),
    path("<int:pk>/pause/", views.SubscriptionPause.as_view(), name="pause"),
    path("<int:pk>/resume/", views.SubscriptionResume.as_view(), name="resume"),
    path("<int:pk>/rotate/", views.SubscriptionRotate.as_view(), name="rotate"),
]
