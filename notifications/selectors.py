"""Reads of the notification centre: a user reads only their own notifications."""

from .models import Notification


def notifications_of(*, user):
    return Notification.objects.filter(recipient=user).order_by("-created", "-id")


def unread_count(*, user) -> int:
    """One indexed query (recipient, read_at): the badge on every page."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
