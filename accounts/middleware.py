"""What a signed-in session may do before it is complete (docs/security.md, "Authentication").

A session user is held to, in order:
1. an external system's account never uses a session: it is logged out (pages) or refused (API);
2. a user with a confirmed TOTP device must give a code first (the second step of the login, and any session
   opened another way, e.g. the admin's login page);
3. a user whose password someone else chose must change it;
4. organization-department staff must enrol a TOTP device when OTP_REQUIRED_FOR_ORG_DEPARTMENT is on.
Until then only the page that completes the step, logout and static files answer. Token-authenticated API calls
are not session users here; DRF's authentication classes (accounts.auth) handle them.

The facts behind 1, 2 and 4 are computed at login and kept in the session (accounts.auth.account_flags), so an
ordinary request costs no query for them; the pages that change them (enrolment, second-factor check) refresh them.

The session's idle expiry slides: Django's SESSION_SAVE_EVERY_REQUEST would write the session on every request,
so the session is touched here at most once a minute instead (the idle timeout is then exact to the minute).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .auth import ACCOUNT_FLAGS_KEY, SEEN_KEY, remember_account_flags
from .errors import ErrorCode

TOUCH_SECONDS = 60


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
        if response is not None:
            return response
        self._touch(request)
        return self.get_response(request)

    @staticmethod
    def _touch(request):
        session = getattr(request, "session", None)
        if session is None or not request.user.is_authenticated:
            return
        now = int(timezone.now().timestamp())
        if now - session.get(SEEN_KEY, 0) >= TOUCH_SECONDS:
            session[SEEN_KEY] = now  # modified: SessionMiddleware saves it with a new expiry

    def _check(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        path = request.path
        if path.startswith("/static/") or path == reverse("logout"):
            return None
        flags = request.session.get(ACCOUNT_FLAGS_KEY)
        if not isinstance(flags, dict) or flags.get("uid") != user.pk:
            flags = remember_account_flags(request, user)
        if flags.get("service"):
            logout(request)
            if not _api(request):
                messages.error(request, _("External-system accounts cannot log into the portal."))
            return _refuse(
                request,
                url_name="login",
                detail=_("External-system accounts cannot use a portal session; send the API token."),
                code=ErrorCode.SERVICE_ACCOUNT_SESSION.value,
                next_url=False,
            )
        has_device = flags.get("device")
        if has_device and not user.is_verified():
            if path == reverse("accounts_security:otp_verify"):
                return None
            return _refuse(
                request,
                url_name="accounts_security:otp_verify",
                detail=_("Enter the code of your second factor first."),
                code=ErrorCode.OTP_REQUIRED.value,
            )
        if user.must_change_password:
            if path == reverse("accounts_security:password_change"):
                return None
            return _refuse(
                request,
                url_name="accounts_security:password_change",
                detail=_("Change your password in the portal first."),
                code=ErrorCode.PASSWORD_CHANGE_REQUIRED.value,
            )
        if not has_device and flags.get("org") and settings.OTP_REQUIRED_FOR_ORG_DEPARTMENT:
            if path == reverse("accounts_security:otp_enrol"):
                return None
            return _refuse(
                request,
                url_name="accounts_security:otp_enrol",
                detail=_("Set up your second factor in the portal first."),
                code=ErrorCode.OTP_ENROLMENT_REQUIRED.value,
            )
        return None
