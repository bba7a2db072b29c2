"""Personal data (issue 9): birth date and gender for REVEAL roles only (an age band for the others), the short
ID mask, full-number search only where the number may be revealed, a woodpecker sees only its own person record,
and no ID number or phone in sessions or hidden fields (reveals and imports)."""

import json
import os
import time
from datetime import date
from pathlib import Path

import pytest
import tablib
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.permissions import SYSTEM
from accounts.roles import Role
from cadres import services
from cadres.models import PartyMember, Person
from cadres.personal import age_band
from collective_economy.models import IncomeReport
from core import imports
from core.models import ImportJob
from core.tasks import purge_import_uploads
from grid_woodpecker.models import Woodpecker
from tests import factories
from tests.cadres import helpers as h
from tests.core import sheet_helpers as sheets
from tests.grid_woodpecker import helpers as wp_helpers

pytestmark = pytest.mark.django_db


def _session_text(client) -> str:
    return json.dumps(dict(client.session), ensure_ascii=False, default=str)


def _aged(years: int, months: int = 0) -> date:
    today = timezone.localdate()
    month = today.month - months
    year = today.year - years + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, min(today.day, 28))


def test_age_bands_are_computed_on_the_server():
    with translation.override("zh-hans"):
        assert age_band(_aged(17, 6)) == "18岁以下"
        assert age_band(_aged(18)) == "18-29岁"
        assert age_band(_aged(29, 11)) == "18-29岁"
        assert age_band(_aged(30)) == "30-39岁"
        assert age_band(_aged(47, 3)) == "40-49岁"
        assert age_band(_aged(59, 11)) == "50-59岁"
        assert age_band(_aged(60)) == "60岁及以上"
        assert age_band(_aged(91)) == "60岁及以上"


def test_id_number_mask_shows_first_and_last_character_only(county):
    number = h.make_id(birth="19851203")
    person = services.person_create(name="掩码", id_number=number, unit=county["village_a1"], actor=SYSTEM)
    assert person.id_number_masked == number[0] + "*" * 16 + number[-1]
    assert "1985" not in person.id_number_masked and "1203" not in person.id_number_masked


def test_birth_date_and_gender_only_for_reveal_roles(county, users, api_for, client_for):
    number = h.make_id(birth="19781115")
    gender = "M" if int(number[16]) % 2 else "F"  # GB 11643: the 17th digit, odd for men (the helper's sequence)
    person = services.person_create(name="韩梅梅", id_number=number, unit=county["grid_ac"], actor=SYSTEM)
    grid_worker = factories.user_with_role("gw_pd", Role.GRID_WORKER, county["grid_ac"])
    community_secretary = factories.user_with_role("cs_pd", Role.SECRETARY, county["community_a"])
    url = f"/api/v1/cadres/people/{person.pk}/"
    band = age_band(person.birth_date)
    for user in (users["city_staff"], users["staff_a"], community_secretary, users["admin"]):
        body = api_for(user).get(url).json()
        assert (body["birth_date"], body["gender"], body["age_band"]) == ("1978-11-15", gender, band)
        page = client_for(user).get(reverse("cadres:person_detail", args=[person.pk])).content.decode()
        assert "1978年11月15日" in page and "性别" in page
    body = api_for(grid_worker).get(url).json()
    assert (body["birth_date"], body["gender"], body["age_band"]) == (None, None, band)
    assert body["id_number_masked"] == number[0] + "*" * 16 + number[-1]
    page = client_for(grid_worker).get(reverse("cadres:person_detail", args=[person.pk])).content.decode()
    assert "1978" not in page and "性别" not in page and band in page
    listing = client_for(grid_worker).get(reverse("cadres:person_list")).content.decode()
    assert "韩梅梅" in listing and "1978" not in listing and band in listing
    # The secretary of another village does not see the person at all.
    assert api_for(users["secretary_a1"]).get(url).status_code == 404


def test_the_managing_county_sees_a_floating_member_without_birth_date_or_gender(county, users, api_for):
    member = h.member(
        county["village_a1"],
        "外出务工",
        is_floating=True,
        floating_location="武汉",
        floating_managing_unit=county["township_b"],
    )
    rows = api_for(users["staff_b"]).get("/api/v1/cadres/members/").json()["results"]
    assert [r["id"] for r in rows] == [member.pk]
    assert rows[0]["person"]["birth_date"] is None and rows[0]["person"]["gender"] is None
    assert rows[0]["person"]["age_band"] == age_band(member.person.birth_date)
    home = api_for(users["staff_a"]).get(f"/api/v1/cadres/members/{member.pk}/").json()
    assert home["person"]["birth_date"] == str(member.person.birth_date)


def test_full_number_search_only_where_the_number_may_be_revealed(county, users, api_for, client_for):
    number = h.make_id()
    services.person_create(name="搜索人", id_number=number, unit=county["grid_ac"], actor=SYSTEM)
    grid_worker = factories.user_with_role("gw_search", Role.GRID_WORKER, county["grid_ac"])
    # The grid worker sees the person by name, but cannot test a guessed number against the search.
    assert api_for(grid_worker).get("/api/v1/cadres/people/", {"q": "搜索人"}).json()["count"] == 1
    assert api_for(grid_worker).get("/api/v1/cadres/people/", {"q": number}).json()["count"] == 0
    page = client_for(grid_worker).get(reverse("cadres:person_list"), {"q": number}).content.decode()
    assert "搜索人" not in page
    assert api_for(users["staff_a"]).get("/api/v1/cadres/people/", {"q": number}).json()["count"] == 1


def test_woodpecker_sees_only_its_own_person_record(county, api_for, client_for):
    me = wp_helpers.woodpecker(county["grid_ac"], name="自己人")
    neighbour = wp_helpers.woodpecker(county["grid_ac"], name="邻居")
    resident = services.person_create(name="网格居民", id_number=h.make_id(), unit=county["grid_ac"], actor=SYSTEM)
    api = api_for(me.user)
    rows = api.get("/api/v1/cadres/people/").json()["results"]
    assert [r["id"] for r in rows] == [me.person_id]
    assert api.get(f"/api/v1/cadres/people/{me.person_id}/").status_code == 200
    for other in (neighbour.person_id, resident.pk):
        assert api.get(f"/api/v1/cadres/people/{other}/").status_code == 404
        assert api.post(f"/api/v1/cadres/people/{other}/reveal/", {"field": "mobile"}).status_code == 404
    woodpeckers = api.get("/api/v1/grid_woodpecker/woodpeckers/").json()["results"]
    assert [w["id"] for w in woodpeckers] == [me.pk]
    client = client_for(me.user)
    listing = client.get(reverse("cadres:person_list")).content.decode()
    assert "自己人" in listing and "邻居" not in listing and "网格居民" not in listing
    assert client.get(reverse("cadres:person_detail", args=[me.person_id])).status_code == 200
    assert client.get(reverse("cadres:person_detail", args=[neighbour.person_id])).status_code == 404
    assert client.get(reverse("grid_woodpecker:woodpecker_detail", args=[neighbour.pk])).status_code in (403, 404)
    # The grid's worker still sees all three.
    grid_worker = factories.user_with_role("gw_wp", Role.GRID_WORKER, county["grid_ac"])
    seen = {r["id"] for r in api_for(grid_worker).get("/api/v1/cadres/people/").json()["results"]}
    assert seen == {me.person_id, neighbour.person_id, resident.pk}


def test_revealed_value_is_shown_once_and_never_kept_in_the_session(county, users, client_for):
    number = h.make_id()
    person = services.person_create(
        name="揭示", id_number=number, mobile="13755556666", unit=county["village_a1"], actor=SYSTEM
    )
    client = client_for(users["secretary_a1"])
    response = client.post(reverse("cadres:person_reveal", args=[person.pk, "id_number"]))
    assert response.status_code == 200 and number in response.content.decode()
    assert number not in _session_text(client)
    assert number not in client.get(reverse("cadres:person_detail", args=[person.pk])).content.decode()


# --- imports: the sheet waits on disk, the session and the form carry only a token ---------------------------------


def _uploads(settings) -> list[Path]:
    root = Path(settings.IMPORT_UPLOAD_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _job_text(job) -> str:
    return json.dumps([job.preview, job.errors, job.options, job.counts, job.error_summary], ensure_ascii=False)


def test_member_import_keeps_no_personal_data_in_session_page_or_job(county, users, client_for, settings):
    number, phone = h.make_id(birth="19830621"), "13822223333"
    sheet = tablib.Dataset(
        ["导入人", number, phone, "VILA10001", "正式党员", "2020-07-01"],
        headers=["姓名", "身份证号", "手机号码", "单位编码", "党员类别", "入党日期"],
    )
    client = client_for(users["staff_a"])
    _response, job = sheets.upload(client, "members", "m.xlsx", sheet.export("xlsx"))
    body = sheets.page(client, job)
    for secret in (number, phone, number[6:14]):
        assert secret not in body and secret not in _session_text(client) and secret not in _job_text(job)
    assert "导入人" in body and "138****3333" in body  # the preview shows the masked forms
    files = _uploads(settings)
    assert len(files) == 1 and files[0].parent.name == str(users["staff_a"].pk)
    assert oct(files[0].stat().st_mode & 0o777) == "0o600"
    # Another user cannot see or confirm the job: it is not theirs (404), and nothing is written.
    other = Client()
    other.force_login(users["city_staff"])
    assert sheets.post(other, reverse("imports:job", args=[job.pk]), {}).status_code == 404
    assert not PartyMember.objects.filter(person__name="导入人").exists()
    assert imports.load(user=users["city_staff"], kind="members", token=job.token) is None
    # The uploader confirms; the file is gone afterwards.
    assert sheets.confirm(client, job).status_code == 302
    assert PartyMember.objects.get(person__name="导入人").person.mobile_masked == "138****3333"
    assert _uploads(settings) == []


def test_woodpecker_import_keeps_no_personal_data_in_session_page_or_job(county, users, client_for, settings):
    number, phone = wp_helpers.id_number(birth="19920214"), "13966667777"
    header = "name,id_number,mobile,grid_code,group,is_lead,lead_duties"
    sheet = f"{header}\n导入啄木鸟,{number},{phone},COMA00001-G01,resident,0,\n"
    client = client_for(users["staff_a"])
    _response, job = sheets.upload(client, "woodpeckers", "w.csv", sheet.encode())
    assert job.errors == [] and job.status == ImportJob.Status.READY
    body = sheets.page(client, job)
    for secret in (number, phone):
        assert secret not in body and secret not in _session_text(client) and secret not in _job_text(job)
    assert len(_uploads(settings)) == 1
    sheets.confirm(client, job)
    assert Woodpecker.objects.get(person__name="导入啄木鸟")
    assert _uploads(settings) == []


def test_income_import_confirms_a_job_not_a_hidden_payload(county, users, client_for, settings):
    headers = "村编码,年度,集体经济总收入（元）,经营性收入（元）,收入来源,发展模式,年末资产（元）,年末负债（元）"
    sheet = f"{headers}\nVILA10001,2024,250000,200000,,产业带动,0,0\n".encode()
    client = client_for(users["staff_a"])
    _response, job = sheets.upload(client, "income", "s.csv", sheet)
    body = sheets.page(client, job)
    assert 'name="payload"' not in body and 'name="token"' not in body and "250000" not in _session_text(client)
    # Another user of the same township cannot confirm it (not their job: 404) and writes nothing.
    other = Client()
    other.force_login(factories.user_with_role("staff_a2", Role.TOWNSHIP_STAFF, county["township_a"]))
    url = reverse("imports:job", args=[job.pk])
    assert sheets.post(other, url, {"warnings_confirmed": "on"}).status_code == 404
    assert not IncomeReport.objects.exists()
    sheets.confirm(client, job, warnings_confirmed=True)
    assert IncomeReport.objects.count() == 1 and _uploads(settings) == []


def test_unconfirmed_uploads_are_purged_by_the_beat_job(users, settings):
    old = imports.store(user=users["staff_a"], kind="cadres_members", name="a.csv", content=b"name\n")
    fresh = imports.store(user=users["staff_b"], kind="cadres_members", name="b.xlsx", content=b"x")
    (path,) = [p for p in _uploads(settings) if old in p.name]
    hours = settings.IMPORT_UPLOAD_MAX_AGE_HOURS
    stale = time.time() - (hours + 1) * 3600
    os.utime(path, (stale, stale))
    assert "core.purge_import_uploads" in {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert purge_import_uploads.apply().get() == 1  # run in place: the test has no worker
    assert imports.load(user=users["staff_a"], kind="cadres_members", token=old) is None
    assert imports.load(user=users["staff_b"], kind="cadres_members", token=fresh) == ("upload.xlsx", b"x")
    # Made-up tokens and kinds find nothing and never leave the upload directory.
    for token in ("../../etc/passwd", "", "a" * 43):
        assert imports.load(user=users["staff_a"], kind="cadres_members", token=token) is None
    assert imports.load(user=users["staff_b"], kind="../cadres_members", token=fresh) is None
    assert Person.objects.count() == 0


def test_an_external_system_reads_people_without_their_personal_data(county, users, api_for):
    """Its subtree's people, non-sensitive fields only (tests/cadres/test_people_for_systems.py for the clients)."""
    member = h.member(county["village_a1"], "外部可见")
    api = api_for(users["external"])
    row = api.get(f"/api/v1/cadres/people/{member.person_id}/").json()
    assert row["name"] == "外部可见"
    assert not {"id_number_masked", "mobile_masked", "birth_date", "gender"} & set(row)
    assert member.person.id_number_masked not in str(api.get("/api/v1/cadres/people/").json())
    assert api_for(users["staff_a"]).get(f"/api/v1/cadres/people/{member.person_id}/").json()["id_number_masked"]


def test_target_import_keeps_nothing_in_the_session(county, users, client_for, settings):
    from goals.models import Target
    from tests.goals.test_targets import _sheet

    client = client_for(users["city_staff"])
    sheet = _sheet([["demonstration_villages", county["township_a"].code, 2024, 3, "市定备注"]])
    _response, job = sheets.upload(client, "targets", "targets.xlsx", sheet.read())
    assert job.counts["valid"] == 1
    assert "市定备注" not in _session_text(client) and len(_uploads(settings)) == 1
    sheets.confirm(client, job)
    assert Target.objects.get().note == "市定备注" and _uploads(settings) == []
