import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.permissions import SYSTEM
from core.models import AuditEntry
from organizations import services
from organizations.models import ALLOWED_PARENTS, OrganizationUnit, UnitKind
from tests.factories import unit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "parent_key"),
    [
        (UnitKind.VILLAGE, "building_ac"),
        (UnitKind.VILLAGE, "city"),
        (UnitKind.BUILDING, "village_a1"),
        (UnitKind.GRID, "township_a"),
        (UnitKind.TOWNSHIP, "township_b"),
        (UnitKind.AGENCY, "village_a1"),
    ],
)
def test_kind_rules_refuse_wrong_parent(county, kind, parent_key):
    before = OrganizationUnit.objects.count()
    with pytest.raises(ValidationError) as info:
        services.unit_create(name="错位", code="WRONG0001", kind=kind, parent=county[parent_key], actor=SYSTEM)
    assert "parent" in info.value.message_dict
    assert OrganizationUnit.objects.count() == before


def test_kind_rules_message_is_chinese(county):
    with pytest.raises(ValidationError) as info:
        services.unit_create(
            name="错位村", code="WRONG0002", kind="village", parent=county["building_ac"], actor=SYSTEM
        )
    assert info.value.message_dict["parent"] == ["“村”不能隶属于“楼栋”；允许的上级为：乡镇、街道、开发区。"]


def test_every_kind_accepts_each_allowed_parent(county):
    sample_parent = {
        UnitKind.CITY: "city",
        UnitKind.TOWNSHIP: "township_a",
        UnitKind.STREET: "township_b",
        UnitKind.VILLAGE: "village_a1",
        UnitKind.COMMUNITY: "community_a",
        UnitKind.GRID: "grid_ac",
    }
    for kind, parents in ALLOWED_PARENTS.items():
        for parent_kind in parents:
            if parent_kind not in sample_parent:
                continue
            created = unit(f"{kind}-{parent_kind}", kind, county[sample_parent[parent_kind]])
            assert created.parent.kind == parent_kind


def test_a_second_city_root_needs_no_parent_but_a_township_does(county):
    services.unit_create(name="另一市", code="OTHERCITY1", kind="city", parent=None, actor=SYSTEM)
    with pytest.raises(ValidationError):
        services.unit_create(name="无上级镇", code="ORPHAN001", kind="township", parent=None, actor=SYSTEM)


def test_duplicate_code_is_refused_and_nothing_written(county):
    before = OrganizationUnit.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationError) as info:
        services.unit_create(name="重复", code="VILA10001", kind="village", parent=county["township_a"], actor=SYSTEM)
    assert info.value.message_dict["code"] == ["该编码已被其他组织使用。"]
    assert (OrganizationUnit.objects.count(), AuditEntry.objects.count()) == before


def test_malformed_code_is_refused(county):
    with pytest.raises(ValidationError) as info:
        services.unit_create(name="坏编码", code="ab", kind="village", parent=county["township_a"], actor=SYSTEM)
    assert "code" in info.value.message_dict


def test_subtree_is_one_query_at_any_depth(county):
    assert county["building_ac"].depth == 4
    with CaptureQueriesContext(connection) as queries:
        codes = set(OrganizationUnit.objects.subtree(county["township_a"]).values_list("code", flat=True))
    assert len(queries) == 1
    assert codes == {
        "TOWNA0001",
        "VILA10001",
        "VILA20001",
        "COMA00001",
        "VILA10001-G01",
        "COMA00001-G01",
        "COMA00001-G01-B01",
    }
    assert set(OrganizationUnit.objects.subtree(county["city"]).values_list("pk", flat=True)) == set(
        OrganizationUnit.objects.values_list("pk", flat=True)
    )


def test_subtree_query_uses_the_path_index(county):
    sql = str(OrganizationUnit.objects.subtree(county["township_a"]).query)
    assert "LIKE" in sql.upper() and '"path"' in sql
    assert "JOIN" not in sql.upper()


def test_ancestors_root_first(county):
    names = [u.name for u in OrganizationUnit.objects.ancestors_of(county["building_ac"])]
    assert names == ["测试市", "甲镇", "甲社区", "甲社区一网格"]


def test_move_subtree_keeps_descendants_and_depths(county):
    community = county["community_a"]
    services.unit_move(unit=community, new_parent=county["township_b"], actor=SYSTEM)
    moved = set(OrganizationUnit.objects.subtree(county["township_b"]).values_list("code", flat=True))
    assert {"COMA00001", "COMA00001-G01", "COMA00001-G01-B01"} <= moved
    left = set(OrganizationUnit.objects.subtree(county["township_a"]).values_list("code", flat=True))
    assert "COMA00001-G01-B01" not in left
    building = OrganizationUnit.objects.get(code="COMA00001-G01-B01")
    assert building.depth == 4 and building.path.startswith(county["township_b"].path)
    assert [u.code for u in OrganizationUnit.objects.ancestors_of(building)] == [
        "TCITY0001",
        "TOWNB0001",
        "COMA00001",
        "COMA00001-G01",
    ]
    assert AuditEntry.objects.filter(action="unit.move", object_id=str(community.pk)).exists()


def test_move_into_own_subtree_is_refused_and_atomic(county):
    paths = dict(OrganizationUnit.objects.values_list("code", "path"))
    with pytest.raises(ValidationError) as info:
        services.unit_move(unit=county["village_a1"], new_parent=county["grid_a1"], actor=SYSTEM)
    assert "parent" in info.value.message_dict
    assert dict(OrganizationUnit.objects.values_list("code", "path")) == paths


def test_move_breaking_kind_rules_is_refused_and_atomic(county):
    paths = dict(OrganizationUnit.objects.values_list("code", "path"))
    with pytest.raises(ValidationError):
        services.unit_move(unit=county["village_a1"], new_parent=county["grid_ac"], actor=SYSTEM)
    assert dict(OrganizationUnit.objects.values_list("code", "path")) == paths


def test_move_failing_midway_rolls_back_every_path(county, monkeypatch):
    """If anything fails after the paths were rewritten, the whole move is undone."""
    paths = dict(OrganizationUnit.objects.values_list("code", "path"))

    def boom(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services.audit, "record", boom)
    with pytest.raises(RuntimeError):
        services.unit_move(unit=county["community_a"], new_parent=county["township_b"], actor=SYSTEM)
    assert dict(OrganizationUnit.objects.values_list("code", "path")) == paths
    assert OrganizationUnit.objects.get(code="COMA00001").parent == county["township_a"]


def test_township_staff_cannot_move_into_other_township(county, users):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.unit_move(unit=county["village_a1"], new_parent=county["township_b"], actor=users["staff_a"])


def test_delete_refuses_unit_with_children(county):
    with pytest.raises(ValidationError):
        services.unit_delete(unit=county["village_a1"], actor=SYSTEM)
    services.unit_delete(unit=county["grid_a1"], actor=SYSTEM)
    assert not OrganizationUnit.objects.filter(code="VILA10001-G01").exists()


def test_every_unit_carries_a_party_organization(county):
    assert OrganizationUnit.objects.filter(party_org__isnull=True).count() == 0
    assert county["village_a1"].party_org.org_type == "general_branch"


def test_weak_and_lax_needs_a_start_date(county):
    with pytest.raises(ValidationError):
        services.party_org_update(party_org=county["village_a1"].party_org, actor=SYSTEM, status="weak_and_lax")
    po = services.party_org_update(
        party_org=county["village_a1"].party_org,
        actor=SYSTEM,
        status="weak_and_lax",
        rectification_started_on="2024-03-01",
    )
    assert po.status == "weak_and_lax"


def test_demonstration_title_once_per_year(county):
    po = county["village_a1"].party_org
    services.demonstration_title_grant(party_org=po, year=2023, title="village", actor=SYSTEM)
    with pytest.raises(ValidationError):
        services.demonstration_title_grant(party_org=po, year=2023, title="village", actor=SYSTEM)


def test_bulk_create_builds_paths_level_by_level(county):
    rows = [
        {"name": "丙社区", "code": "BULKC0001", "kind": "community", "parent_code": "TOWNA0001"},
        {"name": "丙社区一网格", "code": "BULKC0001-G01", "kind": "grid", "parent_code": "BULKC0001"},
        {"name": "1栋", "code": "BULKC0001-G01-B01", "kind": "building", "parent_code": "BULKC0001-G01"},
    ]
    created = services.units_bulk_create(rows=rows, actor=SYSTEM)
    assert [u.depth for u in created] == [2, 3, 4]
    building = OrganizationUnit.objects.get(code="BULKC0001-G01-B01")
    assert [u.code for u in OrganizationUnit.objects.ancestors_of(building)][-2:] == ["BULKC0001", "BULKC0001-G01"]
    assert building.party_org.org_type == "group"


@pytest.mark.parametrize(
    "bad_row",
    [
        {"name": "楼下村", "code": "BULKV0001", "kind": "village", "parent_code": "COMA00001-G01-B01"},
        {"name": "重复", "code": "VILA10001", "kind": "village", "parent_code": "TOWNA0001"},
        {"name": "孤儿", "code": "BULKV0002", "kind": "village", "parent_code": "NOSUCH001"},
    ],
)
def test_bulk_create_is_all_or_nothing(county, bad_row):
    before = OrganizationUnit.objects.count()
    good = {"name": "好村", "code": "BULKG0001", "kind": "village", "parent_code": "TOWNA0001"}
    with pytest.raises(ValidationError) as info:
        services.units_bulk_create(rows=[good, bad_row], actor=SYSTEM)
    assert bad_row["code"] in " ".join(info.value.messages)
    assert OrganizationUnit.objects.count() == before


def test_bulk_create_respects_scope(county, users):
    rows = [{"name": "越界村", "code": "BULKX0001", "kind": "village", "parent_code": "TOWNB0001"}]
    with pytest.raises(ValidationError):
        services.units_bulk_create(rows=rows, actor=users["staff_a"])
    assert not OrganizationUnit.objects.filter(code="BULKX0001").exists()


def test_move_announces_both_chains_after_commit(county, django_capture_on_commit_callbacks):
    from core import events

    calls = []
    events.subscribe(listener := lambda **kw: calls.append(kw))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.unit_move(unit=county["village_a1"], new_parent=county["township_b"], actor=SYSTEM)
    finally:
        events._subscribers.remove(listener)
    announced = {pk for call in calls if call["source"] == "organizations" for pk in call["unit_ids"]}
    assert {county["village_a1"].pk, county["township_a"].pk} <= announced
