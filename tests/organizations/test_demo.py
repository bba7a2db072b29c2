import pytest
from django.core.management import call_command

from accounts.models import User
from organizations.models import OrganizationUnit, UnitKind

pytestmark = pytest.mark.django_db


def test_demo_county_matches_the_seeds_and_is_idempotent():
    call_command("load_demo", quiet_users=True)
    counts = {kind: OrganizationUnit.objects.filter(kind=kind).count() for kind in UnitKind.values}
    assert counts["city"] == 1
    assert counts["township"] + counts["street"] + counts["zone"] == 15
    assert counts["village"] == 153 and counts["community"] == 23
    assert counts["grid"] > 0 and counts["building"] > 0
    snapshot = dict(OrganizationUnit.objects.values_list("code", "path"))
    users = User.objects.count()
    call_command("load_demo", quiet_users=True)
    assert dict(OrganizationUnit.objects.values_list("code", "path")) == snapshot
    assert User.objects.count() == users
    assert User.objects.get(username="township").check_password("Shishou@2024")


@pytest.mark.django_db(transaction=True)
def test_demo_is_deterministic():
    call_command("load_demo", quiet_users=True)
    first = sorted(OrganizationUnit.objects.values_list("code", "name"))
    call_command("load_demo", reset=True, quiet_users=True)
    assert sorted(OrganizationUnit.objects.values_list("code", "name")) == first
