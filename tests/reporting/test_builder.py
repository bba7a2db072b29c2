"""The form builder in the portal (/reports/forms/): a form built page by page with the test client, published,
changed into version 2 while a report filed on version 1 keeps it; the refusals as Chinese messages on the page;
the builder's scope (another unit's form: 404; a secretary: 403/404)."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.permissions import SYSTEM
from core.models import AuditEntry
from reporting import services
from reporting.models import FormField, FormSection, FormVersion, Report, ReportForm, ValidationRule

from .helpers import build_form

pytestmark = pytest.mark.django_db

FIELDS = [
    {"code": "members", "label": "党员数", "kind": "integer", "unit_label": "人", "prefill": "members"},
    {"code": "income", "label": "集体收入", "kind": "decimal", "unit_label": "万元", "required": "on"},
    {"code": "note", "label": "工作简述", "kind": "text", "help_text": "一句话"},
    {"code": "level", "label": "评定等次", "kind": "choice", "choices": "好\n较好\n一般"},
    {"code": "topics", "label": "学习主题", "kind": "multiple", "choices": "党章\n党史"},
    {"code": "held_on", "label": "召开日期", "kind": "date"},
    {"code": "done", "label": "已开展", "kind": "yes_no", "prefill": "previous"},
    {"code": "minutes", "label": "会议记录", "kind": "file"},
    {"code": "visits", "label": "走访记录", "kind": "table", "columns": "name|姓名|文本\ncount|次数|整数"},
]


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def _build(client, county) -> ReportForm:
    response = client.post(
        reverse("reporting:form_create"),
        {
            "unit": county["city"].pk,
            "code": "monthly-work",
            "name": "社区月度工作报表",
            "filled_by": ["community", "village"],
            "period_type": "monthly",
            "due_day": 5,
            "open_days": 10,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    form = ReportForm.objects.get(code="monthly-work")
    assert response["Location"] == reverse("reporting:form_detail", args=[form.pk])
    draft = form.versions.get()
    for title in ("基本情况", "组织生活"):
        assert client.post(reverse("reporting:section_add", args=[draft.pk]), {"title": title}).status_code == 302
    first, second = FormSection.objects.filter(version=draft).order_by("order")
    for i, data in enumerate(FIELDS):
        section = first if i < 4 else second
        response = client.post(reverse("reporting:field_add", args=[section.pk]), data)
        assert response.status_code == 302, response.content.decode()[:3000]
    response = client.post(
        reverse("reporting:rule_add", args=[draft.pk]),
        {
            "left": "members",
            "operator": ">=",
            "right_constant": "1",
            "severity": "blocking",
            "message": "党员数至少为1",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("reporting:rule_add", args=[draft.pk]),
        {"left": "income", "growth_factor": "3", "severity": "warning", "message": "超过上期3倍，请说明"},
    )
    assert response.status_code == 302
    return form


def test_a_form_built_in_the_portal(client_for, county, users):
    client = client_for(users["city_staff"])
    assert client.get(reverse("reporting:form_list")).status_code == 200
    page = client.get(reverse("reporting:form_create"))
    assert page.status_code == 200 and "社区" in page.content.decode()
    form = _build(client, county)
    draft = form.versions.get()
    fields = {f.code: f for f in FormField.objects.filter(version=draft)}
    assert set(fields) == {d["code"] for d in FIELDS}
    assert fields["level"].choices == ["好", "较好", "一般"]
    assert fields["visits"].columns == [
        {"code": "name", "label": "姓名", "kind": "text"},
        {"code": "count", "label": "次数", "kind": "integer"},
    ]
    assert fields["done"].prefill == "previous" and fields["income"].required
    assert ValidationRule.objects.filter(version=draft).count() == 2
    page = client.get(reverse("reporting:form_detail", args=[form.pk])).content.decode()
    assert "走访记录" in page and "发布" in page and "社区" in page
    # Reorder: the second section up, the first field down; edit a field and a section; delete a field.
    first, second = FormSection.objects.filter(version=draft).order_by("order")
    assert client.post(reverse("reporting:section_move", args=[second.pk]), {"direction": "up"}).status_code == 302
    assert list(FormSection.objects.filter(version=draft).order_by("order")) == [second, first]
    members = fields["members"]
    client.post(reverse("reporting:field_move", args=[members.pk]), {"direction": "down"})
    assert FormField.objects.filter(section=first).order_by("order").first().code == "income"
    edit = client.get(reverse("reporting:field_edit", args=[fields["visits"].pk]))
    assert "name|姓名|文本" in edit.content.decode()
    data = {**FIELDS[0], "label": "党员人数", "code": "party_members"}
    assert client.post(reverse("reporting:field_edit", args=[members.pk]), data).status_code == 302
    assert ValidationRule.objects.get(version=draft, message="党员数至少为1").left == "party_members"
    assert client.post(reverse("reporting:section_edit", args=[first.pk]), {"title": "概况"}).status_code == 302
    assert client.post(reverse("reporting:field_delete", args=[fields["note"].pk])).status_code == 302
    assert not FormField.objects.filter(pk=fields["note"].pk).exists()
    assert AuditEntry.objects.filter(action="form_field.delete").exists()
    # Publish; a report is filed on version 1; then 修改（生成新版本） makes version 2 and the report keeps version 1.
    assert client.post(reverse("reporting:form_publish", args=[form.pk])).status_code == 302
    v1 = form.current_version()
    assert v1.number == 1
    report = services.report_open(form=form, unit=county["village_a1"], day=date(2024, 5, 3), actor=SYSTEM)
    assert client.post(reverse("reporting:form_new_version", args=[form.pk])).status_code == 302
    v2 = FormVersion.objects.get(form=form, published_at__isnull=True)
    assert v2.number == 2 and v2.fields.count() == v1.fields.count() and v2.rules.count() == 2
    new_section = v2.sections.order_by("order").first()
    assert (
        client.post(reverse("reporting:field_add", args=[new_section.pk]), {**FIELDS[2], "code": "extra"}).status_code
        == 302
    )
    assert client.post(reverse("reporting:form_publish", args=[form.pk])).status_code == 302
    assert form.current_version().number == 2
    report.refresh_from_db()
    assert report.version_id == v1.pk and not report.answers.filter(field__code="extra").exists()
    assert Report.objects.get(pk=report.pk).version.number == 1


def test_builder_refusals_are_chinese_messages(client_for, county, users):
    client = client_for(users["city_staff"])
    form = _build(client, county)
    draft = form.versions.get()
    section = draft.sections.first()
    # A duplicate form code.
    response = client.post(
        reverse("reporting:form_create"),
        {
            "unit": county["city"].pk,
            "code": "monthly-work",
            "name": "重复",
            "filled_by": ["village"],
            "period_type": "monthly",
            "due_day": 5,
            "open_days": 3,
        },
    )
    assert response.status_code == 200 and "已有代码为 monthly-work 的报表" in response.content.decode()
    # A duplicate field code, a choice field without choices, a table without columns, a bad column.
    cases = [
        ({**FIELDS[0]}, "已有代码为 members 的字段"),
        ({"code": "c1", "label": "单选", "kind": "choice"}, "选项"),
        ({"code": "t1", "label": "表格", "kind": "table"}, "至少需要一列"),
        ({"code": "t2", "label": "表格", "kind": "table", "columns": "名字|姓名|文本"}, "第 1 列"),
        ({"code": "t3", "label": "附件", "kind": "file", "prefill": "members"}, "不能自动填写"),
        ({"code": "Bad Code", "label": "x", "kind": "text"}, "小写字母"),
        ({"code": "d2", "label": "x", "kind": "due_day"}, "选择一个有效的选项"),
    ]
    for data, message in cases:
        response = client.post(reverse("reporting:field_add", args=[section.pk]), data)
        assert response.status_code == 400, (data, response.status_code)
        assert message in response.content.decode(), (data, response.content.decode()[:3000])
    # A rule on an unknown field code, a rule with nothing to compare.
    response = client.post(
        reverse("reporting:rule_add", args=[draft.pk]),
        {"left": "ghost", "operator": "<=", "right_constant": "1", "severity": "blocking", "message": "x"},
    )
    assert response.status_code == 400 and "ghost" in response.content.decode()
    response = client.post(
        reverse("reporting:rule_add", args=[draft.pk]), {"left": "members", "severity": "blocking", "message": "x"}
    )
    assert response.status_code == 400 and "增长倍数" in response.content.decode()
    # A field a rule uses cannot be deleted: the message is shown on the builder page.
    members = FormField.objects.get(version=draft, code="members")
    response = client.post(reverse("reporting:field_delete", args=[members.pk]), follow=True)
    assert FormField.objects.filter(pk=members.pk).exists() and "校验规则" in _messages(response)
    # Editing a published version: 409 with the message on the page; nothing changes.
    client.post(reverse("reporting:form_publish", args=[form.pk]))
    response = client.post(reverse("reporting:field_edit", args=[members.pk]), {**FIELDS[0], "label": "改"})
    assert response.status_code == 409 and "已发布的报表版本不能修改" in response.content.decode()
    assert FormField.objects.get(pk=members.pk).label == "党员数"
    response = client.post(reverse("reporting:section_add", args=[draft.pk]), {"title": "新"}, follow=True)
    assert "已发布的报表版本不能修改" in _messages(response) and draft.sections.count() == 2
    # Junk in every field never answers 500.
    junk = {"code": "\x00", "label": "x" * 500, "kind": "[]", "due_day": "99", "direction": "sideways"}
    for name in ("form_edit", "section_edit", "field_edit", "rule_add", "section_move", "field_move"):
        pk = {"form_edit": form.pk, "section_edit": section.pk, "field_edit": members.pk, "rule_add": draft.pk}.get(
            name, members.pk if name == "field_move" else section.pk
        )
        assert client.post(reverse(f"reporting:{name}", args=[pk]), junk).status_code < 500


def test_builder_scope(client_for, county, users):
    county_form = build_form(county["city"], code="county", publish=False)
    draft = county_form.versions.get()
    section, field, rule = draft.sections.first(), draft.fields.first(), draft.rules.first()
    pages = [
        ("form_detail", county_form.pk),
        ("form_edit", county_form.pk),
        ("section_edit", section.pk),
        ("field_add", section.pk),
        ("field_edit", field.pk),
        ("rule_add", draft.pk),
        ("rule_edit", rule.pk),
    ]
    posts = [
        ("form_publish", county_form.pk),
        ("form_new_version", county_form.pk),
        ("section_add", draft.pk),
        ("section_delete", section.pk),
        ("section_move", section.pk),
        ("field_delete", field.pk),
        ("field_move", field.pk),
        ("rule_delete", rule.pk),
    ]
    for who in ("staff_a", "secretary_a1"):
        client = client_for(users[who])
        assert client.get(reverse("reporting:form_list")).status_code == 403
        assert client.get(reverse("reporting:form_create")).status_code == 403
        for name, pk in pages:
            assert client.get(reverse(f"reporting:{name}", args=[pk])).status_code == 404, (who, name)
            assert client.post(reverse(f"reporting:{name}", args=[pk]), {"title": "x"}).status_code == 404
        for name, pk in posts:
            assert client.post(reverse(f"reporting:{name}", args=[pk]), {"direction": "up"}).status_code == 404
    assert FormSection.objects.filter(version=draft).count() == 1 and draft.fields.count() == 5
    assert not county_form.versions.filter(published_at__isnull=False).exists()
    # The organization department sees it in its list, with the menu entry.
    client = client_for(users["city_staff"])
    page = client.get(reverse("reporting:form_list")).content.decode()
    assert county_form.name in page and reverse("reporting:form_detail", args=[county_form.pk]) in page
    assert reverse("reporting:form_list") in client.get("/").content.decode()
