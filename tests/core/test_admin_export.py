"""The back office's export (django-import-export, superusers only) writes the portal export's sheet: the
SheetSpec's Chinese headers, the same values for the same rows, no ID numbers or phones (core.admin.SpecResource)."""

from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse

from accounts.permissions import SYSTEM
from cadres import services
from cadres.models import PartyMember
from collective_economy.models import IncomeReport
from core.sheets import export
from tests.cadres import helpers as h
from tests.collective_economy.helpers import approved

pytestmark = pytest.mark.django_db
PRIVATE_TYPES = ("id_number", "phone")


@pytest.fixture
def records(county):
    village = county["village_a1"]
    with_phone = h.person(village, "后台导出甲", mobile="13800138000")
    first = services.member_create(
        person=with_phone, unit=village, status="full", joined_on=h.days_ago(900), actor=SYSTEM
    )
    members = [first, h.member(county["village_b1"], "后台导出乙")]
    approved(county["village_a1"], 2024, "909209.32", operating="123456.78", debt="2500.5", assets="1040300")
    return {"members": members}


def _sheet(body: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(BytesIO(body)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _portal(client, kind, query=""):
    response = client.get(reverse("sheets:export", args=[kind, "xlsx"]) + query)
    assert response.status_code == 200
    return _sheet(response.getvalue())


def _admin_url(model, name):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}")


@pytest.mark.parametrize(
    ("kind", "model", "query"),
    [("members", PartyMember, ""), ("income", IncomeReport, "?year__exact=2024")],
)
def test_superuser_admin_export_is_the_portal_sheet(records, users, client_for, kind, model, query):
    client = client_for(users["admin"])
    response = client.get(_admin_url(model, "export") + query)
    assert response.status_code == 200
    assert response["Content-Type"] == export.XLSX
    rows = _sheet(response.content)
    exporter = export.get(kind)
    assert rows[0] == [export.header(c) for c in exporter.columns]
    private = [export.header(c) for c in exporter.spec.columns if c.type in PRIVATE_TYPES]
    assert not set(private) & set(rows[0])
    portal = _portal(client, kind, query.replace("year__exact", "year"))
    assert len(rows) > 1 and rows == portal


def test_member_export_leaves_out_id_numbers_and_phones(records, users, client_for):
    spec_private = {c.key for c in export.get("members").spec.columns if c.type in PRIVATE_TYPES}
    assert spec_private == {"id_number", "mobile"}  # the spec holds them; the export leaves them out
    response = client_for(users["admin"]).get(_admin_url(PartyMember, "export"))
    cells = {str(v) for row in _sheet(response.content) for v in row if v is not None}
    private_headers = {export.header(c) for c in export.get("members").spec.columns if c.key in spec_private}
    assert not private_headers & cells
    for member in records["members"]:
        person = member.person
        assert person.name in cells
        assert not {person.id_number_masked, person.mobile_masked, "13800138000"} & cells


def test_export_action_writes_the_selected_rows_only(records, users, client_for):
    client = client_for(users["admin"])
    chosen = records["members"][0]
    response = client.post(
        _admin_url(PartyMember, "changelist"), {"action": "export_admin_action", "_selected_action": [chosen.pk]}
    )
    assert response.status_code == 200 and response["Content-Type"] == export.XLSX
    rows = _sheet(response.content)
    portal = _portal(client, "members")
    assert len(rows) == 2 and rows[1] in portal[1:] and chosen.person.name in rows[1]
    assert rows[0] == portal[0]


def test_non_superuser_staff_cannot_reach_the_admin_export(records, users, client_for):
    for name in ("city_staff", "staff_a"):
        client = client_for(users[name])
        changelist = client.get(_admin_url(PartyMember, "changelist"))
        assert changelist.status_code == 200
        assert b"export_admin_action" not in changelist.content
        assert _admin_url(PartyMember, "export").encode() not in changelist.content
        assert client.get(_admin_url(PartyMember, "export")).status_code == 403
        member = records["members"][0]
        refused = client.post(
            _admin_url(PartyMember, "changelist"), {"action": "export_admin_action", "_selected_action": [member.pk]}
        )
        assert refused.get("Content-Type") != export.XLSX


def test_superuser_change_list_offers_the_export_without_an_inline_handler(records, users, client_for):
    client = client_for(users["admin"])
    changelist = client.get(_admin_url(PartyMember, "changelist"))
    assert _admin_url(PartyMember, "export").encode() in changelist.content
    assert b"export_admin_action" in changelist.content
    assert b"onchange=" not in changelist.content


def test_a_bad_filter_is_a_bad_request_not_an_error(records, users, client_for):
    client = client_for(users["admin"])
    assert client.get(_admin_url(IncomeReport, "export") + "?year__exact=abc").status_code == 400  # not a year
