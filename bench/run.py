#!/usr/bin/env python
"""Province-scale benchmarks of the organization tree, reported as ratios against baselines measured in the
same run on the same PostgreSQL server.

Builds a province of CITIES county-level cities (15 townships each, 12 villages per township, 6 grids per
village) — 178,640 units with the default 140 cities, about the number of grassroots party
organizations in Hubei — in its own database, then measures:

- bulk creation through `units_bulk_create` (validation, paths, party organizations, audit) vs raw `COPY` of
  the same number of rows into a bare table;
- "everything under township X" through the scoping path vs the same row count fetched by an indexed id range;
- moving a township subtree (`unit_move`) vs a plain `UPDATE` of the same number of rows by id range.

Usage: python bench/run.py [--cities N] [--repeat R]   (DATABASE_URL names the server; the database used is
<name>_bench, dropped and created by this script).
"""

import argparse
import io
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def parse():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cities", type=int, default=140)
    parser.add_argument("--repeat", type=int, default=5)
    return parser.parse_args()


def setup_database():
    import environ

    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dangjian")
    config = environ.Env.db_url_config(url)
    bench_name = f"{config['NAME']}_bench"
    import psycopg2

    admin = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        host=config["HOST"],
        port=config["PORT"] or 5432,
        password=config.get("PASSWORD") or None,
    )
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{bench_name}"')
        cur.execute(f'CREATE DATABASE "{bench_name}"')
    admin.close()
    os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + bench_name
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def province_rows(cities):
    rows = []
    for c in range(cities):
        city = f"BC{c:04d}"
        rows.append(dict(name=f"市{c}", code=city, kind="city"))
        for t in range(15):
            town = f"{city}T{t:02d}"
            rows.append(dict(name=f"镇{t}", code=town, kind="township", parent_code=city))
            for v in range(12):
                village = f"{town}V{v:02d}"
                rows.append(dict(name=f"村{v}", code=village, kind="village", parent_code=town))
                for g in range(6):
                    rows.append(dict(name=f"组{g}", code=f"{village}G{g}", kind="grid", parent_code=village))
    return rows


def timed(fn, repeat=1):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main():
    args = parse()
    setup_database()
    from django.db import connection, transaction

    from accounts.models import RoleAssignment, User
    from accounts.permissions import SYSTEM
    from accounts.roles import Role
    from organizations.models import OrganizationUnit
    from organizations.services import unit_move, units_bulk_create

    rows = province_rows(args.cities)
    n = len(rows)
    results = []

    # Baseline 1: raw COPY of the same number of rows (code, name, kind, parent code) into a bare table.
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TABLE bench_copy (code varchar(32), name varchar(100), kind varchar(20), parent varchar(32))"
        )
        buffer = io.StringIO(
            "".join(f"{r['code']}\t{r['name']}\t{r['kind']}\t{r.get('parent_code', '')}\n" for r in rows)
        )
        start = time.perf_counter()
        cur.copy_expert("COPY bench_copy FROM STDIN", buffer)
        copy_seconds = time.perf_counter() - start

    start = time.perf_counter()
    with transaction.atomic():
        units_bulk_create(rows=rows, actor=SYSTEM)
    create_seconds = time.perf_counter() - start
    results.append(
        ("create the province tree (units_bulk_create)", n, create_seconds, "raw COPY of the same rows", copy_seconds)
    )

    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    mid = args.cities // 2
    township = OrganizationUnit.objects.get(code=f"BC{mid:04d}T07")
    user = User.objects.create_user("bench_staff", password="x")
    RoleAssignment.objects.create(user=user, role=Role.TOWNSHIP_STAFF, unit=township)
    size = OrganizationUnit.objects.subtree(township).count()
    lo = OrganizationUnit.objects.order_by("pk").values_list("pk", flat=True)[n // 2]

    def subtree_via_scope():
        fresh = User.objects.get(pk=user.pk)
        list(OrganizationUnit.objects.restrict(fresh).values_list("pk", "code"))

    def id_range_baseline():
        list(OrganizationUnit.objects.filter(pk__gte=lo, pk__lt=lo + size).values_list("pk", "code"))

    results.append(
        (
            f"township subtree through restrict() ({size} units)",
            size,
            timed(subtree_via_scope, args.repeat),
            "same row count by indexed id range",
            timed(id_range_baseline, args.repeat),
        )
    )

    city_root = OrganizationUnit.objects.get(code=f"BC{mid:04d}")
    deep_count = OrganizationUnit.objects.subtree(city_root).count()
    results.append(
        (
            f"city subtree count ({deep_count} units, depth 3)",
            deep_count,
            timed(lambda: OrganizationUnit.objects.subtree(city_root).count(), args.repeat),
            "count by indexed id range",
            timed(lambda: OrganizationUnit.objects.filter(pk__gte=lo, pk__lt=lo + deep_count).count(), args.repeat),
        )
    )

    target = OrganizationUnit.objects.get(code=f"BC{(mid + 1) % args.cities:04d}")

    def move():
        with transaction.atomic():
            unit_move(unit=OrganizationUnit.objects.get(code=f"BC{mid:04d}T07"), new_parent=target, actor=SYSTEM)
            transaction.set_rollback(True)

    def update_baseline():
        with transaction.atomic():
            OrganizationUnit.objects.filter(pk__gte=lo, pk__lt=lo + size).update(sort_order=1)
            transaction.set_rollback(True)

    results.append(
        (
            f"move a township subtree ({size} units)",
            size,
            timed(move, args.repeat),
            "UPDATE of the same rows by id range",
            timed(update_baseline, args.repeat),
        )
    )

    print(f"# Benchmark results ({datetime.now(UTC).date().isoformat()})")
    print(
        f"machine: {platform.node()} · {os.cpu_count()} cores · {platform.platform()} · PostgreSQL "
        f"{connection.pg_version // 10000} · Python {platform.python_version()}"
    )
    print(f"scale: {args.cities} cities, {n} units; timings are medians of {args.repeat} runs (creation: 1 run)\n")
    print("| measure | rows | seconds | baseline | baseline seconds | ratio |")
    print("| --- | ---: | ---: | --- | ---: | ---: |")
    for name, rows_n, seconds, baseline, base_seconds in results:
        print(
            f"| {name} | {rows_n} | {seconds:.4f} | {baseline} | {base_seconds:.4f} | {seconds / base_seconds:.1f}× |"
        )


if __name__ == "__main__":
    main()
