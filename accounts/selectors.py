"""Reads for the accounts pages, starting from the scoped queryset."""

from django.db.models import Prefetch, Q

from core.models import AuditEntry

from .models import RoleAssignment, User
from .permissions import GRANT
from .scoping import VIEW, restrict


def accounts_visible(*, user):
    """The accounts `user` sees on the accounts pages: those holding a role inside a subtree where `user` holds a
    granting role (every account for a superuser). One row per account however many roles it holds there."""
    return User.objects.filter(pk__in=restrict(User.objects.all(), user, GRANT).values("pk"))


def accounts_search(*, user, query: str = "", status: str = ""):
    qs = accounts_visible(user=user)
    if query:
        qs = qs.filter(Q(username__icontains=query) | Q(display_name__icontains=query))
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "inactive":
        qs = qs.filter(is_active=False)
    assignments = RoleAssignment.objects.select_related("unit").order_by("unit__path", "role")
    return qs.prefetch_related(Prefetch("role_assignments", queryset=assignments)).order_by("username")


def account_history(*, user, account, limit: int = 100):
    """The audit rows about `account` that `user` may see (rows filed under units in their jurisdiction)."""
    rows = AuditEntry.objects.filter(object_type=User._meta.label_lower, object_id=str(account.pk))
    return restrict(rows, user, VIEW).select_related("actor")[:limit]
