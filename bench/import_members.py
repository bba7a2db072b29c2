#!/usr/bin/env python
"""48,000 member rows from .xlsx through the import engine (core.sheets): upload → check (dry run) → confirm,
timed and measured for peak memory, beside a raw `COPY` of the same rows in the same run.

The county: 1 city, 10 townships, 20 villages each; the importer holds the organization department's role at the
city (the real permission path, not a superuser). The sheet is the portal's member template (姓名, 身份证号码,
手机号码, 单位编码, 党员类别, 入党日期) with valid, distinct ID numbers. The import runs in a child process (as a worker
would), so its peak RSS is the engine's own, not the sheet generator's; the roll-ups it queues after commit go to
the broker (not run here: a worker runs them).

Usage: python bench/import_members.py [--rows N]   (DATABASE_URL names the server; the database used is
<name>_bench_import, dropped and created by this script). Prints a Markdown table for bench/RESULTS.md.
"""

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import owndb  # noqa: E402 -- bench/owndb.py, beside this script (its folder is on sys.path)

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def parse():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=48_000)
    parser.add_argument("--child", help=argparse.SUPPRESS)  # internal: run the import on this sheet
    return parser.parse_args()


def database_url() -> str:
    return owndb.database_url("_bench_import")


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["REDIS_URL"] = ""  # the in-memory broker: queued roll-ups are not run in this process
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    import django

    django.setup()
    from dangjian.celery import app

    app.conf.task_always_eager = False


def id_number(i: int) -> str:
    birth = f"{1950 + i % 50}{1 + i % 12:02d}{1 + i % 28:02d}"
    first17 = f"{420100 + i // 1000 % 90:06d}{birth}{i % 1000:03d}"
    check = "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]
    return first17 + check


def rows(n: int):
    for i in range(n):
        yield (
            f"党员{i}", id_number(i), f"139{i:08d}", f"BV{i % 10:02d}{i // 10 % 20:02d}0001",
            "正式党员" if i % 7 else "预备党员", f"{1960 + i % 64}-{1 + i % 12:02d}-01",
        )  # fmt: skip


def build(url: str, n: int, sheet_path: Path) -> float:
    """The database, the county, the importer, the sheet; returns the COPY baseline's seconds."""
    import openpyxl

    owndb.recreate_database(url)
    django_setup(url)
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import RoleAssignment, User
    from accounts.permissions import SYSTEM
    from accounts.roles import Role
    from organizations.models import OrganizationUnit
    from organizations.services import units_bulk_create

    call_command("migrate", verbosity=0)
    units = [{"name": "基准市", "code": "BCITY0001", "kind": "city"}]
    for t in range(10):
        units.append({"name": f"镇{t}", "code": f"BT{t:02d}00001", "kind": "township", "parent_code": "BCITY0001"})
        for v in range(20):
            code = f"BV{t:02d}{v:02d}0001"
            units.append({"name": f"村{t}-{v}", "code": code, "kind": "village", "parent_code": f"BT{t:02d}00001"})
    units_bulk_create(rows=units, actor=SYSTEM)
    user = User.objects.create_user("bench_importer", password="x")
    RoleAssignment.objects.create(
        user=user, role=Role.ORG_DEPARTMENT, unit=OrganizationUnit.objects.get(code="BCITY0001")
    )

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("党员信息")
    sheet.append(["姓名", "身份证号码", "手机号码", "单位编码", "党员类别", "入党日期"])
    for row in rows(n):
        sheet.append(list(row))
    book.save(sheet_path)

    with connection.cursor() as cur:
        cur.execute(
            "CREATE TABLE bench_copy (name varchar(50), id_number varchar(18), mobile varchar(11),"
            " unit_code varchar(32), status varchar(16), joined_on date)"
        )
        buffer = io.StringIO("".join("\t".join(r) + "\n" for r in rows(n)))
        start = time.perf_counter()
        cur.copy_expert("COPY bench_copy FROM STDIN", buffer)
        return time.perf_counter() - start


def child(url: str, sheet_path: str) -> None:
    """Upload → check → confirm through core.sheets.jobs, as the Celery tasks run them; prints JSON."""
    django_setup(url)
    from accounts.models import User
    from cadres.models import PartyMember
    from core.sheets import jobs

    user = User.objects.get(username="bench_importer")
    content = Path(sheet_path).read_bytes()
    start = time.perf_counter()
    job = jobs.job_create(actor=user, kind="members", name="members.xlsx", content=content)
    job = jobs.parse(job.pk)
    checked = time.perf_counter()
    job = jobs.confirm(job.pk)
    done = time.perf_counter()
    assert job.status == "done", (job.status, job.error_summary, job.errors[:3])
    print(json.dumps({
        "check": checked - start, "write": done - checked, "total": done - start, "counts": job.counts,
        "members": PartyMember.objects.count(), "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))  # fmt: skip


def main():
    args = parse()
    url = database_url()
    if args.child:
        if os.environ.get("BENCH_PROFILE"):  # where the time goes: python bench/import_members.py, then read it
            import cProfile

            cProfile.runctx("child(url, args.child)", globals(), locals(), os.environ["BENCH_PROFILE"])
        else:
            child(url, args.child)
        return
    sheet_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-members-{args.rows}.xlsx"
    copy_seconds = build(url, args.rows, sheet_path)
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": ""}
    out = subprocess.run(
        [sys.executable, __file__, "--rows", str(args.rows), "--child", str(sheet_path)],
        check=True, capture_output=True, text=True, env=env, cwd=ROOT,
    )  # fmt: skip
    result = json.loads(out.stdout.strip().splitlines()[-1])
    size_mb = sheet_path.stat().st_size / 1e6
    print(f"rows {args.rows}, sheet {size_mb:.1f} MB, members written {result['members']}, counts {result['counts']}")
    print("| measure | rows | seconds | baseline | baseline seconds | ratio |")
    print("| --- | ---: | ---: | --- | ---: | ---: |")
    print(
        f"| member sheet (.xlsx): upload + check + confirm | {args.rows} | {result['total']:.1f} "
        f"| raw COPY of the same rows | {copy_seconds:.2f} | {result['total'] / copy_seconds:.0f}× |"
    )
    print(f"| — of which the check (dry run) | {args.rows} | {result['check']:.1f} | | | |")
    print(f"| — of which the confirmed write | {args.rows} | {result['write']:.1f} | | | |")
    print(f"peak RSS of the import process: {result['peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
