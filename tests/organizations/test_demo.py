import random

import pytest
from django.core.management import call_command

from accounts.models import User
from core.models import ImportJob
from organizations import demo as org_demo
from organizations import divisions
from organizations.models import COUNTY_LEVEL, OrganizationUnit, UnitKind

pytestmark = pytest.mark.django_db

SHISHOU_TOWNSHIPS = {
    "421081001": ("绣林街道", UnitKind.STREET),
    "421081002": ("笔架山街道", UnitKind.STREET),
    "421081100": ("新厂镇", UnitKind.TOWNSHIP),
    "421081101": ("横沟市镇", UnitKind.TOWNSHIP),
    "421081102": ("大垸镇", UnitKind.TOWNSHIP),
    "421081103": ("小河口镇", UnitKind.TOWNSHIP),
    "421081104": ("桃花山镇", UnitKind.TOWNSHIP),
    "421081105": ("调关镇", UnitKind.TOWNSHIP),
    "421081106": ("东升镇", UnitKind.TOWNSHIP),
    "421081107": ("高基庙镇", UnitKind.TOWNSHIP),
    "421081108": ("南口镇", UnitKind.TOWNSHIP),
    "421081109": ("高陵镇", UnitKind.TOWNSHIP),
    "421081110": ("团山寺镇", UnitKind.TOWNSHIP),
    "421081200": ("久合垸乡", UnitKind.TOWNSHIP),
    "421081500": ("天鹅洲开发区", UnitKind.DEVELOPMENT_ZONE),
}


def test_demo_tree_is_shishou_with_its_real_divisions_under_hubei_and_jingzhou():
    admin = User.objects.create_superuser(username="demo_admin", password="x")
    city = org_demo.build_tree(random.Random(1), admin)
    job = ImportJob.objects.get(kind="units", uploader=admin)  # the list went in through the unit import
    assert job.status == ImportJob.Status.DONE and job.counts["created"] == 2 + 9 + 15 + 203
    assert (city.code, city.name, city.kind) == ("421081", "石首市", UnitKind.CITY)
    chain = list(OrganizationUnit.objects.ancestors_of(city).values_list("code", "name", "kind"))
    assert chain == [("42", "湖北省", UnitKind.PROVINCE), ("4210", "荆州市", UnitKind.PREFECTURE)]
    townships = {u.code: (u.name, u.kind) for u in OrganizationUnit.objects.filter(parent=city, code__regex=r"^\d+$")}
    assert townships == SHISHOU_TOWNSHIPS
    under = OrganizationUnit.objects.subtree(city)
    villages = under.filter(kind=UnitKind.VILLAGE)
    communities = under.filter(kind=UnitKind.COMMUNITY)
    assert villages.count() == 153 and communities.count() == 50  # 203 villages and residents' committees
    # Each village carries its 12-digit code under its township's 9 digits: the list's rows, not typed ones.
    assert not [u.code for u in (villages | communities).select_related("parent") if u.code[:9] != u.parent.code]
    listed = {d.code: d for d in divisions.under(org_demo.CITY_CODE) if len(d.code) == 12}
    assert set((villages | communities).values_list("code", flat=True)) == set(listed)
    assert OrganizationUnit.objects.get(code="421081106201").name == "童子岗村"  # "童子岗村委会" in the list
    assert OrganizationUnit.objects.get(code="421081001001").name == "桥南居委会"
    assert OrganizationUnit.objects.get(code="421081001001").parent.name == "绣林街道"
    # Jingzhou's other county-level units are there, empty.
    counties = OrganizationUnit.objects.filter(parent__code="4210")
    assert set(counties.values_list("kind", flat=True)) <= set(COUNTY_LEVEL)
    names = {c.name for c in counties}
    assert {"沙市区", "荆州区", "公安县", "江陵县", "石首市", "洪湖市", "松滋市", "监利市"} <= names
    assert not OrganizationUnit.objects.filter(parent__in=counties.exclude(pk=city.pk)).exists()
    assert not OrganizationUnit.objects.filter(code="4290").exists()


def test_demo_county_matches_the_seeds_and_is_idempotent():
    call_command("load_demo", quiet_users=True)
    counts = {kind: OrganizationUnit.objects.filter(kind=kind).count() for kind in UnitKind.values}
    assert counts["province"] == 1 and counts["prefecture"] == 1
    assert counts["township"] + counts["street"] + counts["zone"] == 15
    assert counts["village"] == 153 and counts["community"] == 50
    assert counts["grid"] > 0 and counts["building"] > 0
    snapshot = dict(OrganizationUnit.objects.values_list("code", "path"))
    users = User.objects.count()
    call_command("load_demo", quiet_users=True)
    assert dict(OrganizationUnit.objects.values_list("code", "path")) == snapshot
    assert User.objects.count() == users
    assert User.objects.get(username="township").check_password("Shishou@2024")
    jingzhou = User.objects.get(username="jingzhou")
    assert [(a.role, a.unit.code) for a in jingzhou.role_assignments.all()] == [("org_department", "4210")]


@pytest.mark.django_db(transaction=True)
def test_demo_is_deterministic():
    call_command("load_demo", quiet_users=True)
    first = sorted(OrganizationUnit.objects.values_list("code", "name"))
    call_command("load_demo", reset=True, quiet_users=True)
    assert sorted(OrganizationUnit.objects.values_list("code", "name")) == first
