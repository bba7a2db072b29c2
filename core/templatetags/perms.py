"""Which buttons a page shows, asked through the one permission path: `{% can user "approve" report as ok %}`."""

from django import template

from accounts.permissions import can as _can

register = template.Library()


@register.simple_tag
def can(user, action, obj) -> bool:
    """Whether `user` may do `action` to `obj` (the same answer the service gives when the button is pressed)."""
    return obj is not None and _can(user, action, obj)
