#!/usr/bin/env python
"""An export of 1,000,000 member rows through the export writer (core.sheets.export), .xlsx and CSV, with its
peak memory: the goal is under 200 MB.

The rows come from a generator shaped like the member exporter's rows (人员编码, 姓名, 文化程度, 从业类型, 单位编码,
党员类别, 入党日期: text, choices written as labels, a date cell), fed to the same `write_xlsx` / `csv_chunks` the
export pages use (the pages feed them from `queryset.iterator(chunk_size=2000)`, which holds one chunk at a time).
Each format runs in its own child process, so each peak RSS is the writer's own (ru_maxrss of the child) beside
the Python heap's peak (tracemalloc, which slows the run: measured on a tenth of the rows, once).

Usage: python bench/export_stream.py [--rows N]. Prints a Markdown table for bench/RESULTS.md.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def parse():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--child", choices=["xlsx", "csv", "heap"], help=argparse.SUPPRESS)
    return parser.parse_args()


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()


def rows(n):
    start = date(1950, 1, 1)
    education = ("bachelor", "college", "high_school", "")
    for i in range(n):
        yield {
            "person_code": f"P{i:08d}",
            "name": f"党员{i:07d}",
            "education": education[i % 4],
            "employment_type": "courier" if i % 7 == 0 else "",
            "unit_code": f"42108100{i % 400:04d}",
            "status": "full" if i % 10 else "probationary",
            "joined_on": start + timedelta(days=i % 25_000),
        }


def child(kind: str, n: int) -> dict:
    setup()
    from core.sheets import export

    exporter = export.get("members")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"members.{kind if kind != 'heap' else 'xlsx'}"
        if kind == "heap":
            tracemalloc.start()
        if kind == "csv":
            with path.open("wb") as out:
                for chunk in export.csv_chunks(exporter.spec, rows(n), columns=exporter.columns):
                    out.write(chunk)
        else:
            export.write_xlsx(exporter.spec, rows(n), path, columns=exporter.columns)
        heap = tracemalloc.get_traced_memory()[1] if kind == "heap" else None
        size = path.stat().st_size
    return {
        "seconds": time.perf_counter() - started,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "heap_peak_mb": heap / 2**20 if heap is not None else None,
        "size_mb": size / 2**20,
    }


def run(kind: str, n: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--rows", str(n)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def baseline() -> float:
    """The RSS of a child that only sets Django up (what every child holds before writing a row)."""
    code = (
        f"import os,resource,sys;sys.path.insert(0,{str(ROOT)!r});"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE','dangjian.settings');"
        "os.environ.setdefault('DEBUG','1');import django;django.setup();from core.sheets import export;"
        "export.get('members');print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)"
    )
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def main():
    args = parse()
    if args.child:
        print(json.dumps(child(args.child, args.rows)))
        return
    n = args.rows
    base = baseline()
    xlsx, csv_ = run("xlsx", n), run("csv", n)
    heap = run("heap", n // 10)
    print("| format | rows | seconds | peak RSS (MB) | file (MB) |\n|---|---:|---:|---:|---:|")
    print(f"| .xlsx (write-only) | {n:,} | {xlsx['seconds']:.1f} | {xlsx['peak_rss_mb']:.0f} | {xlsx['size_mb']:.1f} |")
    print(f"| CSV (UTF-8 BOM) | {n:,} | {csv_['seconds']:.1f} | {csv_['peak_rss_mb']:.0f} | {csv_['size_mb']:.1f} |")
    print(f"\nDjango set up, before any row: {base:.0f} MB RSS.")
    print(f"Python heap peak (tracemalloc), .xlsx, {n // 10:,} rows: {heap['heap_peak_mb']:.1f} MB.")
    worst = max(xlsx["peak_rss_mb"], csv_["peak_rss_mb"])
    print(f"\nGoal: peak under 200 MB — {'met' if worst < 200 else 'NOT met'} ({worst:.0f} MB).")


if __name__ == "__main__":
    main()
