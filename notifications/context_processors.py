"""The unread badge on every page: one indexed count (notifications.selectors.unread_count)."""

from .selectors import unread_count


def badge(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user=user)}
