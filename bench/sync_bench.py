#!/usr/bin/env python
"""Issue 15's sync benchmark: 100,000 changed party members read through `updated_since` pages, beside a raw SQL
export of the same rows and columns in the same run.

Data: the county tree of bench/generate.py (Shishou, 203 villages, their grids and party organizations) loaded with
COPY by its Generator, whose member builder runs over the villages again until `--members` members exist (people
and development records come with them as in the province load); then every member's `updated_at` is set after a
cutoff (one UPDATE; seven members share each second, so the keyset's tie-break on `id` is exercised).

Sync: the county's organization-department user, authenticated by its API token, reads
`GET /api/v1/cadres/members/?updated_since=<cutoff>&page_size=500` (500: core/api/pagination.py MAX_PAGE_SIZE)
through DRF's in-process APIClient (the whole Django stack — middleware, authentication, throttling, scoping,
serialization, JSON rendering — without a socket), following `next` until it is null: rows, seconds, rows/s, the
query count of every page (it must not change) and the median time of the first and the last five pages (a keyset:
deep pages no slower).

Baselines, same run, same rows (the scope's two path conditions and the cutoff, ordered by (updated_at, id)) and the
same columns (the member's, its person's masked brief and the three unit codes): (1) `COPY (SELECT …) TO STDOUT`
as CSV; (2) the same SELECT fetched in Python and dumped as JSON (the floor for any Python JSON API).

Profile: cProfile of five pages (`--profile` prints the top of it; the summary goes in RESULTS.md by hand).

Usage: python bench/sync_bench.py [--members 100000] [--reuse] [--out bench/RESULTS.md] [--profile]
(DATABASE_URL names the server; the database used is <name>_bench_sync, dropped, migrated and loaded unless
--reuse). Prints the Markdown section; with --out appends it there.
"""

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import owndb  # noqa: E402 -- bench/owndb.py, beside this script (its folder is on sys.path)

sys.path.insert(0, str(ROOT / "bench"))
CUTOFF = datetime(2026, 3, 1, tzinfo=UTC)
PAGE_SIZE = 500  # core.api.pagination.MAX_PAGE_SIZE
EDGE = 5  # pages compared at the start and the end of the walk


def parse():
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep the loaded database")
    parser.add_argument("--out", default=None)
    parser.add_argument("--profile", action="store_true", help="print the top of a cProfile of five pages")
    return parser.parse_args()


def database_url() -> str:
    return owndb.database_url("_bench_sync")


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["REDIS_URL"] = ""
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-deployment-7d1e0c3b9a5f4286")
    os.environ.setdefault("FIELD_ENCRYPTION_KEY", "bench-only-field-key-not-for-any-deployment-2b8c6e1f0a9d4375")
    os.environ["THROTTLE_USER"] = "100000/minute"  # a sync of 200 pages is one client's burst
    os.environ["THROTTLE_CLIENT"] = "100000/minute"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    os.environ.pop("DEBUG", None)
    import django

    django.setup()


# --- data ---------------------------------------------------------------------------------------------------------


def build(members: int) -> dict:
    """The county tree and `members` members through bench/generate.py's builders (COPY), all changed after CUTOFF."""
    import divisions
    import generate
    from django.db import connection

    from accounts.models import User

    start = time.perf_counter()
    user, _ = User.objects.get_or_create(username="bench_reporter")
    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM organizations_organizationunit")
        first_id = cur.fetchone()[0]
    tree = divisions.load(divisions.DEFAULT_DIST, "county", first_id)
    generator = generate.Generator(tree, user.pk)
    with connection.cursor() as cur:
        cur.execute("SET session_replication_role = replica")  # consistent by construction, as generate() does
    generator.units()
    generator.t["unit"].flush()
    generator.t["party_org"].flush()
    villages = tree.of_kind("village", "community")
    made = 0
    while made < members:
        for village in villages:
            made += len(generator.members(village, villages))
            if made >= members:
                break
    counts = {key: copier.finish() for key, copier in generator.t.items() if copier.count or copier.pending}
    with connection.cursor() as cur:
        cur.execute("SET session_replication_role = DEFAULT")
        # Trim to the exact figure (the builder adds a village's members at a time), then the change: every member
        # updated after the cutoff, seven to a second.
        cur.execute(
            "DELETE FROM cadres_partymember WHERE id > (SELECT id FROM cadres_partymember ORDER BY id"
            " OFFSET %s LIMIT 1)",
            [members - 1],
        )
        cur.execute(
            "UPDATE cadres_partymember SET updated_at = %s + (id / 7) * interval '1 second'", [CUTOFF]
        )  # fmt: skip
        cur.execute("VACUUM ANALYZE")
        cur.execute("SELECT count(*) FROM cadres_partymember")
        counts["member"] = cur.fetchone()[0]
    county = tree.of_kind("city", "district", "county")[0]
    return {"counts": counts, "seconds": time.perf_counter() - start, "county_code": county.code}


def county_user(code: str):
    from rest_framework.authtoken.models import Token

    from accounts.models import RoleAssignment, User
    from accounts.roles import Role
    from organizations.models import OrganizationUnit

    county = OrganizationUnit.objects.get(code=code)
    user, _ = User.objects.get_or_create(username="bench_sync_county", defaults={"display_name": "石首市 组织部"})
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    RoleAssignment.objects.get_or_create(user=user, role=Role.ORG_DEPARTMENT, unit=county)
    return county, Token.objects.get_or_create(user=user)[0].key


# --- the sync through the API ------------------------------------------------------------------------------------


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def first_url() -> str:
    from urllib.parse import urlencode

    return "/api/v1/cadres/members/?" + urlencode({"updated_since": CUTOFF.isoformat(), "page_size": PAGE_SIZE})


def walk(token: str, pages: int | None = None) -> dict:
    """Follow `next` from the first page (all of them, or `pages`): rows, ids seen, per-page time and queries."""
    from django.db import connection
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    url, rows, ids, times, queries, last_stamp = first_url(), 0, set(), [], [], ""
    start = time.perf_counter()
    while url and (pages is None or len(times) < pages):
        counter = QueryCounter()
        began = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = client.get(url)
            body = json.loads(response.content)
        times.append(time.perf_counter() - began)
        queries.append(counter.count)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code} {body}")
        results = body["results"]
        rows += len(results)
        ids.update(row["id"] for row in results)
        if results:
            last_stamp = max(last_stamp, results[-1]["updated_at"])
        nxt = body["next"]
        url = None if not nxt else "{0.path}?{0.query}".format(urlsplit(nxt))
    return {
        "rows": rows,
        "distinct": len(ids),
        "seconds": time.perf_counter() - start,
        "times": times,
        "queries": queries,
        "last_stamp": last_stamp,
    }


def profile(token: str, pages: int = 5) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    walk(token, pages)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("cumulative").print_stats(r"(accounts|cadres|core)/|fields.py|relations.py|json", 30)
    return out.getvalue()


# --- the baselines: the same rows and columns in raw SQL -------------------------------------------------------------

SELECT = """
SELECT m.id, p.id, p.name, p.gender, p.birth_date, p.id_number_masked, p.mobile_masked, p.education,
       m.unit_id, u.code, m.status, m.joined_on, m.full_on, m.is_floating, m.floating_location, fu.code,
       m.is_in_service, rc.code, m.without_post, m.is_household, m.household_building_id, m.created_at, m.updated_at
FROM cadres_partymember m
JOIN cadres_person p ON p.id = m.person_id
JOIN organizations_organizationunit u ON u.id = m.unit_id
LEFT JOIN organizations_organizationunit fu ON fu.id = m.floating_managing_unit_id
LEFT JOIN organizations_organizationunit rc ON rc.id = m.report_community_id
WHERE (m.unit_path LIKE %(path)s OR m.floating_path LIKE %(path)s) AND m.updated_at >= %(since)s
ORDER BY m.updated_at, m.id
"""
COLUMNS = (
    "id person_id name gender birth_date id_number_masked mobile_masked education unit unit_code status joined_on "
    "full_on is_floating floating_location floating_managing_unit_code is_in_service report_community_code "
    "without_post is_household household_building created_at updated_at"
).split()


def copy_export(path: str) -> dict:
    from django.db import connection

    with connection.cursor() as cur:
        query = cur.mogrify(SELECT, {"path": path + "%", "since": CUTOFF})
        query = query.decode() if isinstance(query, bytes) else query
        out = io.StringIO()
        start = time.perf_counter()
        cur.cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", out)
        seconds = time.perf_counter() - start
    text = out.getvalue()
    return {"rows": text.count("\n"), "seconds": seconds, "mb": len(text.encode()) / 1e6}


def select_json(path: str) -> dict:
    from django.core.serializers.json import DjangoJSONEncoder
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(SELECT, {"path": path + "%", "since": CUTOFF})
        rows = cur.fetchall()
    text = json.dumps([dict(zip(COLUMNS, row, strict=True)) for row in rows], cls=DjangoJSONEncoder)
    return {"rows": len(rows), "seconds": time.perf_counter() - start, "mb": len(text.encode()) / 1e6}


# --- the report ----------------------------------------------------------------------------------------------------


def machine() -> str:
    from django.db import connection

    command = ["git", "rev-parse", "--short", "HEAD"]
    revision = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    load = os.getloadavg()[0]
    return (
        f"machine: {platform.node()} · {os.cpu_count()} cores · {platform.platform()} · PostgreSQL "
        f"{connection.pg_version // 10000} · Python {platform.python_version()} · load average {load:.1f} · "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · git {revision.stdout.strip()}"
    )


def report(built: dict | None, sync: dict, copy: dict, dumped: dict, members: int) -> str:
    ms = [t * 1000 for t in sync["times"]]
    first, last = statistics.median(ms[:EDGE]), statistics.median(ms[-EDGE - 1 : -1] or ms[-EDGE:])
    flat = len(set(sync["queries"])) == 1
    rate = sync["rows"] / sync["seconds"]
    complete = sync["rows"] == members == sync["distinct"]
    lines = [
        f"## Incremental sync: {members:,} changed members through `updated_since` (issue 15, "
        f"{datetime.now(UTC):%Y-%m-%d})",
        "",
        machine(),
        "",
        "Command: `python bench/sync_bench.py` (its own database `<name>_bench_sync`: the county tree and members of "
        "bench/generate.py loaded by COPY, every member's `updated_at` set after the cutoff). The client is DRF's "
        "in-process `APIClient` with the county organization department's token (the whole Django stack, no socket), "
        f"`page_size={PAGE_SIZE}` (the maximum), following `next` until null.",
        "",
    ]
    if built:
        c = built["counts"]
        lines += [
            f"Built in {built['seconds']:.0f} s: {c.get('unit', 0):,} units, {c.get('person', 0):,} people, "
            f"{c['member']:,} members, {c.get('development', 0):,} development records.",
            "",
        ]
    lines += [
        "| measure | figure | baseline | baseline figure | ratio |",
        "| --- | ---: | --- | ---: | ---: |",
        f"| sync: {sync['rows']:,} rows ({sync['distinct']:,} distinct ids; every member "
        f"{'once' if complete else '**not** once'}) in {len(ms)} pages, {sync['seconds']:.1f} s | {rate:,.0f} rows/s "
        f"| `COPY (SELECT …) TO STDOUT` CSV of the same rows and columns ({copy['rows']:,} rows, {copy['mb']:.1f} MB,"
        f" {copy['seconds']:.2f} s) | {copy['rows'] / copy['seconds']:,.0f} rows/s "
        f"| {copy['rows'] / copy['seconds'] / rate:.0f}× |",
        f"| the same sync | {rate:,.0f} rows/s | the same SELECT fetched in Python and dumped as JSON "
        f"({dumped['rows']:,} rows, {dumped['mb']:.1f} MB, {dumped['seconds']:.2f} s) "
        f"| {dumped['rows'] / dumped['seconds']:,.0f} rows/s | {dumped['rows'] / dumped['seconds'] / rate:.1f}× |",
        f"| page time, first {EDGE} pages (median) | {first:.0f} ms | last {EDGE} full pages (median) | {last:.0f} ms "
        f"| {last / first:.2f}× |",
        f"| queries per page | {'/'.join(map(str, sorted(set(sync['queries']))))} "
        f"({'flat' if flat else '**not flat**'}) | | | |",
        "",
        f"Page time over the walk: median {statistics.median(ms):.0f} ms, p95 "
        f"{sorted(ms)[round(0.95 * (len(ms) - 1))]:.0f} ms, max {max(ms):.0f} ms; the largest `updated_at` seen "
        f"(the client's next `updated_since`): {sync['last_stamp']}.",
    ]
    return "\n".join(lines) + "\n"


def main():
    args = parse()
    url = database_url()
    if not args.reuse:
        owndb.recreate_database(url)
    django_setup(url)
    from django.core.management import call_command

    built = None
    if not args.reuse:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrated in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        built = build(args.members)
        print(f"built in {built['seconds']:.0f} s: {built['counts']}", file=sys.stderr)
    from organizations.models import OrganizationUnit

    code = built["county_code"] if built else OrganizationUnit.objects.filter(kind="city").first().code
    county, token = county_user(code)
    copy = copy_export(county.path)  # warms PostgreSQL's cache for both sides alike
    walk(token, pages=1)  # and the first request's imports and URL resolver
    sync = walk(token)
    copy = copy_export(county.path)
    dumped = select_json(county.path)
    print(f"sync {sync['rows']} rows in {sync['seconds']:.1f} s", file=sys.stderr)
    if args.profile:
        print(profile(token), file=sys.stderr)
    text = report(built, sync, copy, dumped, args.members)
    print(text)
    if args.out:
        with open(args.out, "a", encoding="utf-8") as handle:
            handle.write("\n" + text)


if __name__ == "__main__":
    main()
