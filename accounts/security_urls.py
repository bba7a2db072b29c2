from django.urls import path

from . import security_views as views

app_name = "accounts_security"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("otp/", views.otp_verify, name="otp_verify"),
    path("otp/enrol/", views.otp_enrol, name="otp_enrol"),
    path("password/", views.password_change, name="password_change"),
    path("lockouts/", views.lockouts, name="lockouts"),
    path("tokens/", views.tokens, name="tokens"),
]
