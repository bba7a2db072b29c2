"""The public pages of signing up by phone and resetting a forgotten password by SMS code
(grid_woodpecker.services.signup), and the sign-up's unit chooser. Thin: parse, limit per address, call a service,
render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.auth import client_ip
from core.api.throttling import WindowThrottle
from core.params import ID_MAX, parse_int
from core.views import add_service_errors
from notifications.text import mask_phone
from organizations.models import OrganizationUnit

from . import forms, selectors
from .services.signup import (
    reset_send_code,
    signup_send_code,
    signup_throttle,
    woodpecker_password_reset,
    woodpecker_register,
)

SIGNUP_PHONE = "woodpecker_signup_phone"  # session keys: the number a code was sent to, between the two steps
RESET_PHONE = "woodpecker_reset_phone"


def _throttled(request, errors: list) -> bool:
    """Whether the client address is over the sign-up limit (THROTTLE_SIGNUP); the message joins `errors`."""
    try:
        signup_throttle(client_ip(request))
    except ValidationError as exc:
        errors.extend(exc.messages)
        return True
    return False


def _send_code(request, send, session_key: str, message) -> tuple[bool, list]:
    """The "获取验证码" button: send a code to the posted number and remember the number in the session.
    Returns (sent, error messages)."""
    form = forms.PhoneForm(request.POST)
    errors: list = []
    if not form.is_valid():
        return False, [e for field_errors in form.errors.values() for e in field_errors]
    if _throttled(request, errors):
        return False, errors
    try:
        phone = send(phone=form.cleaned_data["phone"])
    except ValidationError as exc:
        return False, exc.messages
    request.session[session_key] = phone
    messages.success(request, message(phone))
    return True, []


def _code_sent(phone: str) -> str:
    return _("A verification code was sent to %(phone)s; it is valid for %(minutes)s minutes.") % {
        "phone": mask_phone(phone),
        "minutes": settings.SMS_CODE_MINUTES,
    }


def _reset_code_sent(phone: str) -> str:
    return _(
        "If %(phone)s is a woodpecker's login, a verification code was sent to it; it is valid for %(minutes)s minutes."
    ) % {"phone": mask_phone(phone), "minutes": settings.SMS_CODE_MINUTES}


@require_http_methods(["GET", "POST"])
def register(request):
    """Signing up on a phone, in two steps: the number and "获取验证码", then the code, the grid ((county-level
    unit →) township → village or community → grid), name and password. Pending until the grid worker or community
    secretary confirms it. Works without JavaScript: "下一步" under the selects posts the page back with the next
    select filled; with it, static/js/signup.js fills them from `signup_units`."""
    action = request.POST.get("action", "register") if request.method == "POST" else ""
    phone = request.session.get(SIGNUP_PHONE, "")
    phone_errors: list = []
    status = 200
    form = forms.SignupForm(initial={"phone": phone})
    if action == "send_code":
        sent, phone_errors = _send_code(request, signup_send_code, SIGNUP_PHONE, _code_sent)
        if sent:
            return redirect("grid_woodpecker:register")
        form = forms.SignupForm(initial=request.POST.dict())
    elif action == "choose":
        form = forms.SignupForm(initial=request.POST.dict())
    elif action:
        form = forms.SignupForm(request.POST)
        if _throttled(request, phone_errors):
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                woodpecker = woodpecker_register(
                    phone=data["phone"],
                    code=data["code"],
                    name=data["name"],
                    password=data["password"],
                    grid=data["grid"],
                    group=data["group"],
                    id_number=data["id_number"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                request.session.pop(SIGNUP_PHONE, None)
                login(request, woodpecker.user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Registered. Your grid worker will confirm you soon."))
                return redirect("grid_woodpecker:me")
    context = {
        "form": form,
        "step": "details" if phone or action not in ("", "send_code") else "phone",
        "phone_errors": phone_errors,
        "sms_minutes": settings.SMS_CODE_MINUTES,
    }
    return render(request, "grid_woodpecker/register.html", context, status=status)


@require_GET
def signup_units(request):
    """The sign-up chooser's choices as JSON {"level", "units": [{"id", "name"}]}: under `parent` the next level's;
    without it the top of the chooser (the county-level units when the grids span several, else the townships).
    With `grid` instead, the choices leading to that grid ({"chain": {level: id}}) for a grid found from the phone's
    location. Public, limited per client address (THROTTLE_SIGNUP_UNITS); a bounded number of queries."""
    refused = WindowThrottle.check("signup_units", client_ip(request))
    if refused is not None:
        message = _("Too many requests from this address; try again later.")
        return JsonResponse({"detail": message, "code": "throttled"}, status=429)
    grid_id = parse_int(request.GET, "grid", min_value=1, max_value=ID_MAX)
    if grid_id is not None:
        grid = OrganizationUnit.objects.filter(pk=grid_id, is_active=True).first()
        chain = selectors.signup_chain(grid) if grid is not None else {}
        if not chain:
            raise Http404
        return JsonResponse({"chain": chain})
    parent_id = parse_int(request.GET, "parent", min_value=1, max_value=ID_MAX)
    parent = None
    if parent_id is not None:
        parent = OrganizationUnit.objects.filter(pk=parent_id, is_active=True).first()
        if parent is None:
            raise Http404
    units = selectors.signup_units(parent)
    level = selectors.signup_level(units[0]) if units else None
    return JsonResponse({"level": level, "units": [{"id": unit.pk, "name": unit.label} for unit in units]})


@require_http_methods(["GET", "POST"])
def password_reset(request):
    """A woodpecker who forgot its password: the number and "获取验证码", then the code and a new password. The
    page says the same whether or not the number has an account."""
    action = request.POST.get("action", "reset") if request.method == "POST" else ""
    phone = request.session.get(RESET_PHONE, "")
    phone_errors: list = []
    status = 200
    form = forms.PasswordResetForm(initial={"phone": phone})
    if action == "send_code":
        sent, phone_errors = _send_code(request, reset_send_code, RESET_PHONE, _reset_code_sent)
        if sent:
            return redirect("grid_woodpecker:password_reset")
        form = forms.PasswordResetForm(initial=request.POST.dict())
    elif action:
        form = forms.PasswordResetForm(request.POST)
        if _throttled(request, phone_errors):
            status = 429
        elif form.is_valid():
            try:
                woodpecker_password_reset(**form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                request.session.pop(RESET_PHONE, None)
                messages.success(request, _("Your password has been reset. Log in with your phone number and it."))
                return redirect("login")
    step = "details" if phone or action not in ("", "send_code") else "phone"
    context = {"form": form, "step": step, "phone_errors": phone_errors}
    return render(request, "grid_woodpecker/password_reset.html", context, status=status)
