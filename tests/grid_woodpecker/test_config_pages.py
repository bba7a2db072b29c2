"""The portal pages where staff keep stations, goods and clue categories (issue 13: Django's admin is left to
superusers): lists through the scope, forms through the services (audited), 404 outside, 403 without the right."""

import pytest

from core.models import AuditEntry
from grid_woodpecker.models import ClueCategory, Goods, Station
from tests.grid_woodpecker import helpers

pytestmark = pytest.mark.django_db


def test_station_list_create_edit_close(county, users, client_for):
    client = client_for(users["staff_a"])
    station, _goods = helpers.station_with_goods(county["village_a1"])
    outside, _ = helpers.station_with_goods(county["village_b1"])
    page = client.get("/woodpecker/stations/")
    html = page.content.decode()
    assert page.status_code == 200 and station.unit.name in html and outside.unit.name not in html
    assert f"/woodpecker/stations/{station.pk}/edit/" in html and "/woodpecker/stations/new/" in html
    form = client.get("/woodpecker/stations/new/").context["form"]
    assert county["village_a1"] in form.fields["unit"].queryset
    assert county["village_b1"] not in form.fields["unit"].queryset
    response = client.post(
        "/woodpecker/stations/new/",
        {"unit": county["village_a2"].pk, "name": "甲二村爱心超市", "kind": "love_supermarket"},
    )
    created = Station.objects.get(name="甲二村爱心超市")
    assert response.status_code == 302 and AuditEntry.objects.filter(action="station.create").exists()
    edit = client.get(f"/woodpecker/stations/{created.pk}/edit/")
    assert edit.context["form"].initial["name"] == "甲二村爱心超市"
    data = {"name": "甲二村爱心超市", "kind": "love_supermarket", "address": "村委会", "services": ""}
    client.post(f"/woodpecker/stations/{created.pk}/edit/", data)  # is_active unticked: closed
    created.refresh_from_db()
    assert not created.is_active and created.address == "村委会"
    assert AuditEntry.objects.filter(action="station.update", object_id=str(created.pk)).exists()
    assert client.get(f"/woodpecker/stations/{outside.pk}/edit/").status_code == 404
    # Out of township A's scope: refused without a write.
    response = client.post(
        "/woodpecker/stations/new/", {"unit": county["village_b1"].pk, "name": "x", "kind": "red_beehive"}
    )
    assert response.status_code == 200 and not Station.objects.filter(name="x").exists()


def test_roles_without_the_right_see_but_do_not_change(county, users, client_for):
    station, goods = helpers.station_with_goods(county["village_a1"])
    category = helpers.category(county["city"])
    handler = helpers.staff(county)["handler"]
    client = client_for(handler)
    # A department's handler reads what its work needs but changes none of it: no edit links, 403 on the forms.
    for url in ("/woodpecker/stations/", "/woodpecker/goods/", "/woodpecker/categories/"):
        html = client.get(url).content.decode()
        assert "/edit/" not in html and "/new/" not in html
    assert client.get(f"/woodpecker/categories/{category.pk}/edit/").status_code in (403, 404)
    secretary = client_for(users["secretary_a1"])
    assert secretary.get(f"/woodpecker/stations/{station.pk}/edit/").status_code == 200
    # Categories are kept by staff (ClueCategory's default write roles): a secretary sees them, may not change them.
    village_category = helpers.category(county["village_a1"], code="village")
    assert secretary.get(f"/woodpecker/categories/{village_category.pk}/edit/").status_code == 403
    assert secretary.get(f"/woodpecker/categories/{category.pk}/edit/").status_code == 404  # the city's: above
    # A create page for a role that may create such records nowhere is refused, not an empty form.
    refused = secretary.get("/woodpecker/categories/new/")
    assert refused.status_code == 403 and "您无权新增此类记录" in refused.content.decode()
    assert secretary.post("/woodpecker/categories/new/", {"code": "x", "name": "x"}).status_code == 403
    assert client.get("/woodpecker/categories/new/").status_code == 403  # the department's handler
    assert secretary.get("/woodpecker/stations/new/").status_code == 200  # the secretary keeps the counter


def test_goods_create_edit_and_the_counter_link(county, users, client_for):
    client = client_for(users["staff_a"])
    station, _goods = helpers.station_with_goods(county["village_a1"])
    response = client.post(
        "/woodpecker/goods/new/", {"station": station.pk, "name": "毛巾", "price_yuan": "3.50", "stock": 4}
    )
    goods = Goods.objects.get(name="毛巾")
    assert response.status_code == 302 and goods.stock == 4
    page = client.get(f"/woodpecker/goods/{goods.pk}/edit/")
    assert f"/woodpecker/counter/{station.pk}/" in page.content.decode()  # the stock is adjusted at the counter
    assert "stock" not in page.context["form"].fields
    client.post(f"/woodpecker/goods/{goods.pk}/edit/", {"name": "毛巾", "price_yuan": "0", "is_active": "on"})
    goods.refresh_from_db()
    assert goods.price_yuan == 3.5  # refused on the form
    client.post(f"/woodpecker/goods/{goods.pk}/edit/", {"name": "毛巾", "price_yuan": "4"})
    goods.refresh_from_db()
    assert goods.price_yuan == 4 and not goods.is_active


def test_category_create_and_retire(county, users, client_for):
    client = client_for(users["city_staff"])
    response = client.post(
        "/woodpecker/categories/new/",
        {"unit": county["city"].pk, "code": "fire", "name": "消防隐患", "deadline_days": 3},
    )
    category = ClueCategory.objects.get(code="fire")
    assert response.status_code == 302 and category.deadline_days == 3
    data = {"name": "消防隐患", "deadline_days": 2, "default_department": county["agency"].pk}
    client.post(f"/woodpecker/categories/{category.pk}/edit/", data)
    category.refresh_from_db()
    assert category.default_department == county["agency"] and not category.is_active
    assert AuditEntry.objects.filter(action="clue_category.update", object_id=str(category.pk)).exists()
    staff_a = client_for(users["staff_a"])
    assert staff_a.get(f"/woodpecker/categories/{category.pk}/edit/").status_code == 404  # the city's, above A


def test_a_station_is_placed_on_the_map_from_its_page(county, users, client_for):
    client = client_for(users["staff_a"])
    station, _goods = helpers.station_with_goods(county["village_a1"])
    url = f"/woodpecker/stations/{station.pk}/edit/"
    data = {"name": station.name, "kind": station.kind, "is_active": "on"}
    page = client.post(url, {**data, "latitude": "29.723456"})  # one without the other is refused on the form
    assert page.status_code == 200 and "纬度和经度须同时填写或同时留空" in page.content.decode()
    station.refresh_from_db()
    assert station.latitude is None
    page = client.post(url, {**data, "latitude": "95", "longitude": "112.4"})
    assert page.status_code == 200 and page.context["form"].errors["latitude"]
    assert client.post(url, {**data, "latitude": "29.723456", "longitude": "112.403456"}).status_code == 302
    station.refresh_from_db()
    assert (str(station.latitude), str(station.longitude)) == ("29.723456", "112.403456")
    assert client.get(url).context["form"].initial["latitude"] == station.latitude
