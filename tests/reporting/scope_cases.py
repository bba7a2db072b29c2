import itertools
from datetime import date

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accounts.permissions import APPROVE, CHANGE, SYSTEM
from reporting import services
from reporting.models import (
    REOPEN,
    SUBMIT,
    Answer,
    FieldKind,
    FormField,
    FormSection,
    FormVersion,
    PeriodType,
    Report,
    ReportAttachment,
    ReportForm,
    ReportReminder,
    UnitItemList,
    ValidationRule,
)
from tests.scope import Act, ScopeCase

from .helpers import build_form

_seq = itertools.count(1)


def _form(county, users, unit):
    return build_form(unit, code=f"f-{unit.code.lower()}-{next(_seq)}")


def _report(county, users, village):
    form = _scope_form(county)
    n = next(_seq)
    day = date(timezone.localdate().year + 1 + n // 12, n % 12 + 1, 1)
    return services.report_open(form=form, unit=village, day=day, actor=SYSTEM)


def _scope_form(county):
    return ReportForm.objects.filter(unit=county["city"], code="scope").first() or build_form(
        county["city"], code="scope"
    )


def _items(county, users, unit):
    """A unit's item list (the three lists) on the city's form: it reports two of the five fields."""
    return services.unit_items_set(form=_scope_form(county), unit=unit, codes=["members", "meetings"], actor=SYSTEM)


def _items_page(obj):
    return reverse("reporting:unit_items", args=[obj.form_id, obj.unit_id])


def _version(county, users, unit):
    return _form(county, users, unit).current_version()


def _section(county, users, unit):
    return FormSection.objects.filter(version=_version(county, users, unit)).first()


def _field(county, users, unit):
    return FormField.objects.filter(version=_version(county, users, unit)).first()


def _rule(county, users, unit):
    return ValidationRule.objects.filter(version=_version(county, users, unit)).first()


def _reminder(county, users, village):
    form = _scope_form(county)
    return ReportReminder.objects.create(
        form=form, unit=village, period_start=date(2024, next(_seq) % 12 + 1, 1), kind="overdue"
    )


def _answer(county, users, village):
    return _report(county, users, village).answers.first()


def _filled(county, users, report):
    """The report with its required field answered (as the secretary leaves it before submitting)."""
    report.answers.filter(field__code="meetings").update(value=2)
    return report


def _submitted(county, users, report):
    Report.objects.filter(pk=report.pk).update(status="submitted")
    return _filled(county, users, report)


def _approved(county, users, report):
    Report.objects.filter(pk=report.pk).update(status="approved")
    return report


REPORT_ACTIONS = (
    Act("draft", CHANGE, {"values": {"meetings": 3}, "comments": {"meetings": "说明"}}),
    Act("submit", SUBMIT, prepare=_filled),
    Act("approve", APPROVE, prepare=_submitted),
    Act("send-back", APPROVE, {"reason": "数据有误"}, prepare=_submitted),
    Act("reopen", REOPEN, {"reason": "需更正"}, prepare=_approved),
)


def _page(route):
    return lambda obj: reverse(f"reporting:{route}", args=[obj.pk])


REPORT_PAGES = (
    Act("page draft", CHANGE, {"value-meetings": "3"}, url=_page("report_draft")),
    Act("page approve", APPROVE, prepare=_submitted, url=_page("report_approve")),
    Act("page send-back", APPROVE, {"reason": "数据有误"}, prepare=_submitted, url=_page("report_send_back")),
    Act("page reopen", REOPEN, {"reason": "需更正"}, prepare=_approved, url=_page("report_reopen")),
)


def _files_form(county):
    """The city's form with a file field (one per test world)."""
    form = ReportForm.objects.filter(unit=county["city"], code="scope-files").first()
    if form is None:
        form = services.form_create(
            unit=county["city"], actor=SYSTEM, code="scope-files", name="附件报表", period_type=PeriodType.YEARLY
        )
        version = services.version_draft(form=form, actor=SYSTEM)
        section = services.section_add(version=version, actor=SYSTEM, title="材料")
        services.field_add(section=section, actor=SYSTEM, code="minutes", label="会议记录", kind=FieldKind.FILE)
        services.form_publish(form=form, actor=SYSTEM)
    return form


def _attachment(county, users, village):
    n = next(_seq)
    report = services.report_open(form=_files_form(county), unit=village, day=date(2024 - n, 6, 1), actor=SYSTEM)
    upload = ContentFile(b"%PDF-1.4\n%scope\n", name="会议记录.pdf")
    services.report_save_draft(report=report, actor=SYSTEM, values={}, files={"minutes": upload})
    return ReportAttachment.objects.get(answer__report=report)


def _draft(version):
    FormVersion.objects.filter(pk=version.pk).update(published_at=None)


def _draft_form(county, users, form):
    for version in form.versions.all():
        _draft(version)
    return form


def _draft_version(county, users, version):
    _draft(version)
    return version


def _two_sections(county, users, section):
    """The section's version as a draft with a second section, so the first can move down."""
    _draft(section.version)
    FormSection.objects.create(version=section.version, title="第二部分", order=section.order + 1)
    return section


def _draft_of(county, users, obj):
    _draft(obj.version)
    return obj


def _builder(route):
    return lambda obj: reverse(f"reporting:{route}", args=[obj.pk])


FORM_PAGES = (
    Act("page publish", CHANGE, prepare=_draft_form, url=_builder("form_publish")),
    Act("page new version", CHANGE, url=_builder("form_new_version")),
)
VERSION_PAGES = (
    Act("page section add", CHANGE, {"title": "新分组"}, prepare=_draft_version, url=_builder("section_add")),
    Act(
        "page rule add",
        CHANGE,
        {"left": "members", "operator": ">=", "right_constant": "1", "severity": "warning", "message": "至少1人"},
        prepare=_draft_version,
        url=_builder("rule_add"),
    ),
)
SECTION_PAGES = (
    Act("page section move", CHANGE, {"direction": "down"}, prepare=_two_sections, url=_builder("section_move")),
    Act(
        "page field add",
        CHANGE,
        {"code": "extra", "label": "新增项", "kind": "integer"},
        prepare=_draft_of,
        url=_builder("field_add"),
    ),
)
FIELD_PAGES = (Act("page field move", CHANGE, {"direction": "down"}, prepare=_draft_of, url=_builder("field_move")),)

TOWNSHIPS = {"unit_key_in": "township_a", "unit_key_out": "township_b", "admin": False}

CASES = [
    ScopeCase(
        name="report_form",
        model=ReportForm,
        make=_form,
        api_list="/api/v1/reporting/forms/",
        api_delete=False,
        ui_actions=FORM_PAGES,
        **TOWNSHIPS,
    ),
    ScopeCase(name="form_version", model=FormVersion, make=_version, ui_actions=VERSION_PAGES, **TOWNSHIPS),
    ScopeCase(name="form_section", model=FormSection, make=_section, ui_actions=SECTION_PAGES, **TOWNSHIPS),
    ScopeCase(name="form_field", model=FormField, make=_field, ui_actions=FIELD_PAGES, **TOWNSHIPS),
    ScopeCase(name="validation_rule", model=ValidationRule, make=_rule, **TOWNSHIPS),
    ScopeCase(
        name="report",
        model=Report,
        make=_report,
        admin=False,
        ui_list=lambda: reverse("reporting:index"),
        ui_detail=lambda obj: reverse("reporting:report", args=[obj.pk]),
        ui_actions=REPORT_PAGES,
        marker=lambda obj: obj.unit.name,
        api_list="/api/v1/reporting/reports/",
        api_delete=False,
        api_actions=REPORT_ACTIONS,
    ),
    ScopeCase(name="report_answer", model=Answer, make=_answer, admin=False),
    ScopeCase(name="report_reminder", model=ReportReminder, make=_reminder, admin=False),
    ScopeCase(
        name="unit_item_list",
        model=UnitItemList,
        make=_items,
        admin=False,
        ui_detail=_items_page,
        ui_update=_items_page,
        ui_update_data={"codes": ["members"]},
        marker=lambda obj: obj.unit.name,
    ),
    ScopeCase(
        name="report_attachment",
        model=ReportAttachment,
        make=_attachment,
        admin=False,
        ui_detail=lambda obj: reverse("reporting:attachment", args=[obj.pk]),
    ),
]
