"""Signing up by phone and SMS code, the township → community → grid chooser, and resetting a forgotten password by
SMS code (grid_woodpecker.services.signup, the register and password_reset pages)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from accounts.permissions import SYSTEM
from cadres.models import Person
from core.models import AuditEntry
from grid_woodpecker import selectors
from grid_woodpecker.models import Woodpecker, WoodpeckerStatus
from grid_woodpecker.services.signup import (
    reset_send_code,
    signup_send_code,
    woodpecker_password_reset,
    woodpecker_register,
)
from grid_woodpecker.services.woodpeckers import woodpecker_confirm, woodpecker_create
from organizations.models import OrganizationUnit, UnitKind
from tests import factories
from tests.grid_woodpecker import helpers
from tests.grid_woodpecker.helpers import MemorySms, last_code

pytestmark = pytest.mark.django_db

REGISTER = reverse("grid_woodpecker:register")
RESET = reverse("grid_woodpecker:password_reset")
UNITS = reverse("grid_woodpecker:signup_units")
PASSWORD = "Phone-pass-88"


@pytest.fixture(autouse=True)
def memory_sms(settings):
    settings.NOTIFICATION_SMS_BACKEND = "tests.grid_woodpecker.helpers.MemorySms"
    MemorySms.sent = []


def _register(phone, grid, **extra):
    values = {"name": "李四", "password": PASSWORD, "grid": grid, "group": "resident", "id_number": ""}
    return woodpecker_register(phone=phone, code=extra.pop("code", None) or last_code(phone), **{**values, **extra})


# --- services -------------------------------------------------------------------------------------------------------


def test_signup_happy_path_pending_until_the_grid_confirms(county, wp_world):
    assert signup_send_code(phone="138 1234 0001") == "13812340001"
    woodpecker = _register("13812340001", county["grid_ac"])
    assert woodpecker.status == WoodpeckerStatus.PENDING and woodpecker.grid == county["grid_ac"]
    user = woodpecker.user
    assert user.username == "13812340001" and user.check_password(PASSWORD) and not user.has_role("woodpecker")
    assert woodpecker.person.mobile_masked == "138****0001" and woodpecker.person.id_number_hash is None
    assert AuditEntry.objects.filter(action="woodpecker.register", actor=user).exists()
    woodpecker_confirm(woodpecker=woodpecker, actor=wp_world["gridworker"])
    user.__dict__.pop("_role_names", None)
    assert user.has_role("woodpecker")


def test_id_number_is_optional_but_validated_when_given(county):
    signup_send_code(phone="13812340002")
    with pytest.raises(ValidationError) as refused:
        _register("13812340002", county["grid_ac"], id_number="421081199001011234")
    assert "id_number" in refused.value.message_dict
    assert not User.objects.filter(username="13812340002").exists()
    number = helpers.id_number()
    woodpecker = _register("13812340002", county["grid_ac"], id_number=number)  # the same code: nothing was kept
    assert woodpecker.person.id_number_masked and woodpecker.person.birth_date is not None
    signup_send_code(phone="13812340003")
    with pytest.raises(ValidationError) as refused:
        _register("13812340003", county["grid_ac"], id_number=number)
    assert refused.value.message_dict["id_number"]
    # Two people without an ID number live side by side.
    helpers.signup(county["grid_ac"], phone="13812340004")
    helpers.signup(county["grid_ac"], phone="13812340005")
    assert Person.objects.filter(id_number_hash__isnull=True).count() == 2


def test_wrong_and_reused_codes_are_refused(county):
    signup_send_code(phone="13812340006")
    code = last_code("13812340006")
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    with pytest.raises(ValidationError) as refused:
        _register("13812340006", county["grid_ac"], code=wrong)
    assert refused.value.error_dict["code"][0].code == "sms_code_wrong"
    assert not Woodpecker.objects.exists()
    _register("13812340006", county["grid_ac"], code=code)
    # Reused for another number or the same: refused.
    with pytest.raises(ValidationError) as refused:
        _register("13812340007", county["grid_ac"], code=code)
    assert "code" in refused.value.message_dict


def test_a_registered_phone_is_told_so(county, wp_world):
    helpers.signup(county["grid_ac"], phone="13812340008")
    with pytest.raises(ValidationError) as refused:
        signup_send_code(phone="13812340008")
    assert refused.value.error_dict["phone"][0].code == "phone_registered"
    assert "重设" in refused.value.messages[0] or "reset" in refused.value.messages[0]
    # A woodpecker registered by staff with this phone on its record is registered too.
    woodpecker_create(
        name="赵六",
        id_number=helpers.id_number(),
        mobile="13812349999",
        grid=county["grid_ac"],
        group="resident",
        actor=SYSTEM,
    )
    with pytest.raises(ValidationError):
        signup_send_code(phone="13812349999")
    assert reset_send_code(phone="13812349999") and MemorySms.sent[-1][0] != "13812349999"  # it has no login


def test_only_an_active_grid_is_accepted(county):
    signup_send_code(phone="13812340009")
    OrganizationUnit.objects.filter(pk=county["grid_ac"].pk).update(is_active=False)
    county["grid_ac"].refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        _register("13812340009", county["grid_ac"])
    assert "grid" in refused.value.message_dict
    with pytest.raises(ValidationError):
        _register("13812340009", county["community_a"])  # not a grid


def test_password_reset_by_sms_code(county):
    woodpecker = helpers.signup(county["grid_ac"], phone="13812340010")
    assert reset_send_code(phone="13812340010") == "13812340010"
    code = last_code("13812340010")
    with pytest.raises(ValidationError) as refused:
        woodpecker_password_reset(
            phone="13812340010", code="000000" if code != "000000" else "111111", password="New-pass-2025"
        )
    assert "code" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        woodpecker_password_reset(phone="13812340010", code=code, password="1234")
    assert "password" in refused.value.message_dict
    user = woodpecker_password_reset(phone="13812340010", code=code, password="New-pass-2025")
    user.refresh_from_db()
    assert user.check_password("New-pass-2025") and user == woodpecker.user
    entry = AuditEntry.objects.get(action="account.password_reset_sms")
    assert entry.actor == user and "New-pass" not in str(entry.changes)
    with pytest.raises(ValidationError):  # used once
        woodpecker_password_reset(phone="13812340010", code=code, password="Other-pass-2025")


def test_reset_code_for_an_unknown_number_sends_nothing_and_says_nothing(county, users):
    assert reset_send_code(phone="13812340011") == "13812340011"
    assert MemorySms.sent == []
    with pytest.raises(ValidationError) as refused:
        woodpecker_password_reset(phone="13812340011", code="123456", password="New-pass-2025")
    assert refused.value.error_dict["code"][0].code == "sms_code_wrong"


def test_asking_twice_for_a_reset_code_is_answered_alike_for_known_and_unknown_numbers(county):
    """The resend throttle must not tell an account apart: the second request within the window is refused the
    same way whether the number has a login or not (and the unknown number still gets no SMS)."""
    helpers.signup(county["grid_ac"], phone="13812340012")
    MemorySms.sent = []
    answers = {}
    for phone in ("13812340012", "13812340013"):  # known, unknown
        reset_send_code(phone=phone)
        with pytest.raises(ValidationError) as refused:
            reset_send_code(phone=phone)
        answers[phone] = (refused.value.messages, refused.value.error_dict["phone"][0].code)
    assert answers["13812340012"] == answers["13812340013"]
    assert answers["13812340013"][1] == "sms_code_throttled"
    assert [phone for phone, _text in MemorySms.sent] == ["13812340012"]


def test_signup_units_offer_only_active_units_with_grids(county):
    townships = selectors.signup_units()
    assert [u.name for u in townships] == ["甲镇", "乙街道"]
    communities = selectors.signup_units(county["township_a"])
    assert {u.name for u in communities} == {"甲一村", "甲社区"}  # 甲二村 has no grid
    assert [u.name for u in selectors.signup_units(county["community_a"])] == ["甲社区一网格"]
    assert selectors.signup_units(county["grid_ac"]) == []
    OrganizationUnit.objects.filter(pk=county["grid_b1"].pk).update(is_active=False)
    assert [u.name for u in selectors.signup_units()] == ["甲镇"]
    # A grid under an inactive village leads nowhere: its township is not offered for it.
    OrganizationUnit.objects.filter(pk=county["community_a"].pk).update(is_active=False)
    assert [u.name for u in selectors.signup_units()] == ["甲镇"]  # still 甲一村's grid
    OrganizationUnit.objects.filter(pk=county["village_a1"].pk).update(is_active=False)
    assert selectors.signup_units() == []


def _second_county(name="第二县", parent=None, kind=UnitKind.COUNTY):
    """A county-level unit with one township, one community and one grid, built with the test factories."""
    top = factories.unit(name, kind, parent)
    township = factories.unit(f"{name}丙镇", UnitKind.TOWNSHIP, top)
    community = factories.unit(f"{name}丙社区", UnitKind.COMMUNITY, township)
    grid = factories.unit(f"{name}丙社区一网格", UnitKind.GRID, community)
    return {"county": top, "township": township, "community": community, "grid": grid}


def test_signup_units_start_with_the_county_when_there_are_several(county):
    other = _second_county()
    factories.unit("无网格县", UnitKind.COUNTY, None)  # no grid below: not offered
    top = selectors.signup_units()
    assert [(u.name, u.label) for u in top] == [("测试市", "测试市"), ("第二县", "第二县")]
    assert [u.name for u in selectors.signup_units(county["city"])] == ["甲镇", "乙街道"]
    assert [u.name for u in selectors.signup_units(other["county"])] == ["第二县丙镇"]
    assert [u.name for u in selectors.signup_units(other["township"])] == ["第二县丙社区"]
    assert selectors.signup_chain(other["grid"]) == {
        "county": other["county"].pk,
        "township": other["township"].pk,
        "community": other["community"].pk,
        "grid": other["grid"].pk,
    }
    # The county's grid deactivated: one county again, and the chooser starts with its townships.
    OrganizationUnit.objects.filter(pk=other["grid"].pk).update(is_active=False)
    assert [u.name for u in selectors.signup_units()] == ["甲镇", "乙街道"]
    assert selectors.signup_chain(county["grid_ac"])["township"] == county["township_a"].pk


def test_counties_of_several_prefectures_carry_the_prefectures_name(county):
    province = factories.unit("湖北省", UnitKind.PROVINCE, None, code="42")
    jingzhou = factories.unit("荆州市", UnitKind.PREFECTURE, province, code="4210")
    yichang = factories.unit("宜昌市", UnitKind.PREFECTURE, province, code="4205")
    _second_county("公安县", jingzhou)
    _second_county("远安县", yichang)
    _second_county("仙桃市", province, kind=UnitKind.CITY)  # directly under the province: no prefecture to name
    labels = sorted(u.label for u in selectors.signup_units())
    assert labels == sorted(["测试市", "荆州市 公安县", "宜昌市 远安县", "仙桃市"])


def test_the_choosers_queries_do_not_grow_with_the_counties(county, django_assert_num_queries):
    with django_assert_num_queries(2):  # one county: the county-level units, then its townships
        selectors.signup_units()
    for n in range(2):
        _second_county(f"第{n}县")
    with django_assert_num_queries(1):
        assert len(selectors.signup_units()) == 3
    for n in range(2, 6):
        _second_county(f"第{n}县")
    with django_assert_num_queries(1):
        assert len(selectors.signup_units()) == 7
    with django_assert_num_queries(1):
        assert len(selectors.signup_units(county["city"])) == 2
    with django_assert_num_queries(1):
        selectors.signup_units(county["township_a"])


# --- pages ----------------------------------------------------------------------------------------------------------


def _details(client, county, phone, **extra):
    return {
        "phone": phone,
        "code": last_code(phone),
        "township": county["township_a"].pk,
        "community": county["community_a"].pk,
        "grid": county["grid_ac"].pk,
        "name": "王五",
        "group": "delivery_rider",
        "id_number": "",
        "password": PASSWORD,
        **extra,
    }


def test_signup_pages_from_login_to_pending_woodpecker(client, county):
    login_page = client.get(reverse("login")).content.decode()
    assert REGISTER in login_page and RESET in login_page
    page = client.get(REGISTER).content.decode()
    assert 'name="phone"' in page and 'name="code"' not in page  # the first step: the number only
    response = client.post(REGISTER, {"action": "send_code", "phone": "13912345678"})
    assert response.status_code == 302
    page = client.get(REGISTER).content.decode()
    assert "139****5678" in page and 'name="code"' in page and 'value="13912345678"' in page
    assert "甲镇" in page and "甲社区一网格" not in page  # the grids wait for a community
    response = client.post(REGISTER, {"action": "register", **_details(client, county, "13912345678")})
    assert response.status_code == 302 and response["Location"] == reverse("grid_woodpecker:me")
    woodpecker = Woodpecker.objects.get(user__username="13912345678")
    assert woodpecker.status == WoodpeckerStatus.PENDING and woodpecker.group == "delivery_rider"
    assert client.get(reverse("grid_woodpecker:me")).status_code == 200
    client.logout()
    # Logging in with the phone number (spaces allowed) works.
    response = client.post(reverse("login"), {"username": "139 1234 5678", "password": PASSWORD})
    assert response.status_code == 302


def test_signup_page_errors_are_chinese_messages_on_the_page(client, county):
    response = client.post(REGISTER, {"action": "send_code", "phone": "12345"})
    assert response.status_code == 200 and "11位手机号" in response.content.decode()
    client.post(REGISTER, {"action": "send_code", "phone": "13912345670"})
    again = client.post(REGISTER, {"action": "send_code", "phone": "13912345670"}).content.decode()
    assert "稍候" in again or "一分钟" in again
    details = _details(client, county, "13912345670", code="000000", grid="999999999", id_number="123")
    page = client.post(REGISTER, {"action": "register", **details})
    assert page.status_code == 200 and not Woodpecker.objects.exists()
    details = _details(client, county, "13912345670", code="000000")
    if details["code"] == last_code("13912345670"):
        details["code"] = "111111"
    page = client.post(REGISTER, {"action": "register", **details}).content.decode()
    assert "验证码" in page and "不正确" in page and not Woodpecker.objects.exists()


def test_chooser_without_javascript_posts_back_step_by_step(client, county):
    client.post(REGISTER, {"action": "send_code", "phone": "13912345671"})
    page = client.post(
        REGISTER, {"action": "choose", "phone": "13912345671", "name": "王五", "township": county["township_a"].pk}
    ).content.decode()
    assert "甲社区" in page and "甲社区一网格" not in page and 'value="王五"' in page
    assert "has-error" not in page
    page = client.post(
        REGISTER,
        {
            "action": "choose",
            "phone": "13912345671",
            "township": county["township_a"].pk,
            "community": county["community_a"].pk,
        },
    ).content.decode()
    assert "甲社区一网格" in page


def test_units_json(client, county):
    assert [u["name"] for u in client.get(UNITS).json()["units"]] == ["甲镇", "乙街道"]
    data = client.get(UNITS, {"parent": county["community_a"].pk}).json()
    assert data == {"level": "grid", "units": [{"id": county["grid_ac"].pk, "name": "甲社区一网格"}]}
    assert client.get(UNITS, {"parent": "abc"}).status_code == 400
    assert client.get(UNITS, {"parent": 999999999}).status_code == 404
    assert client.get(UNITS, {"grid": county["community_a"].pk}).status_code == 404  # not a grid
    chain = client.get(UNITS, {"grid": county["grid_ac"].pk}).json()["chain"]
    assert chain["township"] == county["township_a"].pk and chain["grid"] == county["grid_ac"].pk


def test_units_json_answers_the_county_level(client, county, django_assert_max_num_queries):
    other = _second_county()
    with django_assert_max_num_queries(3):  # the throttle's own bookkeeping aside, one query for the units
        data = client.get(UNITS).json()
    assert data["level"] == "county" and [u["name"] for u in data["units"]] == ["测试市", "第二县"]
    data = client.get(UNITS, {"parent": other["county"].pk}).json()
    assert data == {"level": "township", "units": [{"id": other["township"].pk, "name": "第二县丙镇"}]}


def test_the_page_starts_with_the_county_when_there_are_several(client, county):
    other = _second_county()
    client.post(REGISTER, {"action": "send_code", "phone": "13912345677"})
    page = client.get(REGISTER).content.decode()
    assert 'name="county"' in page and "县（市、区）" in page and "第二县" in page
    assert "甲镇" not in page and "第二县丙镇" not in page  # the townships wait for a county
    # Without JavaScript: "下一步" posts the page back with the next select filled, step by step.
    chain = {"action": "choose", "phone": "13912345677", "name": "王五", "county": other["county"].pk}
    page = client.post(REGISTER, chain).content.decode()
    assert "第二县丙镇" in page and "甲镇" not in page and 'value="王五"' in page and "has-error" not in page
    chain["township"] = other["township"].pk
    page = client.post(REGISTER, chain).content.decode()
    assert "第二县丙社区" in page and "第二县丙社区一网格" not in page
    chain["community"] = other["community"].pk
    page = client.post(REGISTER, chain).content.decode()
    assert "第二县丙社区一网格" in page
    # A grid of another county than the chosen one: refused in Chinese, and nothing typed is lost.
    details = {
        **_details(client, county, "13912345677"),
        "county": other["county"].pk,
        "township": other["township"].pk,
        "community": other["community"].pk,
    }
    response = client.post(REGISTER, {**details, "action": "register"})
    page = response.content.decode()
    assert response.status_code == 200 and not Woodpecker.objects.exists()
    assert "请选择所选村（社区）下的网格" in page and 'value="王五"' in page and 'value="13912345677"' in page
    assert f'<option value="{other["community"].pk}" selected>' in page
    # The township of another county: refused too.
    details = {**_details(client, county, "13912345677"), "county": other["county"].pk}
    page = client.post(REGISTER, {**details, "action": "register"}).content.decode()
    assert "请选择所选县（市、区）下的乡镇（街道）" in page and not Woodpecker.objects.exists()
    # The whole chain of the second county: registered there.
    details = {**details, "township": other["township"].pk, "community": other["community"].pk}
    response = client.post(REGISTER, {**details, "action": "register", "grid": other["grid"].pk})
    assert response.status_code == 302
    assert Woodpecker.objects.get(user__username="13912345677").grid == other["grid"]


def test_the_page_has_no_county_step_with_one_county(client, county):
    client.post(REGISTER, {"action": "send_code", "phone": "13912345679"})
    page = client.get(REGISTER).content.decode()
    assert 'name="county"' not in page and "甲镇" in page


def test_signup_posts_are_limited_per_address(client, county, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "signup": ["2/10m"]},
    }
    client.post(REGISTER, {"action": "send_code", "phone": "13912345672"})
    client.post(REGISTER, {"action": "send_code", "phone": "13912345673"})
    page = client.post(REGISTER, {"action": "send_code", "phone": "13912345674"})
    assert "请求过于频繁" in page.content.decode() or "too many" in page.content.decode().lower()
    assert [phone for phone, _text in MemorySms.sent] == ["13912345672", "13912345673"]
    assert client.post(REGISTER, {"action": "register"}).status_code == 429


def test_password_reset_pages(client, county):
    helpers.signup(county["grid_ac"], phone="13912345675")
    assert client.post(RESET, {"action": "send_code", "phone": "13912345675"}).status_code == 302
    unknown = client.post(RESET, {"action": "send_code", "phone": "13912345676"})
    assert unknown.status_code == 302  # the same answer for a number without an account
    client.post(RESET, {"action": "send_code", "phone": "13912345675"})  # throttled per number: the first code stands
    code = last_code("13912345675")
    response = client.post(
        RESET, {"action": "reset", "phone": "13912345675", "code": code, "password": "New-pass-2025"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("login")
    response = client.post(reverse("login"), {"username": "13912345675", "password": "New-pass-2025"})
    assert response.status_code == 302
