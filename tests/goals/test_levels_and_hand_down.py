"""Dashboards that fit each level: the indicators listed at a village, a township, a county and a prefecture (the
figures still roll up everywhere); targets handed down from a scope to its children (shared by their base figure in
whole units that add up, a percentage the same, or set child by child), with origin, audit and the permission path;
and a rate of 0/0 shown as 无数据, never as behind."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from accounts.permissions import SYSTEM
from core.models import AuditEntry
from goals import bases, selectors, services
from goals import indicators as registry
from goals.models import RollupValue, Target
from organizations import services as org_services
from organizations.models import DemonstrationTitleKind as T
from organizations.models import UnitKind as K

from .conftest import grant

pytestmark = pytest.mark.django_db
COUNTY_ONLY = {"demonstration_townships", "demonstration_streets", "smart_platform_streets"}
ABOVE_COUNTY_ONLY = {"demonstration_counties"}
OF_VILLAGES = {
    "demonstration_villages",
    "demonstration_communities",
    "demonstration_village_share",
    "villages_income_over_200k",
    "villages_income_over_100k",
    "villages_with_young_reserve",
    "one_shoulder_rate",
    "weak_lax_rectified",
    "weak_lax_rectification_rate",
}
EVERYWHERE = {"members_developed", "activists", "woodpeckers", "clues_handled", "clue_closure_rate", "reward_paid"}


def make(name, code, kind, parent=None):
    return org_services.unit_create(name=name, code=code, kind=kind, parent=parent, actor=SYSTEM)


@pytest.fixture
def jingzhou(db):
    """Hubei → Jingzhou → Shishou → a township (two villages) and a street (a community)."""
    t = {"hubei": make("湖北省", "42", K.PROVINCE)}
    t["jingzhou"] = make("荆州市", "4210", K.PREFECTURE, t["hubei"])
    t["shishou"] = make("石首市", "421081", K.CITY, t["jingzhou"])
    t["township"] = make("调关镇", "421081101", K.TOWNSHIP, t["shishou"])
    t["street"] = make("绣林街道", "421081001", K.STREET, t["shishou"])
    t["village"] = make("童子岗村", "421081101201", K.VILLAGE, t["township"])
    t["village2"] = make("桃花山村", "421081101202", K.VILLAGE, t["township"])
    t["community"] = make("南岳山社区", "421081001001", K.COMMUNITY, t["street"])
    return t


def keys_at(user, unit):
    return {row.indicator.key for row in selectors.dashboard_rows(user=user, unit=unit, year=2024)}


def test_each_level_lists_only_its_indicators_while_figures_roll_up_everywhere(jingzhou, users):
    admin = users["admin"]
    grant(jingzhou["village"], 2024, T.VILLAGE)
    services.rollup_year(year=2024)
    village, township = keys_at(admin, jingzhou["village"]), keys_at(admin, jingzhou["township"])
    county, prefecture = keys_at(admin, jingzhou["shishou"]), keys_at(admin, jingzhou["jingzhou"])
    assert EVERYWHERE <= village and not (village & (COUNTY_ONLY | ABOVE_COUNTY_ONLY | OF_VILLAGES))
    assert EVERYWHERE | OF_VILLAGES <= township and not (township & (COUNTY_ONLY | ABOVE_COUNTY_ONLY))
    assert EVERYWHERE | OF_VILLAGES | COUNTY_ONLY <= county and not county & ABOVE_COUNTY_ONLY
    assert EVERYWHERE | OF_VILLAGES | COUNTY_ONLY | ABOVE_COUNTY_ONLY <= prefecture
    assert prefecture == {i.key for i in registry.all_indicators()}
    # The village's own title is still counted on it and rolled up: only the listing follows the level.
    held = RollupValue.objects.filter(indicator="demonstration_villages", year=2024)
    assert held.get(unit=jingzhou["village"]).value == 1 and held.get(unit=jingzhou["jingzhou"]).value == 1


def test_every_indicator_declares_levels_that_hold_its_target_kinds():
    for indicator in registry.all_indicators():
        assert indicator.levels, f"{indicator.key} declares no levels"
        assert set(indicator.target_kinds) <= set(indicator.levels)
        assert indicator.base in bases.BASES
    people = {"members_developed", "activists", "reserve_cadres", "woodpeckers"}
    assert {i.key for i in registry.all_indicators() if i.measure == registry.Measure.PEOPLE} == people
    assert str(registry.get("woodpeckers").measure_label) == "人"


def test_page_children_table_export_and_api_follow_the_level(county, users, client_for, api_for):
    grant(county["village_a1"], 2024, T.VILLAGE)
    services.rollup_year(year=2024)
    client = client_for(users["city_staff"])
    village = client.get(f"/goals/units/{county['village_a1'].pk}/?year=2024")
    assert {i.key for i in village.context["computable"]} & OF_VILLAGES == set()
    assert "示范村" not in village.content.decode() and "示范乡镇" not in village.content.decode()
    township = client.get(f"/goals/units/{county['township_a'].pk}/?year=2024&rank=demonstration_villages")
    assert "demonstration_villages" in {i.key for i in township.context["computable"]}
    # Its children are villages: the table lists what a village shows, and ranks by one of those.
    columns = {i.key for i in township.context["columns"]}
    assert "demonstration_villages" not in columns and "members_developed" in columns
    assert township.context["rank_by"] in columns
    city = client.get(f"/goals/units/{county['city'].pk}/?year=2024")
    columns = {i.key for i in city.context["columns"]}
    assert "demonstration_villages" in columns and not columns & COUNTY_ONLY
    assert "示范乡镇" in city.content.decode()
    book = load_workbook(BytesIO(client.get(f"/goals/units/{county['village_a1'].pk}/export.xlsx?year=2024").content))
    names = {row[0].value for row in book["指标"].iter_rows(min_row=5)}
    assert "发展党员数" in names and "示范村" not in names
    book = load_workbook(BytesIO(client.get(f"/goals/units/{county['township_a'].pk}/export.xlsx?year=2024").content))
    header = [cell.value for cell in book.worksheets[1][1]]
    assert "发展党员数（人）" in header and not any(str(h).startswith("示范村") for h in header)
    api = api_for(users["city_staff"]).get(f"/api/v1/goals/dashboard/{county['village_a1'].pk}/?year=2024").json()
    assert {row["key"] for row in api["indicators"]} & OF_VILLAGES == set()
    described = api_for(users["city_staff"]).get("/api/v1/goals/indicators/demonstration_counties/").json()
    assert described["levels"] == ["province", "prefecture"] and described["base"] == "counties"


def test_a_rate_of_nothing_over_nothing_is_no_data_everywhere(county, users, client_for):
    services.rollup_year(year=2024)
    services.target_set(indicator="clue_closure_rate", unit=county["township_a"], year=2024, value=90, actor=SYSTEM)
    rows = {
        r.indicator.key: r for r in selectors.dashboard_rows(user=users["admin"], unit=county["township_a"], year=2024)
    }
    assert rows["clue_closure_rate"].value is None and rows["clue_closure_rate"].status == selectors.EMPTY
    response = client_for(users["city_staff"]).get(
        f"/goals/units/{county['township_a'].pk}/?year=2024&rank=clue_closure_rate"
    )
    body = response.content.decode()
    row = body.split('data-indicator="clue_closure_rate"')[1].split("</tr>")[0]
    assert "无数据" in row and "滞后" not in row
    table = body.split('id="children-table"')[1]
    assert "无数据" in table and "滞后" not in table
    chart = response.context["chart_data"]["children"]
    assert chart["key"] == "clue_closure_rate" and {u["value"] for u in chart["units"]} == {None}
    assert chart["axis"] == "%" and response.context["chart_data"]["series"]["woodpeckers"]["axis"] == "人"


# Hand-down


def test_split_adds_up_to_the_total_by_largest_remainder():
    assert services.split(Decimal(10), {1: 1, 2: 1, 3: 1}, Decimal(1)) == {1: 4, 2: 3, 3: 3}
    assert services.split(Decimal(37), {1: 12, 2: 7, 3: 0}, Decimal(1)) == {1: 23, 2: 14, 3: 0}
    parts = services.split(Decimal(300), {i: w for i, w in enumerate([17, 23, 9, 31, 5, 15], 1)}, Decimal(1))
    assert sum(parts.values()) == 300 and all(p == int(p) for p in parts.values())
    cents = services.split(Decimal("100.00"), {1: 1, 2: 1, 3: 1}, Decimal("0.01"))
    assert cents == {1: Decimal("33.34"), 2: Decimal("33.33"), 3: Decimal("33.33")}
    assert sum(services.split(Decimal("7.5"), {1: 1, 2: 1}, Decimal(1)).values()) == Decimal("7.5")


def test_a_count_is_shared_by_the_childrens_base_with_origin_and_audit(county, users):
    city = county["city"]
    parent = services.target_set(indicator="demonstration_villages", unit=city, year=2024, value=10, actor=SYSTEM)
    written = services.target_hand_down(target=parent, actor=users["city_staff"], rule=services.SHARE)
    # Township A holds two villages, street B one: 10 × 2/3 = 6.67 and 3.33, rounded down to 6 and 3, and the unit
    # left over goes to the larger remainder.
    by_unit = {t.unit_id: t for t in written}
    assert by_unit[county["township_a"].pk].value == 7 and by_unit[county["township_b"].pk].value == 3
    assert all(t.origin_id == parent.pk and t.rule == "share:villages" for t in written)
    entries = AuditEntry.objects.filter(action="target.hand_down")
    assert entries.count() == 2 and {e.unit_id for e in entries} == {county["township_a"].pk, county["township_b"].pk}
    # The township sees the target handed down to it, never the county's own.
    rows = {
        r.indicator.key: r for r in selectors.dashboard_rows(user=users["admin"], unit=county["township_a"], year=2024)
    }
    assert rows["demonstration_villages"].target.value == 7
    # Set again by hand, it keeps its origin and says so.
    again = services.target_set(
        indicator="demonstration_villages", unit=county["township_a"], year=2024, value=8, actor=SYSTEM
    )
    assert again.origin_id == parent.pk and again.rule == services.MANUAL


def test_a_percentage_goes_down_the_same_and_the_rules_that_do_not_fit_are_refused(county, users):
    city, staff = county["city"], users["city_staff"]
    rate = services.target_set(indicator="villages_income_over_200k", unit=city, year=2024, value=60, actor=SYSTEM)
    written = services.target_hand_down(target=rate, actor=staff, rule=services.SAME)
    assert {t.value for t in written} == {60} and len(written) == 2
    with pytest.raises(ValidationError) as exc:
        services.target_hand_down(target=rate, actor=staff, rule=services.SHARE)
    assert exc.value.error_code == "hand_down_rule"
    count = services.target_set(indicator="demonstration_villages", unit=city, year=2024, value=3, actor=SYSTEM)
    with pytest.raises(ValidationError):
        services.target_hand_down(target=count, actor=staff, rule=services.SAME)  # never a count given whole to each
    # One transaction: a bad value for one child writes nothing for the other.
    with pytest.raises(ValidationError):
        services.target_hand_down(
            target=rate,
            actor=staff,
            rule=services.MANUAL,
            values={county["township_a"].pk: Decimal(50), county["township_b"].pk: Decimal(120)},
        )
    assert set(
        Target.objects.filter(indicator="villages_income_over_200k", origin=rate).values_list("value", flat=True)
    ) == {60}
    # A county-level indicator does not go down to townships: nothing under the county takes it.
    towns = services.target_set(indicator="demonstration_townships", unit=city, year=2024, value=1, actor=SYSTEM)
    with pytest.raises(ValidationError) as exc:
        services.target_hand_down(target=towns, actor=staff, rule=services.SHARE)
    assert exc.value.error_code == "hand_down_no_children"


def test_hand_down_page_shares_or_sets_each_value(county, users, client_for):
    parent = services.target_set(
        indicator="demonstration_villages", unit=county["city"], year=2024, value=9, actor=SYSTEM
    )
    client = client_for(users["city_staff"])
    url = f"/goals/targets/{parent.pk}/hand-down/"
    page = client.get(url)
    assert page.status_code == 200
    assert [(child, figure, proposed) for child, figure, proposed, _c, _f in page.context["rows"]] == [
        (county["township_a"], 2, 6),
        (county["township_b"], 1, 3),
    ]
    a, b = county["township_a"].pk, county["township_b"].pk
    response = client.post(url, {"rule": "manual", f"value_{a}": "5", f"value_{b}": "4"})
    assert response.status_code == 302
    assert dict(Target.objects.filter(origin=parent).values_list("unit_id", "value")) == {a: 5, b: 4}
    assert client.post(url, {"rule": "nonsense"}).status_code == 200  # the form says what is wrong: no 500
    targets = client.get(f"/goals/units/{county['city'].pk}/targets/?year=2024").content.decode()
    assert url in targets


def test_hand_down_needs_the_parent_scopes_organization_department(county, users, client_for, api_for):
    township_target = services.target_set(
        indicator="demonstration_villages", unit=county["township_a"], year=2024, value=2, actor=SYSTEM
    )
    city_target = services.target_set(
        indicator="demonstration_villages", unit=county["city"], year=2024, value=2, actor=SYSTEM
    )
    # Township staff see their township's target but may not set targets: 403; the county's is out of scope: 404.
    staff_a = client_for(users["staff_a"])
    assert staff_a.get(f"/goals/targets/{township_target.pk}/hand-down/").status_code == 403
    assert staff_a.post(f"/goals/targets/{township_target.pk}/hand-down/", {"rule": "share"}).status_code == 403
    assert staff_a.get(f"/goals/targets/{city_target.pk}/hand-down/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.target_hand_down(target=township_target, actor=users["staff_a"], rule=services.SHARE)
    api = api_for(users["staff_a"])
    assert api.post(f"/api/v1/goals/targets/{city_target.pk}/hand-down/", {"rule": "share"}).status_code == 404
    assert api.post(f"/api/v1/goals/targets/{township_target.pk}/hand-down/", {"rule": "share"}).status_code == 403
    assert not Target.objects.filter(origin__isnull=False).exists()
    response = api_for(users["city_staff"]).post(
        f"/api/v1/goals/targets/{city_target.pk}/hand-down/",
        {"rule": "manual", "values": {county["township_b"].code: "2"}},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert [(t["unit_code"], t["value"], t["origin"]) for t in response.json()] == [
        (county["township_b"].code, "2.00", city_target.pk)
    ]
    bad = api_for(users["city_staff"]).post(
        f"/api/v1/goals/targets/{city_target.pk}/hand-down/",
        {"rule": "manual", "values": {"NOSUCHUNIT": "2"}},
        format="json",
    )
    assert bad.status_code == 400


def test_a_county_default_table_fits_its_own_base(jingzhou):
    services.targets_load_defaults(unit=jingzhou["shishou"], actor=SYSTEM)
    targets = {(t.indicator, t.year): t.value for t in Target.objects.filter(unit=jingzhou["shishou"])}
    # Two villages: 24% of them is 0.48, which rounds to no target at all (never Jingzhou's 300, nor an eighth of it).
    assert not any(key == "demonstration_villages" for key, _year in targets)
    assert targets[("demonstration_streets", 2024)] == 1  # half of its one street, rounded half up
    assert targets[("villages_income_over_200k", 2024)] == 70  # a percentage is a share at any level
    assert not any(key == "demonstration_counties" for key, _year in targets)
    with pytest.raises(ValidationError):
        services.targets_load_defaults(unit=jingzhou["township"], actor=SYSTEM)
