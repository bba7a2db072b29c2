#!/usr/bin/env python
"""How long and how much memory `core.sheets.reader.read_table` takes for a member sheet of ROWS rows × 12 columns
(.xlsx built here with openpyxl's write-only mode: a title row, dates as Excel dates and as "2019年7月1日" text,
full-width numbers). No database.

Usage: python bench/sheets_read.py [--rows 48000]
Prints the file size, the read time and the peak resident memory of the process (ru_maxrss) before and after.
"""

import argparse
import io
import os
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build(rows: int) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("党员信息")
    sheet.append(["某县党员信息表（金额单位：元）"])
    sheet.append(
        [
            "姓名",
            "公民身份号码",
            "性别",
            "所在支部",
            "入党时间",
            "转正日期",
            "学历",
            "手机号码",
            "党费（元）",
            "民族",
            "工作单位",
            "备注",
        ]
    )
    start = date(1985, 1, 1)
    for index in range(rows):
        joined = start + timedelta(days=index % 12000)
        sheet.append(
            [
                f"党员{index}",
                f"42010219800101{index % 10000:04d}",
                "男" if index % 2 else "女",
                f"第{index % 300}支部",
                joined,
                f"{joined.year + 1}年{joined.month}月{joined.day}日",
                "大学本科",
                f"138{index:08d}",
                "１，０４０．００" if index % 3 == 0 else 1040.5,
                "汉族",
                f"单位{index % 500}",
                "",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def spec():
    from core.sheets.spec import Column, SheetSpec

    return SheetSpec(
        "bench_members",
        "党员信息",
        (
            Column("name", "姓名", required=True),
            Column("id_number", "身份证号码", aliases=("公民身份号码", "身份证号"), type="id_number"),
            Column("gender", "性别", type="choice", choices=(("M", "男"), ("F", "女"))),
            Column("branch", "所在支部", aliases=("党支部",)),
            Column("joined_on", "入党日期", aliases=("入党时间",), type="date"),
            Column("full_on", "转正日期", type="date"),
            Column("education", "学历"),
            Column("phone", "手机号码", type="phone"),
            Column("dues", "党费", type="amount"),
            Column("ethnicity", "民族"),
            Column("workplace", "工作单位"),
            Column("note", "备注"),
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=48000)
    arguments = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    import django

    django.setup()
    from core.sheets.reader import read_table

    content = build(arguments.rows)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started, cpu = time.perf_counter(), time.process_time()
    table = read_table("bench.xlsx", content, spec())
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    errors = sum(1 for row in table.rows if row.errors)
    print(f"{arguments.rows} rows, {len(content) / 1e6:.1f} MB xlsx: read in {elapsed:.1f} s ({cpu:.1f} s of CPU)")
    print(f"{errors} rows with errors (29 February of a non-leap year, by construction)")
    print(f"peak RSS {before:.0f} MB before reading, {after:.0f} MB after")


if __name__ == "__main__":
    main()
