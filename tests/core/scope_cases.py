from accounts.permissions import SYSTEM
from core import audit
from core.models import AuditEntry
from tests.scope import ScopeCase


def make_entry(county, users, unit):
    return audit.record(actor=SYSTEM, action="scope_test", obj=unit, unit=unit)


# The audit trail is read in the back office only (no page or endpoint of its own): the admin's scope is checked.
CASES = [ScopeCase(name="audit_entry", model=AuditEntry, make=make_entry, admin_read_only=True)]
