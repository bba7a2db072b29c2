"""Indicators declared on a numeric field of a periodic report form (issue 14): declared through the portal page,
computed from approved reports' answers through the roll-up engine, on the township dashboard (page and API),
updated when a report is approved or reopened; flow (sum of periods) and stock (latest period); scope."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.permissions import SYSTEM
from accounts.roles import Role
from core import events
from core.models import AuditEntry
from dangjian.celery import app as celery_app
from goals import form_indicators, rollup, services
from goals import indicators as registry
from goals.models import FormIndicator, PeriodValue, RollupValue
from goals.sources.reporting import form_figures
from reporting import services as reporting
from reporting.models import FieldKind
from tests.factories import user_with_role
from tests.reporting.helpers import build_form

pytestmark = pytest.mark.django_db
YEAR = 2024


@pytest.fixture(autouse=True)
def _eager():
    # The roll-up queued after commit runs in the test's process (as without REDIS_URL). Celery's own conf, not
    # Django's setting: the app reads the setting once, when an earlier test first used it.
    conf = celery_app.conf
    before = {key: conf.get(key) for key in ("task_always_eager", "task_eager_propagates")}
    conf.update(task_always_eager=True, task_eager_propagates=True)
    registry.reset_dynamic()
    yield
    registry.reset_dynamic()
    conf.update(before)


@pytest.fixture
def form(county):
    form = build_form(county["city"], code="work")
    return form


def approved(form, village, day, actor, **values):
    """The village's report of the period holding `day`, filled with `values`, submitted and approved by `actor`."""
    report = reporting.report_open(form=form, unit=village, day=day, actor=SYSTEM)
    reporting.report_save_draft(report=report, actor=SYSTEM, values={"meetings": 1, **values})
    reporting.report_submit(report=report, actor=SYSTEM)
    return reporting.report_approve(report=report, actor=actor)


def declare_on_page(client, form, code="developed", **extra):
    data = {
        "field": f"{form.pk}:{code}",
        "name": "报表：发展党员",
        "measure": "people",
        "period_value": PeriodValue.SUM,
        "levels": "every",
        **extra,
    }
    return client.post(reverse("goals:form_indicator_create"), data)


def page_figure(client, unit, key) -> str:
    html = client.get(reverse("goals:dashboard", args=[unit.pk]), {"year": YEAR}).content.decode()
    row = re.search(rf'<tr data-indicator="{key}">(.*?)</tr>', html, re.S)
    assert row, f"{key} not on the dashboard"
    return re.findall(r'<td class="num">([^<]*)</td>', row.group(1))[0].strip()


def test_declared_on_the_page_summed_on_the_township_dashboard_and_updated_on_reopen(
    county, users, form, client_for, api_for, django_capture_on_commit_callbacks
):
    staff = client_for(users["city_staff"])
    create = staff.get(reverse("goals:form_indicator_create")).content.decode()
    assert "月报 · 发展党员（developed）" in create
    assert "（done）" not in create  # a yes/no field cannot back an indicator
    with django_capture_on_commit_callbacks(execute=True):
        response = declare_on_page(staff, form)
    declared = FormIndicator.objects.get()
    assert response.status_code == 302 and response.url == reverse("goals:form_indicator_edit", args=[declared.pk])
    assert AuditEntry.objects.filter(action="form_indicator.create", object_id=str(declared.pk)).exists()
    key = declared.key
    assert registry.get(key).source == "reporting" and key in registry.of_source("reporting")

    with django_capture_on_commit_callbacks(execute=True):
        first = approved(form, county["village_a1"], date(YEAR, 5, 15), users["staff_a"], developed=2, activists=5)
    with django_capture_on_commit_callbacks(execute=True):
        approved(form, county["village_a2"], date(YEAR, 5, 15), users["staff_a"], developed="3", activists=5)
    with django_capture_on_commit_callbacks(execute=True):  # another township: not in township A's figure
        approved(form, county["village_b1"], date(YEAR, 5, 15), users["staff_b"], developed=7, activists=9)

    township = client_for(users["staff_a"])
    assert page_figure(township, county["township_a"], key) == "5"
    body = api_for(users["staff_a"]).get(f"/api/v1/goals/dashboard/{county['township_a'].pk}/", {"year": YEAR}).json()
    row = next(r for r in body["indicators"] if r["key"] == key)
    assert (row["name"], Decimal(row["value"])) == ("报表：发展党员", Decimal(5))
    assert Decimal(RollupValue.objects.get(indicator=key, unit=county["city"], year=YEAR).value) == 12
    listed = api_for(users["staff_a"]).get("/api/v1/goals/indicators/").json()
    assert any(i["key"] == key and i["source"] == "reporting" for i in listed)

    with django_capture_on_commit_callbacks(execute=True):
        reporting.report_reopen(report=first, actor=users["staff_a"], reason="需更正")
    assert page_figure(client_for(users["staff_a"]), county["township_a"], key) == "3"
    # What the chains stored is what a full recompute computes.
    stored = dict(RollupValue.objects.filter(indicator=key, year=YEAR).values_list("unit_id", "numerator"))
    full = rollup.full_totals(year=YEAR, indicators=[registry.get(key)])
    assert {unit_id: n for (_k, unit_id), (n, _d) in full.items() if n or unit_id in stored} == stored


def test_flow_sums_the_periods_and_stock_takes_the_latest(county, users, form):
    flow = form_indicators.form_indicator_create(
        form=form,
        field_code="activists",
        name="积极分子（累计）",
        measure="people",
        period_value=PeriodValue.SUM,
        levels="every",
        actor=users["city_staff"],
    )
    stock = form_indicators.form_indicator_create(
        form=form,
        field_code="activists",
        name="积极分子（期末）",
        measure="people",
        period_value=PeriodValue.LATEST,
        levels="township",
        actor=users["city_staff"],
    )
    village = county["village_a1"]
    approved(form, village, date(YEAR, 1, 10), SYSTEM, activists=4)
    approved(form, village, date(YEAR, 3, 10), SYSTEM, activists=6)
    approved(form, village, date(YEAR - 1, 12, 10), SYSTEM, activists=50)  # another year
    draft = reporting.report_open(form=form, unit=village, day=date(YEAR, 4, 10), actor=SYSTEM)
    reporting.report_save_draft(report=draft, actor=SYSTEM, values={"activists": 99})  # not approved: not counted
    approved(form, county["village_a2"], date(YEAR, 2, 10), SYSTEM, activists=1)
    path = village.path
    assert form_figures(flow, county["township_a"], YEAR)[path].numerator == 10
    assert form_figures(stock, county["township_a"], YEAR)[path].numerator == 6
    services.rollup_year(year=YEAR)
    figures = dict(
        RollupValue.objects.filter(unit=county["township_a"], year=YEAR).values_list("indicator", "numerator")
    )
    assert (figures[flow.key], figures[stock.key]) == (11, 7)
    # The stock figure shows from the township up only; the flow on a village's dashboard too.
    assert registry.get(stock.key).shows_at("township") and not registry.get(stock.key).shows_at("village")
    assert registry.get(flow.key).shows_at("village")
    # The incremental scope (Units) reads the same figures as a subtree.
    units = registry.Units({village.pk})
    assert form_figures(stock, units, YEAR)[path].numerator == 6


def test_decimal_answers_stored_as_strings_are_summed(county, users):
    form = build_form(county["city"], code="money", publish=False)
    version = form.versions.get()
    section = version.sections.get()
    reporting.field_add(section=section, actor=SYSTEM, code="income", label="收入", kind=FieldKind.DECIMAL, order=9)
    reporting.form_publish(form=form, actor=SYSTEM)
    declared = form_indicators.form_indicator_create(
        form=form,
        field_code="income",
        name="收入",
        measure="yuan",
        period_value=PeriodValue.SUM,
        levels="every",
        actor=users["city_staff"],
    )
    approved(form, county["village_a1"], date(YEAR, 1, 10), SYSTEM, income="1200.5")
    approved(form, county["village_a1"], date(YEAR, 2, 10), SYSTEM, income="0.25")
    figures = form_figures(declared, None, YEAR)
    assert figures[county["village_a1"].path].numerator == Decimal("1200.75")


def test_field_must_be_numeric_and_in_a_published_version(county, users, form):
    def declare(code):
        return form_indicators.form_indicator_create(
            form=form,
            field_code=code,
            name="x",
            measure="count",
            period_value="sum",
            levels="every",
            actor=users["city_staff"],
        )

    with pytest.raises(ValidationError) as exc:
        declare("done")
    assert exc.value.error_dict["field_code"][0].code == "form_field_not_numeric"
    with pytest.raises(ValidationError) as exc:
        declare("nothing")
    assert exc.value.error_dict["field_code"][0].code == "form_field_unknown"
    assert not FormIndicator.objects.exists()


def test_scope_township_cannot_declare_and_pages_out_of_scope_are_404(county, users, client_for, api_for):
    form_b = build_form(county["township_b"], code="b")
    form_a = build_form(county["township_a"], code="a")
    orgdept_a = user_with_role("orgdept_a", Role.ORG_DEPARTMENT, county["township_a"], staff=True)
    # Township staff declare nothing: no create page, no service.
    assert client_for(users["staff_a"]).get(reverse("goals:form_indicator_create")).status_code == 403
    with pytest.raises(PermissionDenied):
        form_indicators.form_indicator_create(
            form=form_a,
            field_code="developed",
            name="x",
            measure="count",
            period_value="sum",
            levels="every",
            actor=users["staff_a"],
        )
    # Township A's organization department sees only its own forms; township B's cannot be chosen.
    client = client_for(orgdept_a)
    page = client.get(reverse("goals:form_indicator_create")).content.decode()
    assert form_a.name in page and form_b.name not in page
    response = declare_on_page(client, form_b)
    assert response.status_code == 200 and not FormIndicator.objects.exists()
    with pytest.raises(PermissionDenied):
        form_indicators.form_indicator_create(
            form=form_b,
            field_code="developed",
            name="x",
            measure="count",
            period_value="sum",
            levels="every",
            actor=orgdept_a,
        )
    declared_b = form_indicators.form_indicator_create(
        form=form_b,
        field_code="developed",
        name="乙的指标",
        measure="count",
        period_value="sum",
        levels="every",
        actor=users["city_staff"],
    )
    for name in ("goals:form_indicator_edit", "goals:form_indicator_retire"):
        assert client.get(reverse(name, args=[declared_b.pk])).status_code == 404
        assert client.post(reverse(name, args=[declared_b.pk]), {"name": "改"}).status_code == 404
    assert "乙的指标" not in client.get(reverse("goals:form_indicator_list")).content.decode()
    declared_b.refresh_from_db()
    assert declared_b.is_active and declared_b.name == "乙的指标"
    # A township's form indicator is listed on its line only: not on the sibling's dashboard, nor to its staff.
    key = declared_b.key
    assert registry.get(key).shows_on(county["city"]) and registry.get(key).shows_on(county["village_b1"])
    assert not registry.get(key).shows_on(county["township_a"])
    dashboard = client_for(users["staff_a"]).get(reverse("goals:dashboard", args=[county["township_a"].pk]))
    assert dashboard.status_code == 200 and key not in dashboard.content.decode()
    api = api_for(users["staff_a"])
    assert key not in {i["key"] for i in api.get("/api/v1/goals/indicators/").json()}
    assert api.get(f"/api/v1/goals/indicators/{key}/").status_code == 404
    assert api_for(users["staff_b"]).get(f"/api/v1/goals/indicators/{key}/").status_code == 200
    with pytest.raises(ValidationError):
        services.target_set(indicator=key, unit=county["township_a"], year=YEAR, value=3, actor=users["city_staff"])
    assert services.target_set(indicator=key, unit=county["township_b"], year=YEAR, value=3, actor=users["city_staff"])


def test_edit_and_retire_on_the_pages(county, users, form, client_for):
    declared = form_indicators.form_indicator_create(
        form=form,
        field_code="developed",
        name="发展党员",
        measure="people",
        period_value="sum",
        levels="every",
        actor=users["city_staff"],
    )
    client = client_for(users["city_staff"])
    url = reverse("goals:form_indicator_edit", args=[declared.pk])
    assert f'value="{form.pk}:developed" selected' in client.get(url).content.decode()
    data = {
        "field": f"{form.pk}:activists",
        "name": "积极分子",
        "measure": "people",
        "period_value": "latest",
        "levels": "township",
        "is_active": "on",
    }
    assert client.post(url, data).status_code == 302
    declared.refresh_from_db()
    assert (declared.field_code, declared.period_value, declared.name) == ("activists", "latest", "积极分子")
    assert registry.get(declared.key).name == "积极分子"
    assert client.post(reverse("goals:form_indicator_retire", args=[declared.pk])).status_code == 302
    declared.refresh_from_db()
    assert not declared.is_active and registry.get(declared.key) is None
    assert AuditEntry.objects.filter(action="form_indicator.retire", object_id=str(declared.pk)).exists()
    assert "积极分子" in client.get(reverse("goals:form_indicator_list")).content.decode()


def test_approval_announces_and_a_failing_roll_up_never_fails_it(
    county, users, form, django_capture_on_commit_callbacks
):
    heard = []

    def broken(*, source, unit_ids, year):
        heard.append((source, unit_ids, year))
        raise RuntimeError("the queue is down")

    events.subscribe(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            report = approved(form, county["village_a1"], date(YEAR, 6, 1), users["staff_a"], activists=1)
    finally:
        events._subscribers.remove(broken)
    report.refresh_from_db()
    assert report.status == "approved"
    assert heard == [("reporting", [county["village_a1"].pk], YEAR)]


def test_queries_one_per_compute_and_the_dashboard_does_not_grow_with_declarations(
    county, users, form, client_for, django_assert_num_queries
):
    def declare(code, period_value):
        return form_indicators.form_indicator_create(
            form=form,
            field_code=code,
            name=f"{code}-{period_value}",
            measure="people",
            period_value=period_value,
            levels="every",
            actor=users["city_staff"],
        )

    first = declare("developed", PeriodValue.SUM)
    approved(form, county["village_a1"], date(YEAR, 1, 10), SYSTEM, activists=3)
    for scope in (None, county["township_a"], registry.Units({county["village_a1"].pk})):
        for period_value in PeriodValue:
            first.period_value = period_value
            with django_assert_num_queries(1):
                form_figures(first, scope, YEAR)
    services.rollup_year(year=YEAR)
    client = client_for(users["staff_a"])
    url = reverse("goals:dashboard", args=[county["township_a"].pk])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"year": YEAR}).status_code == 200
        return len(queries)

    before = count()
    declare("activists", PeriodValue.LATEST)
    declare("members", PeriodValue.LATEST)
    services.rollup_year(year=YEAR)
    assert count() == before
