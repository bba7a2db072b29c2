#!/usr/bin/env python
"""The seven province-scale benchmarks of issue 11, each figure beside its baseline measured in the same run.

1. members under a prefecture and a township counted through restrict() — hand SQL on the path index;
2. full roll-up of one year through the Celery task on one real worker — hand SQL GROUP BY over the same rows;
3. incremental roll-up after one village income report is approved, real worker — summing the chain from the
   stored children's figures in SQL;
4. dashboard page and API of the province, a prefecture, a township: server time p95 and query count;
5. API list of 100 members of a county and one page of clues, 20 concurrent clients, gunicorn with 2 workers — a
   minimal raw-SQL JSON view in the same server (bench/wsgi.py);
6. concurrent clue intake through the API — clues/s and errors;
7. tree creation through units_bulk_create — raw COPY of the same rows.

Usage: python bench/run.py --scale county|prefecture|province [--dist DIR] [--db bench_p11] [--reuse]
       [--redis redis://127.0.0.1:6379/10] [--out bench/RESULTS.md]
The database (PostgreSQL at 127.0.0.1 as postgres) is dropped, created, migrated and loaded by bench/generate.py
unless --reuse. Servers bind to 127.0.0.1; every loop is bounded in count and time.
"""

import argparse
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
BENCH_YEAR = 2025


def parse():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=("county", "prefecture", "province"), default="county")
    parser.add_argument("--dist", default=None)
    parser.add_argument("--db", default="bench_p11")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/10")
    parser.add_argument("--reuse", action="store_true", help="keep the loaded database")
    parser.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    parser.add_argument("--port", type=int, default=8911)
    parser.add_argument("--only", default="12345678", help="goal numbers; 8 is 7b, the division list import")
    return parser.parse_args()


def environment(args):
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.db}"
    os.environ["REDIS_URL"] = args.redis
    os.environ["CELERY_QUEUE"] = f"bench_{args.db}"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-deployment-7d1e0c3b9a5f4286")
    os.environ.setdefault("FIELD_ENCRYPTION_KEY", "bench-only-field-key-not-for-any-deployment-2b8c6e1f0a9d4375")
    os.environ["THROTTLE_USER"] = "100000/minute"
    os.environ["THROTTLE_CLIENT"] = "100000/minute"
    os.environ["DJANGO_SETTINGS_MODULE"] = "dangjian.settings"
    os.environ.pop("DEBUG", None)


def recreate(db):
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", db], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", db], check=True)


def machine(connection) -> str:
    command = ["git", "rev-parse", "--short", "HEAD"]
    revision = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    return (
        f"machine: {platform.node()} · {os.cpu_count()} cores · {platform.platform()} · PostgreSQL "
        f"{connection.pg_version // 10000} · Python {platform.python_version()} · "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · git {revision.stdout.strip()}"
    )


def main():
    args = parse()
    environment(args)
    if not args.reuse:
        recreate(args.db)
    import django

    django.setup()
    import divisions
    import generate
    import goals_bench
    from django.core.management import call_command
    from django.db import connection

    dist = args.dist or divisions.DEFAULT_DIST
    lines = []
    if not args.reuse:
        call_command("migrate", verbosity=0)
        counts, seconds, _ = generate.generate(args.scale, dist)
        lines.append(f"load: {seconds:.0f} s by COPY — " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        print(lines[-1], flush=True)
        invalid = {k: v for k, v in generate.validate_sample().items() if v}
        lines.append(
            "sample of 200 rows per table through full_clean(): "
            + ("all pass" if not invalid else "; ".join(f"{k}: {len(v)} fail, e.g. {v[0]}" for k, v in invalid.items()))
        )
    results = goals_bench.run_all(args, dist)
    header = [f"## Scale `{args.scale}` ({datetime.now(UTC):%Y-%m-%d})", "", machine(connection), "", *lines, ""]
    table = [
        "| # | measure | figure | baseline | baseline figure | ratio | goal | met |",
        "| --- | --- | ---: | --- | ---: | ---: | --- | --- |",
    ]
    table += [row.markdown() for row in results]
    text = "\n".join([*header, *table, ""])
    print(text)
    with open(args.out, "a", encoding="utf-8") as handle:
        handle.write("\n" + text)


if __name__ == "__main__":
    main()
