"""What a signed-in session may do before it is complete (docs/security.md, "Authentication").

A session user is held to, in order:
1. an external system's account never uses a session: it is logged out (pages) or refused (API);
2. a user with a confirmed TOTP device must give a code first (the second step of the login, and any session
   opened another way, e.g. the admin's login page);
3. a user whose password someone else chose must change it;
4. organization-department staff must enrol a TOTP device when OTP_REQUIRED_FOR_ORG_DEPARTMENT is on.
Until then only the page that completes the step, logout and static files answer. Token-authenticated API calls
are not session users here; DRF's authentication classes (accounts.auth) handle them.
"""

from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import user_has_device

from .auth import is_service_account
from .security import otp_required


def _api(request) -> bool:
    return request.path.startswith("/api/")


def _refuse(request, *, url_name: str, detail: str, code: str, next_url: bool = True):
    if _api(request):
        return JsonResponse({"detail": detail, "code": code, "errors": {}}, status=403)
    url = reverse(url_name)
    if next_url and request.method == "GET":
        url = f"{url}?{urlencode({'next': request.get_full_path()})}"
    return redirect(url)


class AccountPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._check(request)
        return response if response is not None else self.get_response(request)

    def _check(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        path = request.path
        if path.startswith("/static/") or path == reverse("logout"):
            return None
        if is_service_account(user):
            logout(request)
            if not _api(request):
                messages.error(request, _("External-system accounts cannot log into the portal."))
            return _refuse(
                request,
                url_name="login",
                detail=_("External-system accounts cannot use a portal session; send the API token."),
                code="service_account_session",
                next_url=False,
            )
        has_device = user_has_device(user)
        if has_device and not user.is_verified():
            if path == reverse("accounts_security:otp_verify"):
                return None
            return _refuse(
                request,
                url_name="accounts_security:otp_verify",
                detail=_("Enter the code of your second factor first."),
                code="otp_required",
            )
        if user.must_change_password:
            if path == reverse("accounts_security:password_change"):
                return None
            return _refuse(
                request,
                url_name="accounts_security:password_change",
                detail=_("Change your password in the portal first."),
                code="password_change_required",
            )
        if not has_device and otp_required(user):
            if path == reverse("accounts_security:otp_enrol"):
                return None
            return _refuse(
                request,
                url_name="accounts_security:otp_enrol",
                detail=_("Set up your second factor in the portal first."),
                code="otp_enrolment_required",
            )
        return None
