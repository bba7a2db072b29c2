"""A category's questions (Open311 service attributes) kept in the portal without JSON (issue 15): added, edited,
moved and deleted through the category's pages with plain forms (no script needed), refused with Chinese messages
that keep what was typed, audited, inside the category's permission path, and shown by Open311 afterwards."""

import xml.etree.ElementTree as ET  # noqa: S405 -- parsing the portal's own answers in a test

import pytest
from django.urls import reverse

from accounts.permissions import SYSTEM
from core.errors import Conflict
from core.models import AuditEntry
from grid_woodpecker.models import ClueCategory
from grid_woodpecker.services.config import category_question_delete, category_question_save
from tests.grid_woodpecker import helpers

pytestmark = pytest.mark.django_db


def _rows(*choices, extra=1):
    """A choice formset's POST: the given (key, name) rows and `extra` empty ones."""
    rows = [*choices, *([("", "")] * extra)]
    data = {"values-TOTAL_FORMS": str(len(rows)), "values-INITIAL_FORMS": "0"}
    for index, (key, name) in enumerate(rows):
        data[f"values-{index}-key"], data[f"values-{index}-name"] = key, name
    return data


def _question(code, description, datatype="string", order=1, required=True, choices=(), **extra):
    data = {"code": code, "description": description, "datatype": datatype, "order": order, **extra}
    if required:
        data["required"] = "on"
    return {**data, **_rows(*choices)}


def _urls(category, code=None):
    edit = reverse("grid_woodpecker:category_edit", args=[category.pk])
    add = reverse("grid_woodpecker:question_add", args=[category.pk])
    if code is None:
        return edit, add
    args = [category.pk, code]
    return (
        reverse("grid_woodpecker:question_edit", args=args),
        reverse("grid_woodpecker:question_move", args=args),
        reverse("grid_woodpecker:question_delete", args=args),
    )


def _codes(category):
    category.refresh_from_db()
    return [q["code"] for q in category.attributes]


def test_questions_are_added_edited_moved_and_deleted_through_the_pages(client_for, users, wp_world):
    client = client_for(users["city_staff"])
    category = wp_world["category"]
    edit, add = _urls(category)
    page = client.get(edit).content.decode()
    assert 'name="attributes"' not in page and add in page  # no JSON any more: a link to the question's page
    assert "暂无问题" in page
    form = client.get(add)
    assert form.status_code == 200 and form.context["form"].initial["order"] == 1
    assert 'name="values-TOTAL_FORMS"' in form.content.decode() and "<script>" not in form.content.decode()

    response = client.post(add, _question("pole", "灯杆编号", datatype_description="印在灯杆上的编号"))
    assert response.status_code == 302 and response["Location"] == f"{edit}#questions"
    choices = [("street", "路灯"), ("yard", "庭院灯")]
    data = _question("kind", "路灯类型", "singlevaluelist", order=2, required=False, choices=choices)
    assert client.post(add, data).status_code == 302
    category.refresh_from_db()
    assert category.attributes == [
        {
            "code": "pole",
            "datatype": "string",
            "description": "灯杆编号",
            "datatype_description": "印在灯杆上的编号",
            "required": True,
            "variable": True,
            "order": 1,
            "values": [],
        },
        {
            "code": "kind",
            "datatype": "singlevaluelist",
            "description": "路灯类型",
            "datatype_description": "",
            "required": False,
            "variable": True,
            "order": 2,
            "values": [{"key": "street", "name": "路灯"}, {"key": "yard", "name": "庭院灯"}],
        },
    ]
    page = client.get(edit).content.decode()
    assert "灯杆编号" in page and "庭院灯（yard）" in page and "单选（singlevaluelist）" in page

    # Editing: the page shows the question as stored, its choices as rows; a row emptied is a choice removed,
    # and the code itself may change.
    question_edit, _move, _delete = _urls(category, "kind")
    shown = client.get(question_edit)
    assert shown.context["form"].initial["description"] == "路灯类型"
    assert [row.initial for row in shown.context["choices"].forms[:2]] == [
        {"key": "street", "name": "路灯"},
        {"key": "yard", "name": "庭院灯"},
    ]
    rows = [("street", "路灯"), ("", ""), ("wall", "壁灯")]
    data = _question("lamp", "灯的类型", "multivaluelist", order=2, choices=rows)
    assert client.post(question_edit, data).status_code == 302
    category.refresh_from_db()
    lamp = category.attributes[1]
    assert (lamp["code"], lamp["datatype"], lamp["required"]) == ("lamp", "multivaluelist", True)
    assert lamp["values"] == [{"key": "street", "name": "路灯"}, {"key": "wall", "name": "壁灯"}]
    assert client.get(question_edit).status_code == 404  # "kind" is no more

    # Reordering: one place up, the questions numbered anew.
    _edit, move, delete = _urls(category, "lamp")
    assert client.post(move, {"direction": "up"}).status_code == 302
    category.refresh_from_db()
    assert [(q["code"], q["order"]) for q in category.attributes] == [("lamp", 1), ("pole", 2)]
    assert client.post(move, {"direction": "up"}).status_code == 302  # already first: nothing moves
    assert _codes(category) == ["lamp", "pole"]

    # Open311 shows the questions as the service's attributes, in their order, in JSON and XML.
    definition = client.get("/open311/v2/services/lights.json").json()
    assert [a["code"] for a in definition["attributes"]] == ["lamp", "pole"]
    assert definition["attributes"][0]["values"] == [{"key": "street", "name": "路灯"}, {"key": "wall", "name": "壁灯"}]
    assert definition["attributes"][1]["datatype_description"] == "印在灯杆上的编号"
    root = ET.fromstring(client.get("/open311/v2/services/lights.xml").content)  # noqa: S314
    assert [a.findtext("code") for a in root.findall("attributes/attribute")] == ["lamp", "pole"]
    services = {s["service_code"]: s for s in client.get("/open311/v2/services.json").json()}
    assert services["lights"]["metadata"] is True

    # Deleting.
    assert client.post(delete).status_code == 302
    assert _codes(category) == ["pole"]
    # Every change is audited as a change of the category.
    audited = AuditEntry.objects.filter(action="clue_category.update", object_id=str(category.pk))
    assert audited.count() == 6 and "attributes" in audited.last().changes


def test_refusals_say_why_in_chinese_and_keep_what_was_typed(client_for, users, wp_world):
    client = client_for(users["city_staff"])
    category = wp_world["category"]
    _edit, add = _urls(category)
    assert client.post(add, _question("pole", "灯杆编号")).status_code == 302
    before = list(AuditEntry.objects.values_list("pk", flat=True))

    def refused(data, message):
        response = client.post(add, data)
        html = response.content.decode()
        assert response.status_code == 200 and message in html, html[:3000]
        assert _codes(category) == ["pole"]
        return html

    html = refused(_question("pole", "另一个灯杆问题"), "该分类已有编码为 pole 的问题")
    assert "另一个灯杆问题" in html
    html = refused(_question("灯 杆", "灯杆位置"), "编码只能由字母、数字、连字符或下划线组成")
    assert "灯杆位置" in html
    html = refused(_question("kind", "路灯类型", "singlevaluelist"), "单选或多选题至少要有一个选项。")
    refused(_question("kind", "路灯类型", "singlevaluelist", choices=[("street", "")]), "请同时填写选项的代码和名称")
    html = refused(
        _question("kind", "路灯类型", "multivaluelist", choices=[("street", "路灯"), ("street", "庭院灯")]),
        "有两个选项的代码都是 street",
    )
    assert "庭院灯" in html  # the rows as typed
    refused(_question("kind", ""), "该字段是必填项")
    refused(_question("kind", "路灯类型", order=5000), "1000")
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == before

    # "More rows" draws the page again with more empty rows and everything typed, and saves nothing.
    data = {**_question("kind", "路灯类型", "singlevaluelist", choices=[("street", "路灯")]), "more_rows": "1"}
    more = client.post(add, data)
    assert more.status_code == 200 and _codes(category) == ["pole"]
    assert more.context["form"].initial["description"] == "路灯类型" and not more.context["form"].errors
    rows = more.context["choices"]
    assert rows.total_form_count() == 6 and rows.forms[0].initial == {"key": "street", "name": "路灯"}
    assert 'value="路灯"' in more.content.decode()

    # A question that is not there, a direction that is not one: nothing changes.
    edit_gone, move_gone, delete_gone = _urls(category, "nope")
    assert client.get(edit_gone).status_code == 404
    _e, move, _d = _urls(category, "pole")
    client.post(move, {"direction": "sideways"})
    assert client.post(delete_gone).status_code == 302
    assert _codes(category) == ["pole"]
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == before
    # Under the service, a question deleted meanwhile is a conflict, not a silent rewrite.
    with pytest.raises(Conflict):
        category_question_delete(category=category, actor=SYSTEM, code="nope")
    with pytest.raises(Conflict):
        question = {"code": "x", "description": "问", "datatype": "string"}
        category_question_save(category=category, actor=SYSTEM, question=question, code="nope")


def test_the_question_pages_follow_the_categorys_permission_path(client_for, county, users, wp_world):
    city_category = wp_world["category"]
    category_question_save(
        category=city_category, actor=SYSTEM, question={"code": "pole", "description": "灯杆编号", "order": 1}
    )
    township_category = helpers.category(county["township_a"], code="fire", name="消防隐患")
    village_category = helpers.category(county["village_a1"], code="village")

    # Township A's staff: the city's category is above them (404, as its edit page), their own is theirs.
    staff_a = client_for(users["staff_a"])
    _edit, add = _urls(city_category)
    edit, move, delete = _urls(city_category, "pole")
    for url in (add, edit):
        assert staff_a.get(url).status_code == 404
    for url in (add, edit, move, delete):
        assert staff_a.post(url, {**_question("x", "问"), "direction": "up"}).status_code == 404
    assert _codes(city_category) == ["pole"]
    _edit, own_add = _urls(township_category)
    assert staff_a.get(own_add).status_code == 200
    assert staff_a.post(own_add, _question("exit", "安全出口是否堵塞")).status_code == 302
    assert _codes(township_category) == ["exit"]

    # A village secretary sees the village's category but may not change it (403), like its edit page.
    secretary = client_for(users["secretary_a1"])
    _edit, village_add = _urls(village_category)
    assert secretary.get(village_add).status_code == 403
    assert secretary.post(village_add, _question("x", "问")).status_code == 403
    # A department's handler neither.
    handler = client_for(helpers.staff(county)["handler"])
    assert handler.get(add).status_code in (403, 404)
    assert handler.post(delete).status_code in (403, 404)
    assert _codes(city_category) == ["pole"] and ClueCategory.objects.get(pk=village_category.pk).attributes == []
