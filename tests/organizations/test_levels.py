"""Levels above the county (province, prefecture) and the county level (county-level city, district, county): kind
rules, national division codes, and what a role held at each level sees."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.permissions import SYSTEM, VIEW, restrict
from accounts.roles import Role
from goals import services as goals
from goals.models import RollupValue, Target
from organizations import services
from organizations.errors import ErrorCode
from organizations.models import COUNTY_LEVEL, OrganizationUnit, UnitKind
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
UNITS = "/api/v1/organizations/units/"
K = UnitKind


def make(name, code, kind, parent=None):
    return services.unit_create(name=name, code=code, kind=kind, parent=parent, actor=SYSTEM)


@pytest.fixture
def hubei():
    """Hubei with two prefectures (Jingzhou, Wuhan), their county-level units, and the four counties the province
    administers directly; Shishou with one township and village, Jiang'an (Wuhan) the same."""
    t = {"hubei": make("湖北省", "42", K.PROVINCE)}
    t["jingzhou"] = make("荆州市", "4210", K.PREFECTURE, t["hubei"])
    t["wuhan"] = make("武汉市", "4201", K.PREFECTURE, t["hubei"])
    t["shishou"] = make("石首市", "421081", K.CITY, t["jingzhou"])
    t["shashi"] = make("沙市区", "421002", K.DISTRICT, t["jingzhou"])
    t["gongan"] = make("公安县", "421022", K.COUNTY, t["jingzhou"])
    t["jiangan"] = make("江岸区", "420102", K.DISTRICT, t["wuhan"])
    for code, name, kind in [
        ("429004", "仙桃市", K.CITY),
        ("429005", "潜江市", K.CITY),
        ("429006", "天门市", K.CITY),
        ("429021", "神农架林区", K.COUNTY),
    ]:
        t[code] = make(name, code, kind, t["hubei"])
    t["xiulin"] = make("绣林街道", "421081001", K.STREET, t["shishou"])
    t["qiaonan"] = make("桥南居委会", "421081001001", K.COMMUNITY, t["xiulin"])
    t["dongsheng"] = make("东升镇", "421081106", K.TOWNSHIP, t["shishou"])
    t["tongzigang"] = make("童子岗村", "421081106201", K.VILLAGE, t["dongsheng"])
    t["street_wh"] = make("大智街道", "420102001", K.STREET, t["jiangan"])
    t["village_wh"] = make("武汉某村", "420102001201", K.VILLAGE, t["street_wh"])
    return t


def test_the_tree_above_the_county_holds_the_real_chain(hubei):
    chain = OrganizationUnit.objects.ancestors_of(hubei["tongzigang"]).values_list("code", flat=True)
    assert list(chain) == ["42", "4210", "421081", "421081106"]
    assert [hubei[c].parent.code for c in ("429004", "429005", "429006", "429021")] == ["42"] * 4
    assert all(hubei[key].is_territorial for key in ("hubei", "jingzhou", "shishou", "shashi", "gongan"))


@pytest.mark.parametrize(
    ("kind", "code", "parent_key", "field"),
    [
        (K.PROVINCE, "43", "hubei", "parent"),  # a province is a root
        (K.PREFECTURE, "4211", None, "parent"),  # a prefecture needs its province
        (K.PREFECTURE, "421101", "jingzhou", "parent"),  # not under a prefecture
        (K.CITY, "421083", "shishou", "parent"),  # a county-level unit is not under another
        (K.DISTRICT, "421003", "xiulin", "parent"),
        (K.TOWNSHIP, "421000100", "jingzhou", "parent"),  # a township needs its county
        (K.STREET, "420000001", "hubei", "parent"),
        (K.VILLAGE, "421081106299", "shishou", "parent"),
        (K.COMMUNITY, "421000001001", "jingzhou", "parent"),
        (K.ENTERPRISE, "ENTERPRISE01", "jingzhou", "parent"),
    ],
)
def test_kind_rules_refuse_misplaced_levels(hubei, kind, code, parent_key, field):
    before = OrganizationUnit.objects.count()
    with pytest.raises(ValidationError) as info:
        make("错位", code, kind, hubei[parent_key] if parent_key else None)
    assert field in info.value.message_dict
    assert info.value.error_dict[field][0].code == ErrorCode.KIND_NOT_ALLOWED
    assert OrganizationUnit.objects.count() == before


def test_kind_rules_accept_each_level_where_it_belongs(hubei):
    # A county-level unit of every kind under a prefecture; a county that deploys alone is still a root.
    for i, kind in enumerate(COUNTY_LEVEL):
        assert make(f"县级{i}", f"42108{i + 4}", kind, hubei["jingzhou"]).parent == hubei["jingzhou"]
    assert make("单独部署的县", "TCOUNTY01", K.COUNTY).parent is None
    assert make("荆州市直机关工委", "4210A01", K.AGENCY, hubei["jingzhou"]).depth == 2
    assert make("湖北省直机关", "42A001", K.AGENCY, hubei["hubei"]).depth == 1
    assert make("仙桃某街道", "429004001", K.STREET, hubei["429004"]).parent.parent == hubei["hubei"]


def test_a_province_direct_county_sits_under_the_province_and_no_other(hubei):
    # 4290 groups the four counties the province administers: it is no prefecture, and only they sit under it.
    with pytest.raises(ValidationError) as info:
        make("省直辖县级行政区划", "4290", K.PREFECTURE, hubei["hubei"])
    assert info.value.error_dict["code"][0].code == ErrorCode.DIVISION_CODE
    with pytest.raises(ValidationError) as info:
        make("监利市", "421088", K.CITY, hubei["hubei"])  # Jianli belongs to Jingzhou
    assert info.value.error_dict["code"][0].code == ErrorCode.DIVISION_CODE
    assert "90" in info.value.message_dict["code"][0]
    with pytest.raises(ValidationError) as info:
        make("仙桃市", "429099", K.CITY, hubei["jingzhou"])  # a province-direct code under a prefecture
    assert info.value.error_dict["code"][0].code == ErrorCode.DIVISION_CODE


@pytest.mark.parametrize(
    ("kind", "code", "parent_key", "message"),
    [
        (K.PROVINCE, "420", None, "2位"),
        (K.PROVINCE, "HB0001", None, "2位"),  # a level above the county exists only with its division code
        (K.PREFECTURE, "42100", "hubei", "4位"),
        (K.PREFECTURE, "4310", "hubei", "42"),  # another province's code
        (K.CITY, "4210810", "jingzhou", "6位"),
        (K.COUNTY, "420222", "jingzhou", "4210"),
        (K.TOWNSHIP, "42108110", "shishou", "9位"),
        (K.STREET, "421083001", "shishou", "421081"),
        (K.VILLAGE, "4210811062011", "dongsheng", "12位"),
        (K.COMMUNITY, "421081107001", "dongsheng", "421081106"),
    ],
)
def test_code_rules_follow_the_division_codes(hubei, kind, code, parent_key, message):
    with pytest.raises(ValidationError) as info:
        make("错码", code, kind, hubei[parent_key] if parent_key else None)
    # A code of the wrong shape may also fail the format check first; the division rule always speaks.
    errors = [(error.code, " ".join(error.messages)) for error in info.value.error_dict["code"]]
    assert any(code == ErrorCode.DIVISION_CODE and message in text for code, text in errors), errors


def test_code_rules_message_is_chinese(hubei):
    with pytest.raises(ValidationError) as info:
        make("错码镇", "421083100", K.TOWNSHIP, hubei["shishou"])
    assert info.value.message_dict["code"] == ["区划代码须以上级单位的代码421081开头。"]


def test_local_codes_stay_allowed_below_the_prefecture(hubei):
    # Grids, buildings and organizations keep local codes; so do the levels of a county without division codes.
    grid = make("童子岗村第1村民小组", "421081106201-G01", K.GRID, hubei["tongzigang"])
    assert grid.parent == hubei["tongzigang"]
    root = make("测试县", "TCOUNTY02", K.COUNTY)
    township = make("测试镇", "TTOWN0001", K.TOWNSHIP, root)
    assert make("测试村", "421081106555", K.VILLAGE, township).parent == township  # no division code above it


def test_api_refuses_a_wrong_code_with_its_error_code(hubei, api_for):
    admin = user_with_role("root_admin", superuser=True)
    body = {"name": "错码镇", "code": "421083100", "kind": "township", "parent_code": "421081"}
    response = api_for(admin).post(UNITS, body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["codes"]["code"] == ["division_code"]


# What a role held at each level sees: the subtree of its unit, nothing beside it (404, never 403).
LEVEL_MATRIX = [
    # (where the role is held, units it sees, units it does not)
    ("hubei", ["jingzhou", "wuhan", "shishou", "jiangan", "429021", "tongzigang", "village_wh"], []),
    ("jingzhou", ["jingzhou", "shishou", "shashi", "gongan", "tongzigang", "qiaonan"], ["hubei", "wuhan", "jiangan"]),
    ("wuhan", ["jiangan", "village_wh"], ["jingzhou", "shishou", "tongzigang", "429004"]),
    ("shishou", ["shishou", "dongsheng", "tongzigang"], ["jingzhou", "shashi", "jiangan", "hubei"]),
    ("429004", ["429004"], ["hubei", "429005", "shishou"]),
]


@pytest.mark.parametrize(("held", "sees", "blind"), LEVEL_MATRIX, ids=[row[0] for row in LEVEL_MATRIX])
def test_org_department_at_each_level_sees_its_subtree(hubei, api_for, client_for, held, sees, blind):
    user = user_with_role(f"org_{held}", Role.ORG_DEPARTMENT, hubei[held], staff=True)
    visible = set(restrict(OrganizationUnit.objects.all(), user, VIEW).values_list("pk", flat=True))
    assert {hubei[key].pk for key in sees} <= visible
    assert not {hubei[key].pk for key in blind} & visible
    api = api_for(user)
    for key in sees:
        assert api.get(f"{UNITS}{hubei[key].pk}/").status_code == 200
    for key in blind:
        assert api.get(f"{UNITS}{hubei[key].pk}/").status_code == 404
    client = client_for(user)
    for key in blind:
        assert client.get(reverse("organizations:unit_detail", args=[hubei[key].pk])).status_code == 404


def test_a_prefecture_user_reads_its_counties_figures_and_not_another_prefectures(hubei, api_for, client_for):
    for year in (2024,):
        goals.rollup_year(year=year, root_id=hubei["hubei"].pk)
    user = user_with_role("jingzhou_staff", Role.ORG_DEPARTMENT, hubei["jingzhou"], staff=True)
    client = client_for(user)
    response = client.get(reverse("goals:dashboard", args=[hubei["jingzhou"].pk]) + "?year=2024")
    assert response.status_code == 200
    assert {child.code for child, _values in response.context["children"]} == {"421081", "421002", "421022"}
    # No village reported anything in 2024: every county is listed as not reporting.
    assert len(response.context["not_reporting"]) == 3
    assert client.get(reverse("goals:dashboard", args=[hubei["shishou"].pk])).status_code == 200
    assert client.get(reverse("goals:dashboard", args=[hubei["wuhan"].pk])).status_code == 404
    assert client.get(reverse("goals:dashboard", args=[hubei["jiangan"].pk])).status_code == 404
    api = api_for(user)
    assert api.get(f"/api/v1/goals/dashboard/{hubei['shishou'].pk}/").status_code == 200
    assert api.get(f"/api/v1/goals/dashboard/{hubei['wuhan'].pk}/").status_code == 404
    assert RollupValue.objects.filter(unit=hubei["jingzhou"], year=2024).exists()


def test_demonstration_counties_count_county_level_units_on_the_prefecture(hubei):
    for key in ("shishou", "gongan", "jiangan"):
        services.demonstration_title_grant(party_org=hubei[key].party_org, year=2024, title="county", actor=SYSTEM)
    # A title recorded on a township does not make a demonstration county.
    services.demonstration_title_grant(party_org=hubei["dongsheng"].party_org, year=2024, title="county", actor=SYSTEM)
    goals.rollup_year(year=2024, root_id=hubei["hubei"].pk)

    def value(key):
        return RollupValue.objects.get(indicator="demonstration_counties", unit=hubei[key], year=2024).value

    assert (value("hubei"), value("jingzhou"), value("wuhan"), value("shishou"), value("shashi")) == (3, 2, 1, 1, 0)


def test_targets_fit_the_level(hubei):
    # The prefecture's table as it stands at Jingzhou; at a county the plan's pace fitted to its own base (this
    # Shishou has one village, one community, one township and one street); no default table for a township.
    assert goals.targets_load_defaults(unit=hubei["jingzhou"], actor=SYSTEM) == 21
    assert Target.objects.get(indicator="demonstration_villages", unit=hubei["jingzhou"], year=2024).value == 300
    assert goals.targets_load_defaults(unit=hubei["shishou"], actor=SYSTEM) == 9
    county = {t.indicator: t.value for t in Target.objects.filter(unit=hubei["shishou"], year=2024)}
    assert "demonstration_villages" not in county  # 24% of one village rounds to none (never Jingzhou's 300)
    assert county["demonstration_streets"] == 1  # half of its one street, rounded half up
    assert county["villages_income_over_200k"] == 70  # a percentage holds at every level
    assert "demonstration_counties" not in county
    with pytest.raises(ValidationError) as info:
        goals.target_set(indicator="demonstration_counties", unit=hubei["shishou"], year=2024, value=2, actor=SYSTEM)
    assert info.value.error_dict["unit"][0].code == "target_level"
    with pytest.raises(ValidationError) as info:
        goals.targets_load_defaults(unit=hubei["dongsheng"], actor=SYSTEM)
    assert info.value.error_dict["unit"][0].code == "no_default_targets"
    assert goals.target_set(indicator="demonstration_counties", unit=hubei["hubei"], year=2024, value=5, actor=SYSTEM)


def test_the_collective_economy_of_a_prefecture_is_its_counties(hubei, client_for):
    user = user_with_role("jingzhou_economy", Role.ORG_DEPARTMENT, hubei["jingzhou"], staff=True)
    client = client_for(user)
    page = client.get(reverse("collective_economy:index"))
    assert page.status_code == 200
    assert sorted(unit.code for unit in page.context["roots"]) == ["421002", "421022", "421081"]
    assert reverse("collective_economy:city", args=[hubei["shashi"].pk]) in page.content.decode()
    assert client.get(reverse("collective_economy:city", args=[hubei["gongan"].pk])).status_code == 200
    assert client.get(reverse("collective_economy:city", args=[hubei["jiangan"].pk])).status_code == 404
