"""The portal's WSGI application plus the benchmark's baselines, served by the same gunicorn: minimal raw-SQL JSON
views of the same rows the API lists (goal 5). Used by bench/run.py only; bind it to 127.0.0.1."""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402

portal = get_wsgi_application()

RAW = {
    # 100 members of a county in the API's order: the unit ids through the path index, then the members by unit,
    # with the person's name.
    "/raw/members": (
        "SELECT m.id, p.name, m.status, m.joined_on::text, u.name FROM cadres_partymember m "
        "JOIN cadres_person p ON p.id = m.person_id JOIN organizations_organizationunit u ON u.id = m.unit_id "
        "WHERE m.unit_id = ANY(ARRAY(SELECT id FROM organizations_organizationunit WHERE path LIKE %s)) "
        "ORDER BY m.unit_id, p.name, m.id LIMIT 100"
    ),
    # One page (50) of a county's clues, newest first.
    "/raw/clues": (
        "SELECT c.id, c.status, c.description, c.submitted_at::text, g.name FROM grid_woodpecker_clue c "
        "JOIN organizations_organizationunit g ON g.id = c.grid_id "
        "WHERE c.grid_id = ANY(ARRAY(SELECT id FROM organizations_organizationunit WHERE path LIKE %s)) "
        "ORDER BY c.submitted_at DESC, c.id DESC LIMIT 50"
    ),
}


def application(environ, start_response):
    sql = RAW.get(environ.get("PATH_INFO", ""))
    if sql is None:
        return portal(environ, start_response)
    close_old_connections()
    prefix = environ.get("QUERY_STRING", "").removeprefix("path=") + "%"
    with connection.cursor() as cursor:
        cursor.execute(sql, [prefix])
        body = json.dumps({"results": cursor.fetchall()}, ensure_ascii=False).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
