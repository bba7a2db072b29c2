#!/usr/bin/env python
"""Issue 14's two goals for periodic reports, on the demo county (`manage.py load_demo`), each figure beside a
baseline measured in the same run.

(a) The share of fields a secretary types on the demo's monthly community report (社区月度工作报表): one report per
    community of the county opened for the latest period (December 2024, the demo's current month) through
    `report_open`, then counted from the stored answers: prefilled = answers with a non-null computed value; typed
    = the rest. Baseline: the form without prefill (every field typed). Goal: at most 30% typed.
(b) Opening a prefilled form on a township of 20 communities: for forms of 10, 20 and 40 fields (three quarters
    bound to prefill sources, the same eight at every size: seven of the registry and last period's answer; the
    rest typed), each community's report opened by township staff through the portal (`POST /reports/open/`) and its
    fill page drawn (`GET /reports/<id>/`) with Django's test client: server time (median and p95 of the 20) and the
    query count of one open + page, which must not grow with the number of fields. Baseline: hand SQL reading the
    same seven figures (one statement of scalar subqueries over the same tables and filters, per community). Goal: under
    300 ms, query count constant.

The township is built for the bench (20 communities under a new street of the demo county, through
`units_bulk_create`): the demo's streets have at most 13. Its communities hold no records of their own, so their
figures are zeros read through the same indexes over the county's tables.

Usage: python bench/reporting_bench.py [--reuse] [--out bench/RESULTS.md]   (DATABASE_URL names the server; the
database used is <name>_bench_reporting, dropped, migrated and loaded with the demo unless --reuse). Prints the
Markdown section; with --out appends it there.
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import owndb  # noqa: E402 -- bench/owndb.py, beside this script (its folder is on sys.path)

DAY = date(2024, 12, 1)  # the demo's current month
SIZES = (10, 20, 40)
COMMUNITIES = 20
# The sources a form of every size binds (the same eight at 10, 20 and 40 fields: the query count follows the
# distinct sources, one query each, never the fields).
SOURCES = (
    "members",
    "members_developed",
    "activists",
    "training_person_times",
    "woodpeckers",
    "clues_filed",
    "clues_handled",
    "previous",
)


def parse():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reuse", action="store_true", help="keep the loaded database")
    parser.add_argument("--out", default=None)
    return parser.parse_args()


def database_url() -> str:
    return owndb.database_url("_bench_reporting")


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["REDIS_URL"] = ""
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-deployment-7d1e0c3b9a5f4286")
    os.environ.setdefault("FIELD_ENCRYPTION_KEY", "bench-only-field-key-not-for-any-deployment-2b8c6e1f0a9d4375")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    os.environ.pop("DEBUG", None)
    import django

    django.setup()


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[round(0.95 * (len(ordered) - 1))]


# --- (a) the share typed on the demo's monthly community report -------------------------------------------------


def typed_share() -> dict:
    from django.db import connection, transaction

    from accounts.permissions import SYSTEM
    from organizations.models import OrganizationUnit, UnitKind
    from reporting import demo, services
    from reporting.models import Report, ReportForm

    form = ReportForm.objects.get(code=demo.MONTHLY)
    # The demo's communities (not the bench street's, added for (b) and kept by --reuse).
    demo_communities = OrganizationUnit.objects.filter(kind=UnitKind.COMMUNITY).exclude(code__startswith=street_code())
    communities = list(demo_communities.order_by("code"))
    with transaction.atomic():
        Report.objects.filter(form=form, period_start=DAY).delete()  # the demo's draft: opened again like the rest
        reports = [services.report_open(form=form, unit=unit, day=DAY, actor=SYSTEM) for unit in communities]
        with connection.cursor() as cur:
            cur.execute(
                "SELECT r.id, count(*) FILTER (WHERE a.computed IS NOT NULL), count(*) FROM reporting_answer a"
                " JOIN reporting_report r ON r.id = a.report_id WHERE r.form_id = %s AND r.period_start = %s"
                " GROUP BY r.id",
                [form.pk, DAY],
            )
            rows = cur.fetchall()
        transaction.set_rollback(True)
    prefilled, fields = sum(r[1] for r in rows), sum(r[2] for r in rows)
    shares = [1 - r[1] / r[2] for r in rows]
    return {
        "reports": len(reports),
        "fields": fields,
        "prefilled": prefilled,
        "counted": sum(r.prefilled_count for r in reports),
        "typed_share": 1 - prefilled / fields,
        "worst": max(shares),
        "best": min(shares),
        "per_form": fields // len(rows),
    }


# --- (b) opening a prefilled form on a township of 20 communities -----------------------------------------------


def street_code() -> str:
    from organizations.demo import CITY_CODE

    return f"{CITY_CODE}190"


def township():
    """A street of 20 communities under the demo county and township staff there (made once)."""
    from accounts.models import RoleAssignment, User
    from accounts.permissions import SYSTEM
    from accounts.roles import Role
    from organizations.demo import CITY_CODE
    from organizations.models import OrganizationUnit
    from organizations.services import units_bulk_create

    code = street_code()
    if not OrganizationUnit.objects.filter(code=code).exists():
        rows = [{"name": "基准街道", "code": code, "kind": "street", "parent_code": CITY_CODE}]
        rows += [
            {"name": f"基准{i:02d}社区", "code": f"{code}{i:03d}", "kind": "community", "parent_code": code}
            for i in range(1, COMMUNITIES + 1)
        ]
        units_bulk_create(rows=rows, actor=SYSTEM)
    street = OrganizationUnit.objects.get(code=code)
    display = {"display_name": "基准街道 组织委员"}
    user, created = User.objects.get_or_create(username="bench_township", defaults=display)
    if created:
        RoleAssignment.objects.create(user=user, role=Role.TOWNSHIP_STAFF, unit=street)
    return street, user, list(OrganizationUnit.objects.filter(parent=street).order_by("code"))


def build_form(city, n: int):
    """A monthly community form of `n` fields in sections of 10: three in four bound to a prefill source (the
    eight of SOURCES in turn)."""
    from accounts.permissions import SYSTEM
    from reporting import services
    from reporting.models import FieldKind, PeriodType, Severity

    form = services.form_create(
        unit=city,
        actor=SYSTEM,
        code=f"bench-{n}-{time.monotonic_ns()}",
        name=f"基准报表（{n}项）",
        period_type=PeriodType.MONTHLY,
        filled_by=["community"],
    )
    version = services.version_draft(form=form, actor=SYSTEM)
    typed_kinds = [FieldKind.INTEGER, FieldKind.CHOICE, FieldKind.YES_NO, FieldKind.TEXT]
    section, bound = None, 0
    for i in range(n):
        if i % 10 == 0:
            section = services.section_add(version=version, actor=SYSTEM, title=f"第{i // 10 + 1}部分", order=i)
        if i % 4 == 3:
            kind = typed_kinds[i // 4 % 4]
            extra = {"choices": ["是", "否", "部分"]} if kind == FieldKind.CHOICE else {}
            services.field_add(
                section=section, actor=SYSTEM, code=f"f{i}", label=f"填报项{i}", kind=kind, order=i, **extra
            )
        else:
            source = SOURCES[bound % len(SOURCES)]
            bound += 1
            services.field_add(
                section=section, actor=SYSTEM, code=f"f{i}", label=f"自动项{i}", kind=FieldKind.INTEGER,
                prefill=source, order=i,
            )  # fmt: skip
    services.rule_add(version=version, actor=SYSTEM, message="不能超过", left="f1", operator="<=", right_field="f0")
    services.rule_add(
        version=version, actor=SYSTEM, message="增长过快", left="f3", growth_factor=3, severity=Severity.WARNING
    )
    services.form_publish(form=form, actor=SYSTEM)
    return form


def hand_sql(unit, start: date, end: date) -> tuple:
    """The seven registry figures the bench forms bind, in one statement of scalar subqueries."""
    from django.db import connection

    from reporting.demo import _moment

    sql = """
    SELECT
      (SELECT count(*) FROM cadres_partymember WHERE unit_path LIKE %(p)s AND joined_on <= %(e)s),
      (SELECT count(*) FROM cadres_developmentrecord d JOIN organizations_organizationunit u ON u.id = d.unit_id
        WHERE u.path LIKE %(p)s AND d.admitted_on BETWEEN %(s)s AND %(e)s),
      (SELECT count(*) FROM cadres_developmentrecord d JOIN organizations_organizationunit u ON u.id = d.unit_id
        WHERE u.path LIKE %(p)s AND d.activist_on <= %(e)s AND (d.target_on IS NULL OR d.target_on > %(e)s)
        AND (d.disqualified_on IS NULL OR d.disqualified_on > %(e)s)),
      (SELECT count(*) FROM cadres_trainingattendance a JOIN cadres_person p ON p.id = a.person_id
        JOIN organizations_organizationunit u ON u.id = p.unit_id JOIN cadres_trainingsession s ON s.id = a.session_id
        WHERE u.path LIKE %(p)s AND s.starts_on BETWEEN %(s)s AND %(e)s),
      (SELECT count(*) FROM grid_woodpecker_woodpecker w JOIN organizations_organizationunit u ON u.id = w.grid_id
        WHERE u.path LIKE %(p)s AND w.status = 'active' AND w.confirmed_at <= %(last)s),
      (SELECT count(*) FROM grid_woodpecker_clue WHERE grid_path LIKE %(p)s
        AND submitted_at BETWEEN %(first)s AND %(last)s),
      (SELECT count(*) FROM grid_woodpecker_clue WHERE grid_path LIKE %(p)s
        AND resolved_at BETWEEN %(first)s AND %(last)s)
    """
    params = {
        "p": unit.path + "%",
        "s": start,
        "e": end,
        "first": _moment(start, end=False),
        "last": _moment(end, end=True),
    }
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()


def open_and_draw(client, form, unit) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.post(reverse("reporting:open"), {"form": form.pk, "unit": unit.pk, "day": DAY.isoformat()})
        assert response.status_code == 302 and "/reports/" in response["Location"], response
        page = client.get(response["Location"])
        seconds = time.perf_counter() - started
    assert page.status_code == 200 and "已自动填写" in page.content.decode(), page.status_code
    return seconds, len(queries)


def opening(sizes=SIZES) -> list[dict]:
    from django.db import connection
    from django.test import Client

    from organizations.demo import CITY_CODE
    from organizations.models import OrganizationUnit
    from reporting.models import period_bounds

    city = OrganizationUnit.objects.get(code=CITY_CODE)
    street, user, communities = township()
    client = Client()
    client.force_login(user)
    open_and_draw(client, build_form(city, sizes[0]), communities[0])  # warm-up: templates, first connections
    start, end = period_bounds("monthly", DAY)
    results = []
    for n in sizes:
        form = build_form(city, n)
        times, counts = [], set()
        for unit in communities:
            seconds, queries = open_and_draw(client, form, unit)
            times.append(seconds)
            counts.add(queries)
        baseline = []
        for unit in communities:
            started = time.perf_counter()
            hand_sql(unit, start, end)
            baseline.append(time.perf_counter() - started)
        results.append(
            {
                "fields": n,
                "bound": sum(1 for i in range(n) if i % 4 != 3),
                "median_ms": statistics.median(times) * 1000,
                "p95_ms": p95(times) * 1000,
                "queries": sorted(counts),
                "baseline_ms": statistics.median(baseline) * 1000,
                "baseline_p95_ms": p95(baseline) * 1000,
            }
        )
    connection.close()
    return results


def machine() -> str:
    from django.db import connection

    command = ["git", "rev-parse", "--short", "HEAD"]
    revision = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    return (
        f"machine: {platform.node()} · {os.cpu_count()} cores · {platform.platform()} · PostgreSQL "
        f"{connection.pg_version // 10000} · Python {platform.python_version()} · "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · git {revision.stdout.strip()}"
    )


def report(share: dict, opened: list[dict]) -> str:
    met = "yes" if share["typed_share"] <= 0.30 else "**no**"
    lines = [
        f"## Periodic reports: prefill and opening a form (issue 14, {datetime.now(UTC):%Y-%m-%d})",
        "",
        machine(),
        "",
        "Command: `python bench/reporting_bench.py` (the demo county loaded by `manage.py load_demo` into its own "
        "database; a street of 20 communities added for (b)).",
        "",
        "| measure | figure | baseline | baseline figure | ratio | goal | met |",
        "| --- | ---: | --- | ---: | ---: | --- | --- |",
        f"| (a) share of fields typed, demo monthly community report, {share['reports']} communities × "
        f"{share['per_form']} fields opened for {DAY:%Y-%m} ({share['prefilled']:,} of {share['fields']:,} answers "
        f"prefilled; per report {share['best']:.0%}–{share['worst']:.0%} typed; the reports' prefilled counts "
        f"sum to {share['counted']:,}) | {share['typed_share']:.1%} | the form without prefill (every field typed) "
        f"| 100% | {share['typed_share']:.2f}× | ≤ 30% typed | {met} |",
    ]
    constant = len({tuple(row["queries"]) for row in opened}) == 1 and all(len(r["queries"]) == 1 for r in opened)
    for row in opened:
        ok = "yes" if row["p95_ms"] < 300 and constant else "**no**"
        ratio = row["p95_ms"] / row["baseline_ms"]
        lines.append(
            f"| (b) open + fill page, {row['fields']} fields ({row['bound']} prefilled), 20 communities of one "
            f"street: median {row['median_ms']:.1f} ms, p95 (figure) · queries {'/'.join(map(str, row['queries']))} "
            f"| {row['p95_ms']:.1f} ms | hand SQL reading the same seven figures (median; p95 "
            f"{row['baseline_p95_ms']:.1f} ms) | {row['baseline_ms']:.2f} ms | {ratio:.0f}× "
            f"| < 300 ms; queries constant | {ok} |"
        )
    return "\n".join(lines) + "\n"


def main():
    args = parse()
    url = database_url()
    if not args.reuse:
        owndb.recreate_database(url)
    django_setup(url)
    from django.core.management import call_command

    if not args.reuse:
        call_command("migrate", verbosity=0)
        call_command("load_demo", quiet_users=True, verbosity=0)
    share = typed_share()
    opened = opening()
    text = report(share, opened)
    print(text)
    if args.out:
        with open(args.out, "a", encoding="utf-8") as handle:
            handle.write("\n" + text)


if __name__ == "__main__":
    main()
