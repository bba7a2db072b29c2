"""The standard export cases: every export of the portal tried by every role of the matrix (tests/roles.py).

An export is allowed or refused as the matrix says (a portal page: the anonymous visitor gets the login page, an
external system's account is refused); when it is allowed, the sheet's rows are exactly the rows the role may see:
the key column of the sheet (a unit code, an id) holds, row for row, the keys of the model's objects the matrix lets
the role see (accounts.permissions, through tests/roles.py) — in township A and outside it, so no row leaks. The
world is the standard cases' (tests/sweep.py: `build_world`), which holds an object of every scoped model inside
township A; the cases here add one outside it.

Every export page of the URL configuration (a page route named `export` or `*_export`) must have a case in EXPORTS, so
a new export plugs in. One table per app: the integrator adjusts the URL names and columns here when they move.
"""

import csv
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse

from accounts import permissions
from accounts.permissions import CHANGE, IMPORT, VIEW
from tests import roles, sweep
from tests.scope import all_cases
from tests.test_standard_cases import _client, _outside


@dataclass(frozen=True)
class ExportCase:
    name: str
    route: str  # the URL name
    url: Callable  # (world) -> the URL
    model: type
    column: str  # the header of the key column
    key: Callable  # obj -> the value of its row's key column
    action: str = VIEW  # what the export restricts its rows by
    rows: Callable = lambda qs: qs  # the model's rows an export covers at all (a year, approved reports)
    # Whether the role may fetch the export at all (default: any portal user; the sheet holds what they may see).
    gate: Callable | None = None


def _import_gate(model):
    return lambda user: bool(permissions.units_for(user, model, IMPORT))


def _cadres():
    from cadres.models import CadrePost, PartyMember, ReserveCadre

    return [
        ExportCase(
            f"cadres {kind}",
            "sheets:export",
            lambda world, kind=kind: reverse("sheets:export", args=[kind, "xlsx"]),
            model,
            "单位编码",
            lambda obj: obj.unit.code,
        )
        for kind, model in (("members", PartyMember), ("posts", CadrePost), ("reserves", ReserveCadre))
    ]


def _woodpecker():
    from grid_woodpecker.models import Goods, Woodpecker

    return [
        ExportCase(
            "woodpeckers",
            "sheets:export",
            lambda world: reverse("sheets:export", args=["woodpeckers", "xlsx"]),
            Woodpecker,
            "网格编码",
            lambda obj: obj.grid.code,
            gate=_import_gate(Woodpecker),
        ),
        ExportCase(
            "goods",
            "sheets:export",
            lambda world: reverse("sheets:export", args=["goods", "csv"]),
            Goods,
            "物品编号",
            lambda obj: obj.pk,
            action=CHANGE,
            gate=_import_gate(Goods),
        ),
    ]


def _economy():
    from collective_economy.models import IncomeReport, ReportStatus

    return [
        ExportCase(
            "income reports",
            "sheets:export",
            lambda world: reverse("sheets:export", args=["income", "xlsx"]) + "?year=2024",
            IncomeReport,
            "村编码",
            lambda obj: obj.village.code,
            rows=lambda qs: qs.filter(status=ReportStatus.APPROVED, year=2024),
        )
    ]


def _goals():
    from goals.models import Target

    return [
        ExportCase(
            "targets",
            "sheets:export",
            lambda world: reverse("sheets:export", args=["targets", "xlsx"]),
            Target,
            "单位编码",
            lambda obj: obj.unit.code,
        )
    ]


def _units():
    from organizations.models import OrganizationUnit

    return [
        ExportCase(
            "units",
            "sheets:export",
            lambda world: reverse("sheets:export", args=["units", "csv"]),
            OrganizationUnit,
            "编码",
            lambda obj: obj.code,
            action=CHANGE,
            gate=lambda user: bool(permissions.units_for(user, OrganizationUnit, CHANGE)),
        )
    ]


def _reporting():
    from organizations.models import OrganizationUnit
    from reporting.models import Report

    def form():
        from reporting.models import ReportForm

        # The monthly form of villages and communities the reporting scope cases define at the city.
        return ReportForm.objects.get(unit__parent__isnull=True, code="scope")

    # A row per village and community the user may view (the whole jurisdiction: no unit asked), with or without
    # a report.
    return [
        ExportCase(
            "report answers",
            "reporting:sheet_export",
            lambda world: reverse("reporting:sheet_export") + f"?form={form().pk}&period=2024-05-01&fmt=csv",
            OrganizationUnit,
            "单位编码",
            lambda obj: obj.code,
            rows=lambda qs: qs.filter(kind__in=form().filled_by, is_active=True),
            gate=_import_gate(Report),
        )
    ]


EXPORTS = [*_cadres(), *_woodpecker(), *_economy(), *_goals(), *_units(), *_reporting()]
# Exports that are not a list of one model's rows: one unit's dashboard (its own scope test: tests/goals).
NOT_ROW_EXPORTS = {"goals:dashboard_export"}


def test_every_export_has_a_case():
    # The admin's export views (django-import-export) are the sweep's (tests/test_authorization_sweep.py).
    routes = {r.name for r in sweep.all_routes() if r.kind == "page" and r.name.split(":")[-1].endswith("export")}
    assert "sheets:export" in routes
    missing = routes - {case.route for case in EXPORTS} - NOT_ROW_EXPORTS
    assert not missing, f"exports without a case in tests/test_standard_sheets.py: {sorted(missing)}"


@pytest.fixture
def world(db):
    return sweep.build_world()


def _sheet_keys(response, column):
    body = response.getvalue()
    if response["Content-Type"].startswith("text/csv"):
        rows = list(csv.reader(body.decode("utf-8-sig").splitlines()))
    else:
        rows = list(openpyxl.load_workbook(BytesIO(body), read_only=True).active.iter_rows(values_only=True))
    headers = [str(h) for h in rows[0]]
    assert column in headers, f"no column {column!r} in {headers}"
    index = headers.index(column)
    return Counter(str(row[index]) for row in rows[1:] if any(v not in (None, "") for v in row))


@pytest.mark.parametrize("spec", roles.MATRIX, ids=str)
def test_standard_exports(world, spec):
    user = roles.user_for(world, spec)
    client = _client(user)
    by_model = {case.model: case for case in all_cases()}
    problems = []
    for export in EXPORTS:
        if export.model in by_model:  # an object of the model outside township A too
            _outside(world, by_model[export.model])
        response = client.get(export.url(world))
        may = roles.uses_portal(user) and (export.gate is None or export.gate(user))
        status = response.status_code
        if not may:
            if not (status in (403, 404) or (status == 302 and "login" in response.get("Location", ""))):
                problems.append(f"{export.name}: must be refused, got {status}")
            continue
        if status != 200:
            problems.append(f"{export.name}: allowed by the matrix but {status}")
            continue
        objects = export.rows(export.model._default_manager.all())
        expected = Counter(str(export.key(o)) for o in objects if roles.expected(user, export.action, o))
        got = _sheet_keys(response, export.column)
        if got != expected:
            problems.append(f"{export.name}: rows {dict(got)}, the matrix shows {dict(expected)}")
        if spec.name == roles.REPRESENTATIVE and not expected:
            problems.append(f"{export.name}: township staff sees no row (the case is blind)")
    assert not problems, "\n".join(problems)
