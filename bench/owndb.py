"""The database a benchmark script builds its data in: the configured one's name with the script's suffix, dropped
and created again before each full run (bench/import_members.py, reporting_bench.py, sync_bench.py)."""

import os


def database_url(suffix: str) -> str:
    """DATABASE_URL (default: the local `dangjian`) with `suffix` added to the database's name, once."""
    import environ

    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dangjian")
    name = environ.Env.db_url_config(url)["NAME"]
    return url.rsplit("/", 1)[0] + "/" + (name if name.endswith(suffix) else f"{name}{suffix}")


def recreate_database(url: str) -> None:
    """Drop the database of `url` if it exists and create it empty (through the server's `postgres` database)."""
    import environ
    import psycopg2

    config = environ.Env.db_url_config(url)
    admin = psycopg2.connect(
        dbname="postgres", user=config["USER"], host=config["HOST"], port=config["PORT"] or 5432,
        password=config.get("PASSWORD") or None,
    )  # fmt: skip
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}"')
        cur.execute(f'CREATE DATABASE "{config["NAME"]}"')
    admin.close()
