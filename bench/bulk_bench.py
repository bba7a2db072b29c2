"""Issue 15's bulk exchange: `POST /api/v1/bulk/income/` of many rows, in its own database `<name>_bench_bulk`.

A city, a township, `--rows / 5` villages under it, each with five years of income to record; the importer holds
the township staff role there (the real permission path). Times, with the queries counted, in one run:
- the dry run (`core.sheets.bulk.run(dry_run=True)`: check and would-be counts);
- the import of all the rows through the engine (`income_reports_record_many`: the new approved versions in bulk);
- the former write, one `income_report_record_approved` call per row (what the importer did before), on the first
  `--old-rows` rows, rolled back — the baseline.

Usage: python bench/bulk_bench.py [--rows 5000] [--old-rows 500]   (DATABASE_URL names the server). Prints Markdown.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import owndb  # noqa: E402 -- bench/owndb.py, beside this script (its folder is on sys.path)

YEARS = range(2020, 2025)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--old-rows", type=int, default=500)
    args = parser.parse_args()
    url = owndb.database_url("_bench_bulk")
    owndb.recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["REDIS_URL"] = ""  # the in-memory broker: roll-ups queued after commit are not run here
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from accounts.models import RoleAssignment, User
    from accounts.permissions import SYSTEM
    from accounts.roles import Role
    from collective_economy import services
    from core.sheets import bulk, jobs
    from organizations.models import OrganizationUnit
    from organizations.services import units_bulk_create

    call_command("migrate", verbosity=0)
    villages = max(1, args.rows // len(YEARS))
    units_bulk_create(
        rows=[
            {"name": "测试市", "code": "BCITY0001", "kind": "city"},
            {"name": "测试镇", "code": "BTOWN0001", "kind": "township", "parent_code": "BCITY0001"},
            *(
                {"name": f"测试村{i}", "code": f"BV{i:07d}", "kind": "village", "parent_code": "BTOWN0001"}
                for i in range(villages)
            ),
        ],
        actor=SYSTEM,
    )
    actor = User.objects.create_user(username="bench_staff", password="x" * 12, display_name="bench")
    township = OrganizationUnit.objects.get(code="BTOWN0001")
    RoleAssignment.objects.create(user=actor, role=Role.TOWNSHIP_STAFF, unit=township)
    rows = [
        {
            "village_code": f"BV{i:07d}",
            "year": year,
            "total_income": "210000.50",
            "operating_income": "150000",
            "income_sources": "光伏发电",
            "development_model": "industry",
            "assets": "1000",
            "debt": "0",
        }
        for i in range(villages)
        for year in YEARS
    ]
    results = []

    def timed(label, n, call):
        actor.__dict__.pop("_scope_paths_cache", None)
        actor.__dict__.pop("_held_paths", None)
        queries = [0]

        def count(execute, sql, params, many, context):
            queries[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            start = time.perf_counter()
            call()
            seconds = time.perf_counter() - start
        results.append((label, n, seconds, queries[0]))

    class Rollback(Exception):
        pass

    def old_way():
        importer = bulk.importer_for("income", actor)
        try:
            with transaction.atomic():
                table, _codes = bulk.table_from_rows(importer.spec, rows[: args.old_rows], {})
                jobs.check(importer, table, actor=actor, options={})
                assert not any(row.errors for row in table.rows)
                for row in table.rows:
                    services.income_report_record_approved(
                        village=row.values["village"],
                        year=int(row.values["year"]),
                        actor=actor,
                        reason="bench",
                        **importer._figures(row.values),
                    )
                raise Rollback
        except Rollback:
            pass

    def run(dry_run):
        def call():
            importer = bulk.importer_for("income", actor)
            outcome = bulk.run(
                importer=importer, rows=rows, params={}, actor=actor, dry_run=dry_run, confirm_warnings=True
            )
            assert not outcome.refusal and outcome.counts["created"] == len(rows), outcome.as_dict()["counts"]

        return call

    timed("former write: one `income_report_record_approved` per row (rolled back)", args.old_rows, old_way)
    timed("dry run (check and would-be counts)", len(rows), run(True))
    timed("import through the engine (`income_reports_record_many`)", len(rows), run(False))
    print("| what | rows | seconds | rows/s | queries |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, n, seconds, count in results:
        print(f"| {label} | {n:,} | {seconds:.2f} | {n / seconds:,.0f} | {count:,} |")


if __name__ == "__main__":
    main()
