from accounts.permissions import SYSTEM
from core import audit
from core.models import AuditEntry, Tombstone
from tests.scope import ScopeCase


def make_entry(county, users, unit):
    return audit.record(actor=SYSTEM, action="scope_test", obj=unit, unit=unit)


def make_tombstone(county, users, unit):
    # A deleted member: visible where the member lay, to the roles that may see members (core.Tombstone).
    return Tombstone.objects.create(model="cadres.partymember", object_id="987654", unit_path=unit.path)


# The audit trail is read in the back office only (no page or endpoint of its own): the admin's scope is checked.
# The deletion feed is an endpoint only (read-only: no admin, no page).
CASES = [
    ScopeCase(name="audit_entry", model=AuditEntry, make=make_entry, admin_read_only=True),
    ScopeCase(name="tombstone", model=Tombstone, make=make_tombstone, api_list="/api/v1/tombstones/", admin=False),
]
