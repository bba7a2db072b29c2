"""The standard import cases: every portal sheet import tried by every role of the matrix (tests/roles.py), with a
row inside township A and a row outside it.

The flow is the engine's (core.sheets, core/views/imports.py): upload a small valid sheet built here (stored as a
file, an ImportJob checks it in a Celery task, run eagerly here), then confirm the job. The matrix says whether the
role may open the import at all (`units_for(user, model, IMPORT)`) and at which unit a row may be written
(`can_at(user, IMPORT, …)`); an allowed row is asserted written (its model's rows at the unit grew by one), a
refused one asserted absent, and a refused page (anonymous: the login page; others 403/404) writes nothing at all.
Each role's attempts are rolled back.

One table per app (the import kind, the sheet): the integrator adjusts them when the importers change.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
import tablib

from accounts import permissions
from accounts.permissions import IMPORT
from core.models import ImportJob
from tests import roles, sweep
from tests.cadres import helpers as h
from tests.core.sheet_helpers import confirm, upload
from tests.grid_woodpecker import helpers as wp_helpers
from tests.test_standard_cases import _client, _rolled_back


@dataclass(frozen=True)
class ImportCase:
    name: str
    # The importer (core.sheets registry); its page is imports:start <kind>. A callable gives a family's kind, which
    # names a record of the world ("report_<form id>").
    kind: str | Callable
    model: type
    unit_key: str  # where the row goes: a unit of township A (the row outside goes to its sibling in township B)
    # sheet(unit) -> (file name, bytes): one valid row at `unit`
    sheet: Callable
    at: Callable  # obj -> the unit a row of the model belongs to
    # The action the import asks of accounts.permissions: to open the page (units_for) and for a row's unit (can_at).
    action: str = IMPORT
    writer: str = roles.REPRESENTATIVE  # a role of the matrix whose row inside township A must be written (not blind)


def _csv(headers, row):
    return ("sheet.csv", (",".join(headers) + "\n" + ",".join(row) + "\n").encode())


def _member_sheet(unit):
    return _csv(
        ["name", "id_number", "unit_code", "status", "joined_on"],
        ["导入党员", h.make_id(), unit.code, "full", "2020-07-01"],
    )


def _cadres():
    from cadres.models import PartyMember

    return [
        ImportCase(
            "cadres members",
            "members",
            PartyMember,
            "village_a1",
            _member_sheet,
            lambda obj: obj.unit,
        )
    ]


def _woodpecker_sheet(grid):
    return _csv(
        ["name", "id_number", "mobile", "grid_code", "group", "is_lead", "lead_duties", "status"],
        ["导入啄木鸟", wp_helpers.id_number(), "", grid.code, "resident", "", "", ""],
    )


def _woodpecker():
    from grid_woodpecker.models import Woodpecker

    return [
        ImportCase(
            "woodpeckers",
            "woodpeckers",
            Woodpecker,
            "grid_a1",
            _woodpecker_sheet,
            lambda obj: obj.grid,
        )
    ]


def _income_sheet(village):
    headers = ["村编码", "年度", "集体经济总收入（元）", "经营性收入（元）", "发展模式", "年末资产（元）"]
    headers.append("年末负债（元）")
    return _csv(headers, [village.code, "2023", "120000", "60000", "asset", "0", "0"])


def _economy():
    from collective_economy.models import IncomeReport

    return [
        ImportCase(
            "income reports",
            "income",
            IncomeReport,
            "village_a1",
            _income_sheet,
            lambda obj: obj.village,
        )
    ]


def _target_sheet(unit):
    sheet = tablib.Dataset(headers=["indicator", "indicator_name", "unit_code", "year", "value", "note"])
    sheet.append(["demonstration_villages", "", unit.code, 2025, 4, ""])
    return "targets.xlsx", sheet.export("xlsx")


def _goals():
    from goals.models import Target

    return [
        ImportCase(
            "targets",
            "targets",
            Target,
            "township_a",
            _target_sheet,
            lambda obj: obj.unit,
            writer="org_department",
        )
    ]


def _unit_sheet(township):
    kind = "village" if township.kind == "township" else "community"
    return _csv(["编码", "名称", "类型", "上级编码"], [f"N{township.code}", "新建村（社区）", kind, township.code])


def _organizations():
    from organizations.models import OrganizationUnit

    return [
        ImportCase(
            "units",
            "units",
            OrganizationUnit,
            "township_a",
            _unit_sheet,
            lambda obj: obj.parent,
        )
    ]


def _report_form():
    from reporting.models import ReportForm

    # The monthly form the reporting scope cases define at the city (tests/reporting/scope_cases.py).
    return ReportForm.objects.get(unit__parent__isnull=True, code="scope")


def _report_sheet(village):
    return _csv(["单位编码", "报告期", "组织生活次数"], [village.code, "2016-03-01", "4"])


def _reporting():
    from reporting.models import Report
    from reporting.sheets import kind_of

    return [
        ImportCase(
            "report answers",
            lambda: kind_of(_report_form()),
            Report,
            "village_a1",
            _report_sheet,
            lambda obj: obj.unit,
        )
    ]


CASES = [*_cadres(), *_woodpecker(), *_economy(), *_goals(), *_organizations(), *_reporting()]
OUTSIDE = {"village_a1": "village_b1", "grid_a1": "grid_b1", "township_a": "township_b"}


@pytest.fixture
def world(db):
    return sweep.build_world()


def _rows_at(case, unit):
    return sum(1 for obj in case.model._default_manager.all() if case.at(obj) == unit)


def _attempt(client, case, unit):
    """Upload the sheet, then confirm it; answer (the two responses, rows of the model at `unit` before/after,
    tables written)."""
    with _rolled_back():
        before, writes = _rows_at(case, unit), sweep.writes()
        name, content = case.sheet(unit)
        first, job = upload(client, case.kind() if callable(case.kind) else case.kind, name, content)
        second = None
        if job is not None and job.status == ImportJob.Status.READY:
            second = confirm(client, job, warnings_confirmed=True)
            second.job_status = job.status
        after = _rows_at(case, unit)
        tables = sweep.changed(writes, sweep.writes())
    return first, second, before, after, tables


@pytest.mark.parametrize("spec", roles.MATRIX, ids=str)
def test_standard_imports(world, spec):
    user = roles.user_for(world, spec)
    client = _client(user)
    problems, done = [], []
    for case in CASES:
        may_open = roles.uses_portal(user) and bool(permissions.units_for(user, case.model, case.action))
        for key in (case.unit_key, OUTSIDE[case.unit_key]):
            unit = world.county[key]
            first, second, before, after, tables = _attempt(client, case, unit)
            what = f"{case.name} at {key}"
            if not may_open:
                status = first.status_code
                refused = status in (403, 404) or (status == 302 and "login" in first.get("Location", ""))
                if not refused or after != before:
                    problems.append(f"{what}: must be refused, got {status}, rows {before}→{after}")
                continue
            allowed = roles.expected_at(user, case.action, case.model, unit)
            if first.status_code != 302:
                problems.append(f"{what}: the upload answered {first.status_code}")
            elif allowed and (second is None or second.job_status != ImportJob.Status.DONE or after != before + 1):
                got = second.job_status if second is not None else "not checked"
                problems.append(f"{what}: allowed by the matrix but confirm {got}, rows {before}→{after}")
            elif not allowed and after != before:
                problems.append(f"{what}: refused by the matrix but rows {before}→{after} ({tables})")
            elif allowed:
                done.append(what)
    assert not problems, "\n".join(problems)
    assert {f"{case.name} at {case.unit_key}" for case in CASES if case.writer == spec.name} <= set(done), done
