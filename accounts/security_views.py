"""Pages of account security: login, second factor, password change, and staff's unlock and token rotation."""

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from rest_framework.authtoken.models import Token

from . import security
from .auth import (
    _login_entry,
    is_service_account,
    lockout_message,
    login_refused,
    remember_account_flags,
    token_expires_at,
)
from .errors import ErrorCode
from .models import User
from .roles import Role
from .security_forms import OTPEnrolForm, OTPVerifyForm, PortalLoginForm, PortalPasswordChangeForm


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' AXES_LOCKOUT_CALLABLE: the login page again, with the lockout message, answering 429."""
    if request.path.startswith("/api/"):
        body = {"detail": lockout_message(), "code": ErrorCode.LOCKED_OUT.value, "errors": {}}
        return JsonResponse(body, status=settings.AXES_HTTP_RESPONSE_CODE)
    context = {"form": PortalLoginForm(request), "lockout": lockout_message(), "next": request.POST.get("next", "")}
    return render(request, "registration/login.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


class LoginView(auth_views.LoginView):
    form_class = PortalLoginForm
    redirect_authenticated_user = True


def _next_url(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
def otp_verify(request):
    """Second step of a login: the code of the user's authenticator app (or a backup code)."""
    if not user_has_device(request.user) or request.user.is_verified():
        remember_account_flags(request, request.user)  # e.g. staff removed the device meanwhile
        return redirect(_next_url(request))
    form = OTPVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].strip())
        if device is not None:
            otp_login(request, device)
            _login_entry(action="login.otp_verified", request=request, user=request.user)
            return redirect(_next_url(request))
        username = request.user.get_username()
        login_refused(request, username=username, reason="otp_token")
        if getattr(request, "axes_locked_out", False):
            logout(request)
            request.axes_locked_out = False  # answered here; the axes middleware need not answer again
            return lockout_response(request)
        form.add_error("token", _("The code is wrong or has expired."))
    return render(request, "accounts/security_otp_verify.html", {"form": form, "next": _next_url(request, "")})


def _qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG data URI (segno: pure Python, no network)."""
    svg = segno.make(uri, error="m").svg_inline(scale=4)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@login_required
def otp_enrol(request):
    """Staff enrol an authenticator app: scan the QR code (or type the key), confirm with a first code."""
    user = request.user
    if not security.may_enrol_otp(user):
        raise PermissionDenied(_("Only staff accounts use a second factor."))
    device = security.otp_pending_device(user=user)
    form = OTPEnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = security.otp_enrol(user=user, device=device, token=form.cleaned_data["token"])
        except ValidationError as exc:
            for message in exc.message_dict.get("token", exc.messages):
                form.add_error("token", message)
        else:
            otp_login(request, device)
            remember_account_flags(request, user)
            # The backup codes are shown once, on this response, and kept nowhere in clear.
            return render(request, "accounts/security_otp_done.html", {"codes": codes, "next": _next_url(request)})
    uri = device.config_url
    context = {
        "form": form,
        "uri": uri,
        "qr": _qr_svg(uri),
        "secret": base64.b32encode(device.bin_key).decode(),
        "has_device": user_has_device(user),
        "required": security.otp_required(user),
        "next": _next_url(request, ""),
    }
    return render(request, "accounts/security_otp_enrol.html", context)


@login_required
def password_change(request):
    """Change one's own password; the page an account created by someone else is sent to until it does."""
    form = PortalPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = security.password_change(user=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return redirect(_next_url(request))
    context = {"form": form, "forced": request.user.must_change_password, "next": _next_url(request, "")}
    return render(request, "accounts/security_password.html", context)


@login_required
def overview(request):
    """The user's security settings and, for staff, the accounts they can unlock and the tokens they rotate."""
    user = request.user
    context = {
        "may_enrol": security.may_enrol_otp(user),
        "has_device": user_has_device(user),
        "is_manager": user.is_superuser or user.has_role(Role.ORG_DEPARTMENT, Role.TOWNSHIP_STAFF),
    }
    return render(request, "accounts/security_overview.html", context)


def _managed_or_404(request, user_id):
    try:
        return security.managed_users(request.user).get(pk=int(user_id))
    except (TypeError, ValueError, User.DoesNotExist):
        raise Http404 from None


def _require_manager(user):
    if not (user.is_superuser or user.has_role(Role.ORG_DEPARTMENT, Role.TOWNSHIP_STAFF)):
        raise PermissionDenied(_("Only organization-department and township staff manage accounts."))


@login_required
def lockouts(request):
    """Accounts inside the staff member's jurisdiction with failed logins; unlock or reset their second factor."""
    _require_manager(request.user)
    if request.method == "POST":
        target = _managed_or_404(request, request.POST.get("user"))
        if request.POST.get("action") == "otp_remove":
            security.otp_remove(user=target, actor=request.user)
            messages.success(request, _("The second factor of %(user)s was removed.") % {"user": target})
        else:
            security.account_unlock(user=target, actor=request.user)
            messages.success(request, _("%(user)s can log in again.") % {"user": target})
        return redirect("accounts_security:lockouts")
    context = {"rows": security.lockouts_for(request.user), "otp_users": security.otp_users_for(request.user)}
    return render(request, "accounts/security_lockouts.html", context)


@login_required
def tokens(request):
    """API tokens of the external systems' accounts in the staff member's jurisdiction: see expiry, rotate."""
    _require_manager(request.user)
    new_key = None
    if request.method == "POST":
        target = _managed_or_404(request, request.POST.get("user"))
        if not is_service_account(target):
            raise Http404
        token = security.token_rotate(user=target, actor=request.user)
        new_key = {"user": target, "key": token.key}
    accounts = (
        security.managed_users(request.user)
        .filter(role_assignments__role=Role.EXTERNAL_SYSTEM)
        .distinct()
        .order_by("username")
    )
    token_by_user = {t.user_id: t for t in Token.objects.filter(user__in=accounts)}
    rows = [
        {
            "user": account,
            "token": token_by_user.get(account.pk),
            "expires_at": token_expires_at(token_by_user[account.pk]) if account.pk in token_by_user else None,
        }
        for account in accounts
    ]
    return render(request, "accounts/security_tokens.html", {"rows": rows, "new_key": new_key})
