"""The demo county's periodic reports: the forms, the periods filled (on time, late, missing, awaiting review,
sent back, the current drafts), prefilled values that are what the sources compute, and the duties lists."""

from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command

from accounts.models import User
from organizations.models import OrganizationUnit, UnitKind
from reporting import demo, prefill
from reporting.models import Answer, Report, ReportForm, ReportStatus, UnitItemList, period_bounds
from reporting.services.reports import _previous_answers, findings
from reporting.workbench import reports_to_fill, reports_waiting

pytestmark = pytest.mark.django_db


def _statuses(form):
    return Counter(form.reports.values_list("status", flat=True))


def test_demo_reports():
    call_command("load_demo", quiet_users=True)
    forms = {form.code: form for form in ReportForm.objects.all()}
    assert set(forms) == {demo.MONTHLY, demo.QUARTERLY, demo.DUTIES}
    monthly, quarterly, duties = forms[demo.MONTHLY], forms[demo.QUARTERLY], forms[demo.DUTIES]
    fields = {code: list(form.current_version().fields.all()) for code, form in forms.items()}
    bound = {code: sum(1 for f in fs if f.prefill) for code, fs in fields.items()}
    assert bound[demo.MONTHLY] / len(fields[demo.MONTHLY]) >= 0.7
    assert bound[demo.QUARTERLY] * 2 == len(fields[demo.QUARTERLY])
    assert len(fields[demo.DUTIES]) == 12
    for form in (monthly, quarterly):
        rules = form.current_version().rules.all()
        assert any(r.right_field and r.severity == "blocking" for r in rules)
        assert any(r.growth_factor and r.severity == "warning" for r in rules)

    communities = OrganizationUnit.objects.filter(kind=UnitKind.COMMUNITY).count()
    villages = OrganizationUnit.objects.filter(kind=UnitKind.VILLAGE).count()
    for form, units, periods in ((monthly, communities, demo.MONTHS), (quarterly, villages, demo.QUARTERS)):
        statuses = _statuses(form)
        assert statuses[ReportStatus.DRAFT] == 1 and statuses[ReportStatus.RETURNED] == 1
        assert statuses[ReportStatus.SUBMITTED] > 0
        assert statuses[ReportStatus.APPROVED] > 0.8 * units * len(periods)
        filed = form.reports.exclude(status=ReportStatus.DRAFT).select_related("form")
        late = [r for r in filed if r.submitted_at.date() > form.due_on(r.period_end)]
        assert 0 < len(late) < len(filed) / 4
        assert all(r.submitted_at.date() <= form.closes_on(r.period_end) for r in filed)
        missing = units * len(periods) - len(filed)
        assert 0 < missing < units * len(periods) / 10
        # The draft is the current period's, after the filled ones.
        draft = form.reports.get(status=ReportStatus.DRAFT)
        assert draft.period_start > periods[-1] and draft.period_start <= demo.DEMO_TODAY
        # No report submitted or approved breaks a blocking rule.
        sample = form.reports.filter(status__in=(ReportStatus.APPROVED, ReportStatus.SUBMITTED))[:60]
        assert not [f for report in sample for f in findings(report) if f.blocking]

    # The prefilled values are what the sources and last period's answers give (a sample of units and periods).
    for form, periods in ((monthly, demo.MONTHS), (quarterly, demo.QUARTERS)):
        for report in form.reports.filter(period_start__in=periods[-2:]).select_related("unit")[:8]:
            start, end = period_bounds(form.period_type, report.period_start)
            answers = {a.field.code: a for a in report.answers.select_related("field")}
            expected = prefill.compute([a.field for a in answers.values()], report.unit, start, end)
            before = _previous_answers(form, report.unit, start)
            for code, answer in answers.items():
                if answer.field.prefill == prefill.PREVIOUS:
                    assert answer.computed == before.get(code), (report, code)
                elif answer.field.prefill:
                    assert answer.computed == expected[code], (report, code)
            assert report.prefilled_count == sum(1 for a in answers.values() if a.computed is not None)

    # The demo users find their work: the community's sent-back and draft reports, the township's to approve.
    community, township = User.objects.get(username="community"), User.objects.get(username="township")
    assert {r.status for r in reports_to_fill(community).filter(form=monthly)} == {"draft", "returned"}
    assert reports_waiting(township).exists()
    draft = monthly.reports.get(status=ReportStatus.DRAFT)
    assert draft.period_start == date(2024, 12, 1) and draft.prefilled_count >= 9

    # The duties lists: a listed community's report holds its list's fields only.
    lists = UnitItemList.objects.filter(form=duties)
    assert 0 < lists.count() < communities
    for items in lists[:5]:
        report = duties.reports.get(unit=items.unit)
        assert sorted(Answer.objects.filter(report=report).values_list("field__code", flat=True)) == sorted(items.codes)
        assert len(items.codes) < 12
    unlisted = duties.reports.exclude(unit__in=lists.values("unit")).first()
    assert unlisted.answers.count() == 12
    assert Report.objects.filter(form=duties, status=ReportStatus.APPROVED).count() == communities
