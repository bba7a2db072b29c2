from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.permissions import SYSTEM
from cadres import services as cadre_services
from core.models import AuditEntry
from reporting import prefill, rules, services
from reporting.models import AnswerOrigin, FormField, Report, ReportStatus, period_bounds
from reporting.services.reports import findings
from tests.cadres import helpers as cadre_helpers

from .helpers import DAY, build_form

# The tests' periods (2024) are still open for entry on the frozen day (tests/reporting/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def _answers(report):
    return {a.field.code: a for a in report.answers.select_related("field")}


def test_periods():
    assert period_bounds("monthly", date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert period_bounds("quarterly", date(2024, 11, 3)) == (date(2024, 10, 1), date(2024, 12, 31))
    assert period_bounds("half_yearly", date(2024, 7, 1)) == (date(2024, 7, 1), date(2024, 12, 31))
    assert period_bounds("yearly", date(2024, 7, 1)) == (date(2024, 1, 1), date(2024, 12, 31))


def test_every_listed_source_is_registered():
    wanted = {
        "members",
        "members_developed",
        "activists",
        "training_person_times",
        "woodpeckers",
        "clues_filed",
        "clues_handled",
        "clues_overdue",
        "collective_income",
        "young_reserves",
    }
    assert wanted <= set(prefill.REGISTRY)
    assert prefill.PREVIOUS in dict(prefill.choices())


def test_rule_text_parses_without_eval():
    assert rules.parse("developed <= activists") == {"left": "developed", "operator": "<=", "right_field": "activists"}
    assert rules.parse("members >= 3")["right_constant"] == 3
    for bad in ("__import__('os')", "a <= b; c", "a ** b", ""):
        with pytest.raises(ValueError):
            rules.parse(bad)


def test_prefill_from_real_records(county, users):
    village = county["village_a1"]
    cadre_helpers.member(village)
    cadre_helpers.member(village)
    record = cadre_services.development_start(
        person=cadre_helpers.person(village), unit=village, applied_on=date(2023, 1, 1), actor=SYSTEM
    )
    type(record).objects.filter(pk=record.pk).update(activist_on=date(2023, 6, 1))
    form = build_form(county["city"])
    report = services.report_open(form=form, unit=village, day=DAY, actor=users["secretary_a1"])
    answers = _answers(report)
    assert answers["members"].value == 2 and answers["members"].origin == AnswerOrigin.PREFILLED
    assert answers["activists"].value == 1
    assert answers["developed"].value == 0
    assert answers["meetings"].value is None and answers["meetings"].origin == AnswerOrigin.TYPED
    assert report.prefilled_count == 3
    # Opening again returns the same report.
    assert services.report_open(form=form, unit=village, day=DAY, actor=users["secretary_a1"]).pk == report.pk


def test_prefill_query_count_does_not_grow_with_fields(county, django_assert_max_num_queries):
    form = build_form(county["city"])
    version = form.current_version()
    many = [FormField(code=f"m{i}", prefill="members") for i in range(40)]
    with django_assert_max_num_queries(1):
        prefill.compute(many, county["village_a1"], date(2024, 5, 1), date(2024, 5, 31))
    assert version.fields.count() == 5


def test_blocking_rule_refuses_with_its_message_and_warning_is_shown(county, users):
    form = build_form(county["city"])
    secretary = users["secretary_a1"]
    april = services.report_open(form=form, unit=county["village_a1"], day=date(2024, 4, 3), actor=secretary)
    services.report_save_draft(report=april, actor=secretary, values={"meetings": "2"})
    report = services.report_open(form=form, unit=county["village_a1"], day=DAY, actor=secretary)
    services.report_save_draft(report=report, actor=secretary, values={"developed": "5", "activists": 1, "meetings": 9})
    with pytest.raises(ValidationError) as refused:
        services.report_submit(report=report, actor=secretary)
    assert refused.value.message_dict["developed"] == ["发展党员数不能超过入党积极分子数"]
    found = findings(report)
    assert [(f.field, f.blocking) for f in found] == [("developed", True), ("meetings", False)]
    assert found[1].message == "比上期增长超过3倍，请说明"
    # A comment answers the warning; a good value lets the report through, the warning never blocks.
    services.report_save_draft(report=report, actor=secretary, values={"developed": "1"}, comments={"meetings": "换届"})
    assert findings(report) == []
    report = services.report_submit(report=report, actor=secretary)
    assert report.status == ReportStatus.SUBMITTED
    answers = _answers(report)
    assert answers["developed"].origin == AnswerOrigin.TYPED and answers["developed"].computed == 0
    assert answers["members"].origin == AnswerOrigin.CONFIRMED
    assert (report.confirmed_count, report.typed_count) == (1, 3)


def test_bad_values_and_required(county, users):
    form = build_form(county["city"])
    secretary = users["secretary_a1"]
    report = services.report_open(form=form, unit=county["village_a1"], day=DAY, actor=secretary)
    with pytest.raises(ValidationError) as refused:
        services.report_save_draft(report=report, actor=secretary, values={"meetings": "二", "done": "maybe"})
    assert set(refused.value.message_dict) == {"meetings", "done"}
    with pytest.raises(ValidationError):
        services.report_save_draft(report=report, actor=secretary, values={"nope": 1})
    with pytest.raises(ValidationError) as refused:
        services.report_submit(report=report, actor=secretary)
    assert "meetings" in refused.value.message_dict


def test_submit_approve_lock_send_back_reopen(county, users):
    form = build_form(county["city"])
    secretary, staff = users["secretary_a1"], users["staff_a"]
    report = services.report_open(form=form, unit=county["village_a1"], day=DAY, actor=secretary)
    services.report_save_draft(report=report, actor=secretary, values={"meetings": 3})
    with pytest.raises(PermissionDenied):
        services.report_submit(report=report, actor=staff)  # the secretary submits
    report = services.report_submit(report=report, actor=secretary)
    with pytest.raises(ValidationError):
        services.report_save_draft(report=report, actor=secretary, values={"meetings": 4})
    with pytest.raises(PermissionDenied):
        services.report_approve(report=report, actor=secretary)
    with pytest.raises(ValidationError):
        services.report_send_back(report=report, actor=staff, reason=" ")
    report = services.report_send_back(report=report, actor=staff, reason="会议次数有误")
    assert report.status == ReportStatus.RETURNED and report.return_reason == "会议次数有误"
    services.report_save_draft(report=report, actor=secretary, values={"meetings": 4})
    report = services.report_submit(report=report, actor=secretary)
    report = services.report_approve(report=report, actor=staff)
    assert report.status == ReportStatus.APPROVED
    with pytest.raises(ValidationError):
        services.report_save_draft(report=report, actor=secretary, values={"meetings": 5})
    with pytest.raises(PermissionDenied):
        services.report_reopen(report=report, actor=secretary, reason="改")
    report = services.report_reopen(report=report, actor=staff, reason="需更正")
    services.report_save_draft(report=report, actor=secretary, values={"meetings": 5})
    changes = [e.changes for e in AuditEntry.objects.filter(action="report.save_draft", object_id=str(report.pk))]
    assert {"meetings": [3, 4]} in changes and {"meetings": [4, 5]} in changes
    actions = set(AuditEntry.objects.filter(object_id=str(report.pk)).values_list("action", flat=True))
    assert {"report.submit", "report.approve", "report.send_back", "report.reopen"} <= actions


def test_publishing_a_change_makes_a_new_version_and_reports_keep_theirs(county, users):
    form = build_form(county["city"])
    report = services.report_open(form=form, unit=county["village_a1"], day=DAY, actor=users["secretary_a1"])
    first = form.current_version()
    with pytest.raises(ValidationError):
        services.section_add(version=first, actor=SYSTEM, title="改")
    draft = services.version_draft(form=form, actor=users["city_staff"])
    assert draft.number == 2 and draft.fields.count() == 5 and draft.rules.count() == 2
    services.field_add(section=draft.sections.get(), actor=users["city_staff"], code="extra", label="新增", kind="text")
    services.form_publish(form=form, actor=users["city_staff"])
    assert form.current_version().number == 2
    report.refresh_from_db()
    assert report.version == first and report.answers.count() == 5
    later = services.report_open(
        form=form, unit=county["village_a1"], day=date(2024, 6, 2), actor=users["secretary_a1"]
    )
    assert later.answers.count() == 6


def test_only_the_org_department_defines_forms(county, users):
    with pytest.raises(PermissionDenied):
        build_form(county["township_a"], actor=users["staff_a"])
    with pytest.raises(PermissionDenied):
        build_form(county["city"], actor=users["secretary_a1"])


def test_scope_isolation(county, users):
    form = build_form(county["city"])
    other = services.report_open(form=form, unit=county["village_b1"], day=DAY, actor=SYSTEM)
    assert not Report.objects.restrict(users["staff_a"]).filter(pk=other.pk).exists()
    with pytest.raises(PermissionDenied):
        services.report_open(form=form, unit=county["village_b1"], day=date(2024, 6, 1), actor=users["secretary_a1"])
    services.report_save_draft(report=other, actor=SYSTEM, values={"meetings": 1})
    services.report_submit(report=other, actor=SYSTEM)
    with pytest.raises(PermissionDenied):
        services.report_approve(report=other, actor=users["staff_a"])
