"""On a phone-sized window a woodpecker files a clue with a photo, the community accepts it, the woodpecker sees
10 more points and redeems goods at a station."""

import io

import pytest
from PIL import Image

from accounts.permissions import SYSTEM
from grid_woodpecker import services
from grid_woodpecker.models import Clue, ClueStatus, PointsAccount, Redemption
from tests.browser.conftest import screenshot
from tests.factories import user_with_role
from tests.grid_woodpecker import helpers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (120, 90), (30, 120, 200)).save(buf, format="PNG")
    return buf.getvalue()


def test_woodpecker_files_clue_on_phone_community_accepts_and_points_buy_goods(
    live_server,
    phone_page,
    page,
    login,
    county,
):
    from accounts.roles import Role

    category = helpers.category(county["city"], name="路灯损坏")
    woodpecker = helpers.woodpecker(county["grid_ac"], username="xiaoli", name="小李")
    services.points_adjust(woodpecker=woodpecker, points=4, reason="开户奖励", actor=SYSTEM)
    helpers.station_with_goods(county["community_a"], price="5.00", stock=1)
    user_with_role("shequ", Role.SECRETARY, county["community_a"])

    # The woodpecker files a clue with a photo from the phone.
    login(phone_page, "xiaoli")
    phone_page.goto(f"{live_server.url}/woodpecker/clues/new/")
    phone_page.select_option("#id_category", label=category.name)
    phone_page.fill("#id_description", "小区东门路灯不亮,晚上很黑")
    phone_page.set_input_files(
        "#id_photos", files=[{"name": "lamp.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    screenshot(phone_page, "woodpecker-clue-form-phone")
    phone_page.click("#clue-form button[type=submit]")
    phone_page.wait_for_url("**/woodpecker/clues/*/")
    clue = Clue.objects.get()
    assert clue.photos.count() == 1 and clue.status == ClueStatus.SUBMITTED
    assert phone_page.locator("img").count() == 1
    phone_page.goto(f"{live_server.url}/woodpecker/points/")
    assert phone_page.inner_text("#balance") == "4"

    # The community secretary accepts it.
    login(page, "shequ")
    page.goto(f"{live_server.url}/woodpecker/triage/")
    page.click(f"a[href='/woodpecker/clues/{clue.pk}/']")
    page.click("#accept")
    page.wait_for_selector(".msg-success")
    assert Clue.objects.get().status == ClueStatus.ACCEPTED

    # The woodpecker sees 10 more points, and every step of the clue.
    phone_page.goto(f"{live_server.url}/woodpecker/points/")
    assert phone_page.inner_text("#balance") == "14"
    phone_page.goto(f"{live_server.url}/woodpecker/clues/{clue.pk}/")
    assert phone_page.locator("ol.history li").count() == 2

    # ...and redeems goods (5 yuan = 10 points) at the station: a confirmation first, which spends nothing.
    phone_page.goto(f"{live_server.url}/woodpecker/points/")
    phone_page.click("a[href*='/redeem/']")
    phone_page.wait_for_url("**/woodpecker/goods/*/redeem/")
    assert phone_page.inner_text("#balance-after").startswith("4")
    assert PointsAccount.objects.get(woodpecker=woodpecker).balance == 14
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 391  # no sideways scrolling
    screenshot(phone_page, "woodpecker-redeem-confirm-phone")
    phone_page.click("button.primary")  # 确认兑换
    phone_page.wait_for_url("**/woodpecker/redemptions/*/")
    redemption = Redemption.objects.get()
    assert redemption.status == "reserved" and PointsAccount.objects.get(woodpecker=woodpecker).balance == 4
    assert phone_page.inner_text("#pickup-code") == redemption.pickup_code
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 391
    screenshot(phone_page, "woodpecker-redemption-phone")
    phone_page.goto(f"{live_server.url}/woodpecker/points/")
    assert phone_page.inner_text("#balance") == "4"
    screenshot(phone_page, "woodpecker-points-phone")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400  # nothing forces sideways scrolling on a phone


def test_station_counter_on_a_phone(live_server, phone_page, login, county):
    """The secretary keeps the station's counter on a phone: a wrong code is refused, the right one hands out."""
    from accounts.roles import Role

    woodpecker = helpers.woodpecker(county["grid_ac"], username="xiaowang", name="小王")
    services.points_adjust(woodpecker=woodpecker, points=20, reason="开户奖励", actor=SYSTEM)
    station, goods = helpers.station_with_goods(county["community_a"], price="5.00", stock=2)
    redemption = services.redemption_reserve(woodpecker=woodpecker, goods=goods, actor=woodpecker.user)
    user_with_role("shequ", Role.SECRETARY, county["community_a"])
    login(phone_page, "shequ")
    phone_page.goto(f"{live_server.url}/woodpecker/counter/{station.pk}/")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 391  # no sideways scrolling
    assert redemption.pickup_code not in phone_page.content()
    phone_page.fill("#id_code", f"{(int(redemption.pickup_code) + 1) % 1_000_000:06d}")
    phone_page.click("form[action*='/hand-out/'] button")
    phone_page.wait_for_selector(".msg-error")
    assert "取件码" in phone_page.inner_text(".msg-error")
    phone_page.fill("#id_code", redemption.pickup_code)
    phone_page.click("form[action*='/hand-out/'] button")
    phone_page.wait_for_selector(".msg-success")
    screenshot(phone_page, "station-counter-phone")
    assert Redemption.objects.get().status == "confirmed"
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 391
