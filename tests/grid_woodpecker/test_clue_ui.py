"""The woodpecker's phone pages and the clue page's actions (issue 13): the clue form's location fields and camera
photos, "report a problem" one tap from home, "my clues" as cards (excerpt, thumbnail, status, 待您评价), a message
of its own for every action, resolving without 开始办理, and the found-false rejection apart from 重新分类."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEntry
from grid_woodpecker.clue_actions import CLUE_ACTIONS
from grid_woodpecker.models import Clue, CluePhoto, ClueStatus, HandlerKind, Rating, WoodpeckerStatus
from grid_woodpecker.services.clues import (
    clue_accept,
    clue_dispatch,
    clue_resolve,
    clue_start,
    clue_submit,
)
from tests.grid_woodpecker import helpers

pytestmark = pytest.mark.django_db

NEW = "grid_woodpecker:clue_new"


def submit(world, text="小区东门路灯不亮已经三天", photos=(), **kw):
    return clue_submit(
        actor=world["wp_user"], category=world["category"], description=text, photos=photos, check_limits=False, **kw
    )


def action(client, clue, name, data=None):
    url = reverse("grid_woodpecker:clue_action", args=[clue.pk, name])
    response = client.post(url, data or {}, follow=True)
    return [str(m) for m in response.context["messages"]]


def section(html: str, section_id: str) -> str:
    found = re.search(rf'<section[^>]*id="{section_id}".*?</section>', html, re.S)
    return found.group(0) if found else ""


# --- the clue form ---------------------------------------------------------------------------------------------


def test_clue_form_has_location_fields_a_locate_button_and_camera_photos(client_for, wp_world):
    html = client_for(wp_world["wp_user"]).get(reverse(NEW)).content.decode()
    for name in ("latitude", "longitude"):
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'type="number"' in field and 'step="0.000001"' in field and "required" not in field
        assert 'inputmode="decimal"' in field
    assert "纬度" in html and "经度" in html
    button = re.search(r'<button type="button" id="locate".*?</button>', html, re.S).group(0)
    assert "使用我的位置" in button
    assert "未获准使用您的位置" in button and "暂时无法获取您的位置" in button and "此浏览器无法提供您的位置" in button
    photos = re.search(r'<input[^>]*name="photos"[^>]*>', html).group(0)
    assert 'type="file"' in photos and 'accept="image/*"' in photos and 'capture="environment"' in photos
    assert "multiple" in photos
    assert "/static/js/clue_form.js" in html and "<script>" not in html  # the CSP: no inline script
    assert 'name="task"' not in html  # no open inspection task in the grid: no empty choice to make


def test_clue_form_files_the_coordinates_it_was_given(client_for, wp_world):
    client = client_for(wp_world["wp_user"])
    response = client.post(
        reverse(NEW),
        {
            "category": wp_world["category"].pk,
            "description": "路口井盖破损，很危险",
            "latitude": "29.721503",
            "longitude": "112.402811",
            "photos": [helpers.png_upload("a.png"), helpers.png_upload("b.png")],
        },
    )
    clue = Clue.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "grid_woodpecker:clue_detail", args=[clue.pk]
    )
    assert (clue.latitude, clue.longitude) == (Decimal("29.721503"), Decimal("112.402811"))
    assert clue.photos.count() == 2


def test_clue_form_location_stays_optional(client_for, wp_world):
    client = client_for(wp_world["wp_user"])
    data = {"category": wp_world["category"].pk, "description": "路口井盖破损，很危险", "latitude": "", "longitude": ""}
    assert client.post(reverse(NEW), data).status_code == 302
    clue = Clue.objects.get()
    assert clue.latitude is None and clue.longitude is None


@pytest.mark.parametrize(
    "latitude,longitude,message",
    [
        ("91", "112.4", "90"),  # the model's bounds, on the form
        ("29.7", "181", "180"),
        ("29.7", "", "纬度和经度"),  # both or neither (the service's rule, on the latitude field)
        ("29.1234567", "112.4", "6"),  # at most 6 decimal places
        ("北纬", "112.4", "数"),  # not a number: a message, never a 500
    ],
)
def test_clue_form_refuses_bad_coordinates_on_the_field(client_for, wp_world, latitude, longitude, message):
    client = client_for(wp_world["wp_user"])
    data = {
        "category": wp_world["category"].pk,
        "description": "路口井盖破损，很危险",
        "latitude": latitude,
        "longitude": longitude,
    }
    response = client.post(reverse(NEW), data)
    assert response.status_code == 200 and not Clue.objects.exists()
    errors = " ".join(str(e) for e in response.context["form"].errors.values())
    assert message in errors


def test_clue_form_keeps_refusing_files_that_are_not_photos(client_for, wp_world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(wp_world["wp_user"])
    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    data = {"category": wp_world["category"].pk, "description": "路口井盖破损，很危险", "photos": [bad]}
    response = client.post(reverse(NEW), data)
    assert response.status_code == 200 and not Clue.objects.exists()
    assert "照片" in response.content.decode()


def test_clue_form_offers_open_tasks(client_for, wp_world, county):
    from django.utils import timezone

    from grid_woodpecker.models import InspectionTask

    today = timezone.localdate()
    task = InspectionTask.objects.create(
        grid=county["grid_ac"], title="消防通道巡查", starts_on=today, ends_on=today, created_by=wp_world["community"]
    )
    html = client_for(wp_world["wp_user"]).get(reverse(NEW) + f"?task={task.pk}").content.decode()
    assert 'name="task"' in html and "消防通道巡查" in html


# --- one tap from home ---------------------------------------------------------------------------------------------


def test_report_a_problem_is_one_tap_from_an_active_woodpeckers_home(client_for, wp_world):
    client = client_for(wp_world["wp_user"])
    home = client.get("/").content.decode()
    button = re.search(r'<p class="shortcuts">.*?</p>', home, re.S).group(0)
    assert f'href="{reverse(NEW)}"' in button and "上报问题" in button
    assert home.index('class="shortcuts"') < home.index("<h1>")  # at the very top
    me = client.get(reverse("grid_woodpecker:me")).content.decode()
    assert me.index('id="report-problem"') < me.index("<h1>")
    assert f'href="{reverse(NEW)}"' in re.search(r'<a [^>]*id="report-problem"[^>]*>', me).group(0)


def test_no_report_button_for_a_pending_woodpecker_or_staff(client_for, wp_world):
    wp_world["woodpecker"].status = WoodpeckerStatus.PENDING
    wp_world["woodpecker"].save(update_fields=["status"])
    client = client_for(wp_world["wp_user"])
    assert 'class="shortcuts"' not in client.get("/").content.decode()
    assert 'id="report-problem"' not in client.get(reverse("grid_woodpecker:me")).content.decode()
    assert 'class="shortcuts"' not in client_for(wp_world["community"]).get("/").content.decode()


# --- my clues --------------------------------------------------------------------------------------------------------


def _my_clues_page(client):
    html = client.get(reverse("grid_woodpecker:me")).content.decode()
    return {
        int(pk): card for pk, card in re.findall(r'<li class="clue-card[^"]*" data-clue="(\d+)">(.*?)</li>', html, re.S)
    }


def test_my_clues_show_excerpt_thumbnail_status_and_awaiting_rating(client_for, wp_world):
    long_text = "楼道里堆满了纸箱和旧家具，" * 8
    pictured = submit(wp_world, long_text, photos=[helpers.png_upload()])
    plain = submit(wp_world, "小区东门路灯不亮已经三天")
    resolved = submit(wp_world, "垃圾桶满了没人清理")
    clue_accept(clue=resolved, actor=wp_world["gridworker"])
    clue_resolve(clue=resolved, resolution="已清运", actor=wp_world["community"])
    client = client_for(wp_world["wp_user"])
    cards = _my_clues_page(client)
    assert list(cards) == [resolved.pk, plain.pk, pictured.pk]  # awaiting the rating first, then the newest
    photo = CluePhoto.objects.get(clue=pictured)
    assert f'src="{reverse("grid_woodpecker:photo", args=[photo.pk])}"' in cards[pictured.pk]
    assert client.get(reverse("grid_woodpecker:photo", args=[photo.pk])).status_code == 200
    assert "<img" not in cards[plain.pk]
    assert long_text[:30] in cards[pictured.pk] and long_text not in cards[pictured.pk]  # an excerpt
    assert "小区东门路灯不亮已经三天" in cards[plain.pk]
    assert "已提交" in cards[plain.pk] or ClueStatus(plain.status).label in cards[plain.pk]
    assert "待您评价" in cards[resolved.pk] and "待您评价" not in cards[plain.pk]
    assert 'class="clue-card awaits-rating"' in client.get(reverse("grid_woodpecker:me")).content.decode()


def test_my_clues_do_not_query_per_row(client_for, wp_world):
    client = client_for(wp_world["wp_user"])
    submit(wp_world, photos=[helpers.png_upload()])
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("grid_woodpecker:me"))
    for i in range(5):
        clue = submit(wp_world, f"又发现一处路灯不亮{i}", photos=[helpers.png_upload(), helpers.png_upload()])
        if i % 2:
            clue_accept(clue=clue, actor=wp_world["gridworker"])
            clue_resolve(clue=clue, resolution="已修好", actor=wp_world["community"])
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse("grid_woodpecker:me")).content.decode()
    assert html.count('class="thumb"') == 6
    assert len(many) == len(few), "\n".join(q["sql"] for q in many.captured_queries)


def test_resolution_photos_are_not_the_thumbnail(client_for, wp_world):
    clue = submit(wp_world)
    clue_accept(clue=clue, actor=wp_world["gridworker"])
    clue_resolve(clue=clue, resolution="已修好", actor=wp_world["community"], photos=[helpers.png_upload()])
    cards = _my_clues_page(client_for(wp_world["wp_user"]))
    assert "<img" not in cards[clue.pk]


# --- the clue page's actions -------------------------------------------------------------------------------------


def test_every_action_says_what_it_did_in_its_own_words(client_for, wp_world, county, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)

    def by(who):
        return client_for(wp_world[who])

    said = {}
    first = submit(wp_world, "楼道堆满杂物，影响通行")
    said["accept"] = action(by("community"), first, "accept")
    said["recategorize"] = action(by("community"), first, "recategorize", {"category": wp_world["other_category"].pk})
    said["dispatch"] = action(by("community"), first, "dispatch", {"department": county["agency"].pk})
    said["start"] = action(by("handler"), first, "start")
    said["resolve"] = action(by("handler"), first, "resolve", {"resolution": "已清理完毕"})
    said["rate"] = action(by("wp_user"), first, "rate", {"rating": Rating.UNSATISFIED, "reason": "还有杂物"})
    said["handle"] = action(by("community"), _accepted(wp_world), "handle")
    said["merge"] = action(by("community"), submit(wp_world, "楼道堆满杂物"), "merge", {"duplicate_of": first.pk})
    said["reject"] = action(by("community"), submit(wp_world, "不实的线索内容"), "reject", {"reason": "不在本网格"})
    pictured = submit(wp_world, "井盖缺失有照片", photos=[helpers.png_upload()])
    photo = {"photo": pictured.photos.get().pk, "confirmed": "on"}
    said["photo_clear"] = action(by("community"), pictured, "photo_clear", photo)
    said["photo_withdraw"] = action(by("community"), pictured, "photo_withdraw", photo)
    assert set(said) == set(CLUE_ACTIONS)
    for name, messages in said.items():
        assert len(messages) == 1, (name, messages)
        assert "操作成功" not in messages[0] and re.search("[\u4e00-\u9fff]", messages[0]), (name, messages)
    assert len({messages[0] for messages in said.values()}) == len(said)
    assert said["accept"] == ["线索已受理，已为上报人记 10 分，并已通知上报人。"]
    assert said["resolve"] == ["办理结果已反馈，已通知上报人评价。"]
    assert said["start"] == ["线索已开始办理，办结后请反馈办理结果。"]


def _accepted(world):
    clue = submit(world, "路口的路灯也不亮了")
    clue_accept(clue=clue, actor=world["gridworker"])
    return clue


def test_a_handler_resolves_a_dispatched_clue_without_starting_it(client_for, wp_world, county):
    clue = _accepted(wp_world)
    clue_dispatch(clue=clue, department=county["agency"], actor=wp_world["community"])
    client = client_for(wp_world["handler"])
    page = client.get(reverse("grid_woodpecker:clue_detail", args=[clue.pk])).content.decode()
    resolve = section(page, "resolve")
    assert "反馈办理结果" in resolve and 'name="resolution"' in resolve
    assert resolve.index('name="resolution"') < resolve.index("开始办理")  # starting is optional, and comes second
    assert action(client, clue, "resolve", {"resolution": "已清理完毕"}) == ["办理结果已反馈，已通知上报人评价。"]
    clue.refresh_from_db()
    assert clue.status == ClueStatus.RESOLVED and clue.resolution == "已清理完毕"
    assert clue.handler_kind == HandlerKind.DEPARTMENT and clue.department == county["agency"]
    last = clue.events.last()
    assert (last.from_status, last.to_status, last.actor) == ("dispatched", "resolved", wp_world["handler"])
    assert AuditEntry.objects.filter(action="clue.resolve", object_id=str(clue.pk)).exists()


def test_the_community_resolves_an_accepted_clue_itself(client_for, wp_world):
    clue = _accepted(wp_world)
    client = client_for(wp_world["gridworker"])
    page = client.get(reverse("grid_woodpecker:clue_detail", args=[clue.pk])).content.decode()
    assert 'name="resolution"' in section(page, "resolve")
    action(client, clue, "resolve", {"resolution": "网格员已现场处理"})
    clue.refresh_from_db()
    assert clue.status == ClueStatus.RESOLVED and clue.handler_kind == HandlerKind.COMMUNITY
    assert clue.department is None
    assert [(e.from_status, e.to_status) for e in clue.events.all()][-1] == ("accepted", "resolved")


def test_a_dispatched_clue_can_still_be_started_first(wp_world, county):
    clue = _accepted(wp_world)
    clue_dispatch(clue=clue, department=county["agency"], actor=wp_world["community"])
    clue_start(clue=clue, actor=wp_world["handler"])
    clue_resolve(clue=clue, resolution="已处理", actor=wp_world["handler"])
    steps = [(e.from_status, e.to_status) for e in clue.events.all()][-2:]
    assert steps == [("dispatched", "in_progress"), ("in_progress", "resolved")]


def test_a_handler_of_another_department_cannot_resolve(client_for, wp_world, county):
    from accounts.roles import Role
    from tests.factories import user_with_role

    clue = _accepted(wp_world)
    clue_dispatch(clue=clue, department=county["agency"], actor=wp_world["community"])
    stranger = user_with_role("hd_other", Role.DEPARTMENT_HANDLER, county["township_b"])
    response = client_for(stranger).post(
        reverse("grid_woodpecker:clue_action", args=[clue.pk, "resolve"]), {"resolution": "x"}
    )
    assert response.status_code in (403, 404)
    assert Clue.objects.get(pk=clue.pk).status == ClueStatus.DISPATCHED


def test_found_false_stands_apart_from_recategorize_and_asks_first(client_for, wp_world):
    clue = _accepted(wp_world)
    page = client_for(wp_world["community"]).get(reverse("grid_woodpecker:clue_detail", args=[clue.pk]))
    html = page.content.decode()
    recategorize, danger = section(html, "recategorize"), section(html, "found-false")
    assert "重新分类" in recategorize or 'name="category"' in recategorize
    assert "撤销受理并冲正积分" not in recategorize and "reject" not in recategorize
    assert "撤销受理并冲正积分" in danger and 'class="card danger-zone"' in danger
    assert 'data-confirm="确定驳回该线索？' in danger
    assert html.index('id="found-false"') > html.index('id="recategorize"')


def test_a_woodpecker_asking_for_the_clue_list_gets_my_clues(client_for, wp_world):
    submit(wp_world, "小区东门路灯不亮已经三天")
    response = client_for(wp_world["wp_user"]).get(reverse("grid_woodpecker:clue_list"))
    assert response.status_code == 302 and response["Location"] == reverse("grid_woodpecker:me")
    staff = client_for(wp_world["gridworker"]).get(reverse("grid_woodpecker:clue_list"))
    assert staff.status_code == 200 and "小区东门路灯不亮已经三天" in staff.content.decode()
