"""The notification centre: the user's own notifications (no one else's: the queryset is the recipient's), marking
them read, and the preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.params import parse_int

from . import selectors, services
from .forms import PreferenceForm
from .models import Event


@login_required
def notification_list(request):
    rows = selectors.notifications_of(user=request.user)
    if request.GET.get("unread"):
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, 20).get_page(parse_int(request.GET, "page", min_value=1) or 1)
    return render(request, "notifications/list.html", {"page": page, "unread_only": bool(request.GET.get("unread"))})


@login_required
@require_POST
def mark_read(request):
    """POST id=<n> (one, then on to its link when `next` is a link of this site) or nothing (all)."""
    notification_id = parse_int(request.POST, "id", min_value=1)
    changed = services.mark_read(user=request.user, ids=None if notification_id is None else [notification_id])
    target = request.POST.get("next", "")
    if notification_id and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    if notification_id is None:
        messages.success(request, _("%(count)d notifications marked read.") % {"count": changed})
    return redirect("notifications:list")


@login_required
def preferences(request):
    pref = services.preference_for(request.user)
    initial = {
        "sms": pref.sms,
        "wechat": pref.wechat,
        "events": [event for event in Event.values if event not in (pref.muted_events or [])],
        "wechat_openid": pref.wechat_openid,
        "has_mobile": bool(pref.mobile_encrypted),
    }
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.preference_save(
            user=request.user,
            sms=data["sms"],
            wechat=data["wechat"],
            muted_events=[event for event in Event.values if event not in data["events"]],
            mobile=data["mobile"],
            wechat_openid=data["wechat_openid"],
        )
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form, "mobile_masked": pref.mobile_masked})
