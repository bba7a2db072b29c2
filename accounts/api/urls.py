from django.urls import path

from .token import TokenRotateView
from .views import MeView

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    path("token/rotate/", TokenRotateView.as_view(), name="api-token-rotate"),
]
