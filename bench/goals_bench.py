"""The seven measurements of bench/run.py. Each returns Result rows (figure, baseline, ratio, goal)."""

import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.test import Client

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2025


@dataclass
class Result:
    number: str
    measure: str
    figure: float | None
    unit: str
    baseline: str = "—"
    base: float | None = None
    goal: str = ""
    met: bool | None = None
    note: str = ""

    def markdown(self) -> str:
        fig = "error" if self.figure is None else f"{self.figure:,.3f} {self.unit}"
        base = "" if self.base is None else f"{self.base:,.3f} {self.unit}"
        ratio = f"{self.figure / self.base:.1f}×" if self.figure and self.base else ""
        met = "" if self.met is None else ("yes" if self.met else "**no**")
        note = f" ({self.note})" if self.note else ""
        cells = (self.number, self.measure + note, fig, self.baseline, base, ratio, self.goal, met)
        return "| " + " | ".join(cells) + " |"


def median_seconds(fn, repeat=5):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def sql(query, params=()):
    with connection.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchall() if cur.description else []


def user_at(name, role, unit):
    from accounts.models import RoleAssignment, User

    user, _ = User.objects.get_or_create(username=name)
    user.must_change_password = False
    user.save()
    RoleAssignment.objects.get_or_create(user=user, role=role, unit=unit)
    return user


def token_for(user) -> str:
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=user)[0].key


class Places:
    """The units the benchmarks look at: the province, Jingzhou, Shishou, one of its townships, one village."""

    def __init__(self):
        from accounts.roles import Role
        from organizations.models import OrganizationUnit as U

        self.province = U.objects.get(code="42")
        self.prefecture = U.objects.get(code="4210")
        self.county = U.objects.get(code="421081")
        self.township = U.objects.filter(parent=self.county).order_by("code")[6]
        self.village = U.objects.filter(parent=self.township).order_by("code").first()
        self.top = user_at("bench_province", Role.ORG_DEPARTMENT, self.province)
        self.pref_user = user_at("bench_prefecture", Role.ORG_DEPARTMENT, self.prefecture)
        self.county_user = user_at("bench_county", Role.ORG_DEPARTMENT, self.county)
        self.town_user = user_at("bench_township", Role.TOWNSHIP_STAFF, self.township)


def goal1(places):
    from accounts.models import User
    from cadres.models import PartyMember

    rows = []
    hand = (
        "SELECT count(*) FROM cadres_partymember WHERE unit_id = ANY(ARRAY(SELECT id FROM "
        "organizations_organizationunit WHERE path LIKE %s)) OR floating_managing_unit_id = ANY(ARRAY(SELECT id FROM "
        "organizations_organizationunit WHERE path LIKE %s))"
    )
    for label, holder, unit in (
        ("prefecture", places.pref_user, places.prefecture),
        ("township", places.town_user, places.township),
    ):
        user = User.objects.get(pk=holder.pk)
        count = PartyMember.objects.restrict(user).count()
        expected = sql(hand, [unit.path + "%"] * 2)[0][0]

        def cold(u=user):
            u.__dict__.pop("_scope_paths_cache", None)  # the user's roles are read again, as in a new request
            return PartyMember.objects.restrict(u).count()

        # The figure: the count through restrict() with the user's roles read once for the request (scope_paths
        # caches them on the user, as every page does); the note gives it with the roles' query included.
        cold_ms = median_seconds(cold, repeat=11) * 1000
        figure = median_seconds(lambda u=user: PartyMember.objects.restrict(u).count(), repeat=11)
        base = median_seconds(lambda p=unit.path: sql(hand, [p + "%"] * 2), repeat=11)
        goal_ok = figure <= 1.5 * base and (label != "prefecture" or figure < 0.1)
        rows.append(
            Result(
                "1",
                f"members under the {label} through restrict() ({count:,}; SQL {expected:,})",
                figure * 1000,
                "ms",
                "hand SQL, unit ids by path index",
                base * 1000,
                "≤ 1.5×; < 100 ms for a prefecture",
                goal_ok and count == expected,
                note=f"{cold_ms:.1f} ms with the query of the user's roles",
            )
        )
    return rows


class Server:
    """A process the benchmark starts and stops (its log in /tmp/bench_<name>.log), ready when `ready()` says so."""

    name = ""

    def command(self) -> list[str]:
        raise NotImplementedError

    def ready(self) -> bool:
        raise NotImplementedError

    def __enter__(self):
        log = open(f"/tmp/bench_{self.name}.log", "w")  # noqa: SIM115 (closed with the process)
        self.process = subprocess.Popen(self.command(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
        for _ in range(120):
            if self.ready():
                break
            time.sleep(0.25)
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


class Worker(Server):
    """One Celery worker (solo pool) on the benchmark's own queue."""

    name = "worker"

    def command(self):
        queue = os.environ["CELERY_QUEUE"]
        return [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "dangjian",
            "worker",
            "-P",
            "solo",
            "-Q",
            queue,
            "-l",
            "warning",
        ] + ["--without-mingle"]

    def ready(self):
        from dangjian.celery import app

        return bool(app.control.inspect(timeout=1).ping())


# One grouped query per record table the indicators read, rolled up the tree by path prefix (the baseline of goal 2).
LEAF = {
    "members": "SELECT unit_id u, count(*) n FROM cadres_partymember GROUP BY 1",
    "development": "SELECT unit_id u, count(*) n FROM cadres_developmentrecord WHERE "
    "admitted_on >= make_date(%(y)s, 1, 1) AND admitted_on < make_date(%(y)s + 1, 1, 1) GROUP BY 1",
    "posts": "SELECT unit_id u, count(*) n FROM cadres_cadrepost WHERE ended_on IS NULL GROUP BY 1",
    "reserves": "SELECT unit_id u, count(*) n FROM cadres_reservecadre WHERE stage IN ('in_reserve', 'trained') "
    "GROUP BY 1",
    "trained": "SELECT p.unit_id u, count(DISTINCT a.person_id) n FROM cadres_trainingattendance a JOIN "
    "cadres_trainingsession s ON s.id = a.session_id JOIN cadres_person p ON p.id = a.person_id WHERE "
    "extract(year FROM s.starts_on) = %(y)s GROUP BY 1",
    "clues": "SELECT grid_id u, count(*) n FROM grid_woodpecker_clue WHERE extract(year FROM submitted_at) = %(y)s "
    "GROUP BY 1",
    "closed": "SELECT grid_id u, count(*) n FROM grid_woodpecker_clue WHERE status='closed' AND "
    "extract(year FROM submitted_at) = %(y)s GROUP BY 1",
    "woodpeckers": "SELECT grid_id u, count(*) n FROM grid_woodpecker_woodpecker WHERE status='active' GROUP BY 1",
    "income": "SELECT village_id u, sum(total_income) n FROM collective_economy_incomereport WHERE status='approved' "
    "AND year = %(y)s GROUP BY 1",
    "income_over": "SELECT village_id u, count(*) n FROM collective_economy_incomereport WHERE status='approved' "
    "AND year = %(y)s AND total_income >= 200000 GROUP BY 1",
}
ROLL = (
    "SELECT substr(t.path, 1, 11 * k) AS prefix, sum(leaf.n) FROM ({leaf}) leaf JOIN organizations_organizationunit t "
    "ON t.id = leaf.u CROSS JOIN LATERAL generate_series(1, t.depth + 1) k GROUP BY 1"
)


def goal2(places):
    from goals.models import RollupValue
    from goals.tasks import recompute_year

    def hand():
        for leaf in LEAF.values():
            sql(ROLL.format(leaf=leaf), {"y": YEAR})

    base = median_seconds(hand, repeat=1)
    with Worker():
        start = time.perf_counter()
        recompute_year.delay(YEAR).get(timeout=3600)
        figure = time.perf_counter() - start
    rows = RollupValue.objects.filter(year=YEAR).count()
    return [
        Result(
            "2",
            f"full roll-up of {YEAR}, Celery task on one worker ({rows:,} figures)",
            figure,
            "s",
            f"hand SQL GROUP BY of the {len(LEAF)} record tables, rolled up by path",
            base,
            "≤ 1.5× and < 45 s",
            figure <= 1.5 * base and figure < 45,
        )
    ]


def goal3(places):
    from collective_economy.models import IncomeReport
    from collective_economy.services import income_report_correct
    from goals.models import RollupValue
    from goals.tasks import recompute_chain
    from organizations.models import OrganizationUnit as U

    report = IncomeReport.objects.get(village=places.village, year=YEAR, status="approved")
    chain = list(U.objects.ancestors_of(places.village, include_self=True))
    tops = [u for u in chain if RollupValue.objects.filter(unit=u, year=YEAR).exists()]
    top = tops[0] if tops else places.county
    chain_sql = (
        "SELECT indicator, sum(numerator), sum(denominator) FROM goals_rollupvalue WHERE year = %s AND unit_id IN "
        "(SELECT id FROM organizations_organizationunit WHERE parent_id = %s) AND indicator IN %s GROUP BY 1"
    )
    income = ("villages_income_over_200k", "villages_income_over_100k", "reward_paid")  # the source's indicators
    base = median_seconds(lambda: [sql(chain_sql, [YEAR, u.pk, income]) for u in reversed(chain[:-1])])
    with Worker():
        start_db = sql("SELECT now()")[0][0]
        start = time.perf_counter()
        with transaction.atomic():
            income_report_correct(
                report=report,
                actor=places.top,
                reason="基准测试更正",
                total_income=report.total_income + 1,
                operating_income=report.operating_income,
            )
        figure = None
        for _ in range(1200):
            if RollupValue.objects.filter(unit=top, year=YEAR, computed_at__gte=start_db).exists():
                figure = time.perf_counter() - start
                break
            time.sleep(0.05)
        # The task alone, on the same worker (with the broker's and the result backend's round trip)…
        start = time.perf_counter()
        recompute_chain.delay(places.village.pk, YEAR, "collective_economy").get(timeout=600)
        queued = time.perf_counter() - start
    # …and its body (what the worker runs, the same code) in this process: the figure set beside the SQL.
    task = median_seconds(lambda: recompute_chain.apply((places.village.pk, YEAR, "collective_economy")).get())
    return [
        Result(
            "3",
            f"incremental roll-up: the task recompute_chain for one village, its body as the worker runs it (through "
            f"the worker with the broker's round trip: {queued:.3f} s; end to end from the approval to "
            f"{top.name}'s figures: {figure or 0:.3f} s)",
            task,
            "s",
            "summing the chain from stored children's figures in SQL",
            base,
            "task ≤ 3×; < 1 s end to end",
            figure is not None and figure < 1 and task <= 3 * base,
            note=f"chain of {len(chain)} units",
        )
    ]


class QueryCounter:
    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql_, params, many, context):
        self.queries.append(sql_)
        return execute(sql_, params, many, context)


def goal4(places):
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, reset_queries
    from django.urls import reverse

    # The queries of a request are counted across it: keep its log and connection (as Django's test runner does).
    request_started.disconnect(reset_queries)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)

    rows = []
    for label, user, unit in (
        ("province", places.top, places.province),
        ("prefecture", places.pref_user, places.prefecture),
        ("township", places.town_user, places.township),
    ):
        client = Client()
        client.force_login(user)
        for kind, url in (
            ("page", reverse("goals:dashboard", args=[unit.pk])),
            ("API", f"/api/v1/goals/dashboard/{unit.pk}/"),
        ):
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                response = client.get(url, {"year": YEAR})
            queries = counter.queries
            samples = []
            for _ in range(20):
                start = time.perf_counter()
                client.get(url, {"year": YEAR})
                samples.append(time.perf_counter() - start)
            p95 = sorted(samples)[18] * 1000
            rows.append(
                Result(
                    "4",
                    f"dashboard {kind} of the {label}: p95 of 20, {len(queries)} queries, "
                    f"HTTP {response.status_code}, {len(response.content):,} bytes",
                    p95,
                    "ms",
                    goal="p95 < 150 ms; queries constant",
                    met=p95 < 150 and response.status_code == 200,
                )
            )
    return rows


def load(port, requests, clients=20, seconds=10.0, limit=20_000):
    """`clients` threads, each on its own keep-alive connection, sending requests from `requests(i)` (method, path,
    headers, body) for `seconds` or `limit` requests in all. Returns (ok, errors, requests/s, p95 ms)."""
    lock, latencies, errors, sent = threading.Lock(), [], [0], [0]
    deadline = time.perf_counter() + seconds

    def client(index):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        n = 0
        while time.perf_counter() < deadline:
            with lock:
                if sent[0] >= limit:
                    return
                sent[0] += 1
            method, path, headers, body = requests(index, n)
            n += 1
            start = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                good = response.status < 400
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                good = False
            with lock:
                (latencies.append(time.perf_counter() - start) if good else None)
                errors[0] += 0 if good else 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    elapsed = time.perf_counter() - start
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000 if latencies else None
    return len(latencies), errors[0], len(latencies) / elapsed, p95


class Gunicorn(Server):
    """gunicorn with 2 sync workers serving bench/wsgi.py on 127.0.0.1."""

    name = "gunicorn"

    def __init__(self, port):
        self.port = port

    def command(self):
        bind, path = f"127.0.0.1:{self.port}", str(ROOT / "bench")
        return [sys.executable, "-m", "gunicorn", "-w", "2", "-b", bind, "--pythonpath", path, "--timeout", "120"] + [
            "wsgi:application"
        ]

    def ready(self):
        try:
            http.client.HTTPConnection("127.0.0.1", self.port, timeout=1).request("GET", "/raw/clues?path=x")
        except OSError:
            return False
        return True


def goal5(places, port):
    token = {"Authorization": f"Token {token_for(places.county_user)}"}
    cases = (
        ("members of the county, page of 100", "/api/v1/cadres/members/?page_size=100", "/raw/members"),
        ("clues of the county, one page", "/api/v1/grid_woodpecker/clues/", "/raw/clues"),
    )
    rows = []
    with Gunicorn(port):
        for label, api, raw in cases:
            load(port, lambda i, n, a=api: ("GET", a, token, None), seconds=2)  # warm both workers
            ok, errors, rps, p95 = load(port, lambda i, n, a=api: ("GET", a, token, None))
            rok, rerrors, rrps, rp95 = load(
                port, lambda i, n, r=raw: ("GET", f"{r}?path={places.county.path}", {}, None)
            )
            rows.append(
                Result(
                    "5",
                    f"API {label}, 20 clients: {ok:,} requests, {errors} errors, p95 {p95 or 0:.0f} ms "
                    f"(raw: p95 {rp95 or 0:.0f} ms)",
                    rps,
                    "req/s",
                    "raw-SQL JSON view, same server",
                    rrps,
                    "≥ 0.5× its req/s; p95 < 100 ms",
                    bool(rrps) and rps >= 0.5 * rrps and (p95 or 1e9) < 100 and errors == 0,
                )
            )
    return rows


def goal6(places, port):
    from accounts.models import User
    from accounts.roles import Role
    from grid_woodpecker.models import ClueCategory, Woodpecker

    woodpeckers = list(Woodpecker.objects.filter(grid__path__startswith=places.county.path, user__isnull=True)[:400])
    tokens = []
    for wp in woodpeckers:
        user = user_at(f"bench_wp_{wp.pk}", Role.WOODPECKER, wp.grid)
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        Woodpecker.objects.filter(pk=wp.pk).update(user=user)
        tokens.append(token_for(user))
    category = ClueCategory.objects.filter(unit=places.county).first().pk
    body = json.dumps({"category": category, "description": "路灯损坏，夜间出行不便（基准测试）"})

    def request(i, n):
        key = tokens[(i + 20 * n) % len(tokens)]  # every woodpecker files at most 5 in 10 minutes (its throttle)
        return (
            "POST",
            "/api/v1/grid_woodpecker/clues/",
            {"Authorization": f"Token {key}", "Content-Type": "application/json"},
            body,
        )

    with Gunicorn(port):
        ok, errors, rps, p95 = load(port, request, seconds=15, limit=5 * len(tokens))
    return [
        Result(
            "6",
            f"clue intake through the API, 20 clients, {len(tokens)} woodpeckers: {ok:,} filed, {errors} "
            f"errors, p95 {p95 or 0:.0f} ms",
            rps,
            "clues/s",
            goal="≥ 100 clues/s, zero errors",
            met=rps >= 100 and errors == 0,
        )
    ]


# The loaded tree is created again under province code 71 (no province of the bench's), its rows' codes rewritten
# "71" + code[2:]: every code keeps its level's length and its parent's prefix, so the kind and code rules hold.
FRESH = "71"


def fresh(code: str) -> str:
    return FRESH + code[2:]


def tree_rows(places):
    """The loaded tree (its units and grids) as units_bulk_create rows under fresh codes (`fresh`)."""
    from organizations.models import OrganizationUnit as U

    units = (
        U.objects.filter(path__startswith=places.province.path)
        .order_by("path")
        .values_list("code", "name", "kind", "parent__code")
    )
    rows = []
    for code, name, kind, parent in units:
        row = {"code": fresh(code), "name": name, "kind": kind}
        if parent:
            row["parent_code"] = fresh(parent)
        rows.append(row)
    return rows


def copy_baseline(lines: list[str], columns: str) -> float:
    """Seconds to COPY the tab-separated `lines` into a bare temporary table (rolled back)."""
    import io

    buffer = "".join(lines)
    with transaction.atomic():
        sql(f"CREATE TEMP TABLE bench_copy ({columns})")
        start = time.perf_counter()
        with connection.cursor() as cur:
            cur.cursor.copy_expert("COPY bench_copy FROM STDIN", io.StringIO(buffer))
        seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    return seconds


def goal7(places):
    from accounts.permissions import SYSTEM
    from organizations.services import units_bulk_create

    rows = tree_rows(places)
    base = copy_baseline(
        [f"{r['code']}\t{r['name']}\t{r['kind']}\t{r.get('parent_code', '')}\n" for r in rows],
        "code varchar(32), name varchar(100), kind varchar(20), parent varchar(32)",
    )
    with transaction.atomic():
        start = time.perf_counter()
        units_bulk_create(rows=rows, actor=SYSTEM)
        figure = time.perf_counter() - start
        transaction.set_rollback(True)
    return [
        Result(
            "7",
            f"tree creation through units_bulk_create ({len(rows):,} units with their party organizations and audit "
            f"rows, under fresh codes {FRESH}…, rolled back)",
            figure,
            "s",
            "raw COPY of the same rows",
            base,
            "≤ 20×",
            figure <= 20 * base,
        )
    ]


def division_list(places) -> bytes:
    """The national division list of the loaded province as a statistical list prints it (统计用区划代码 padded
    to 12 digits, 名称 as the list gives it: 村委会, 居委会), its codes moved under `FRESH`, as CSV."""
    from organizations import divisions

    lines = ["统计用区划代码,名称"]
    for level in divisions.ORDER:
        for row in divisions.read(level, places.province.code):
            lines.append(f'{fresh(row["code"]).ljust(12, "0")},"{row["name"]}"')
    return ("\n".join(lines) + "\n").encode("utf-8")


def goal7b(places):
    """Issue 12: the unit import (core.sheets) loads the province's national division list — upload, dry run and
    write of every row — beside COPY of the same rows."""
    import tracemalloc

    from accounts.models import User
    from core import imports as uploads
    from core.models import ImportJob
    from core.sheets import jobs
    from organizations.models import OrganizationUnit as U

    content = division_list(places)
    lines = content.decode().splitlines()[1:]
    base = copy_baseline([line.replace(",", "\t", 1) + "\n" for line in lines], "code varchar(12), name text")
    with transaction.atomic():
        admin = User.objects.create_superuser(username="bench_division_admin", password=None)
        tracemalloc.start()
        start = time.perf_counter()
        job = jobs.job_create(actor=admin, kind="units", name="division-list.csv", content=content)
        job = jobs.parse(job.pk)
        checked = time.perf_counter() - start
        if job.status == ImportJob.Status.READY:
            job = jobs.confirm(job.pk)
        figure = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        villages = U.objects.filter(code__startswith=FRESH, kind__in=("village", "community")).count()
        uploads.discard(user=admin, kind="units", token=job.token)
        transaction.set_rollback(True)
    done = job.status == ImportJob.Status.DONE
    return [
        Result(
            "7b",
            f"unit import of the national division list ({len(lines):,} rows, {villages:,} villages and communities "
            f"created; job {job.status}: {job.counts}; dry run {checked:.1f} s; Python peak {peak:.0f} MB; rolled "
            f"back)" + ("" if done else f" {job.error_summary} {job.errors[:2]}"),
            figure,
            "s",
            "raw COPY of the same rows",
            base,
            "issue 12: the engine loads the list",
            done,
        )
    ]


def run_all(args, dist) -> list[Result]:
    places = Places()
    steps = {
        "1": lambda: goal1(places),
        "2": lambda: goal2(places),
        "3": lambda: goal3(places),
        "4": lambda: goal4(places),
        "5": lambda: goal5(places, args.port),
        "6": lambda: goal6(places, args.port),
        "7": lambda: goal7(places),
        "8": lambda: goal7b(places),
    }
    results = []
    for number, step in steps.items():
        if number not in args.only:
            continue
        try:
            results.extend(step())
        except Exception as error:  # a failed benchmark is recorded as such, the others still run
            traceback.print_exc()
            results.append(Result(number, f"failed: {type(error).__name__}: {error}"[:200], None, ""))
        print(results[-1].markdown(), flush=True)
    return results
