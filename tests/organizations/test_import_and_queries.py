"""Units from a sheet on the engine (core.sheets, organizations/importers.py); the export; query counts."""

import pytest
from django.urls import reverse

from core.models import ImportJob
from organizations.models import OrganizationUnit
from tests.core.sheet_helpers import confirm, csv_bytes, upload

pytestmark = pytest.mark.django_db
HEADERS = ["code", "name", "kind", "parent_code", "sort_order", "is_active"]


def _import(client, rows, *, write):
    _response, job = upload(client, "units", "units.csv", csv_bytes([HEADERS, *rows]))
    if write and job.status == ImportJob.Status.READY:
        confirm(client, job)
    return job


def test_import_creates_units_through_the_service(county, users, client_for):
    rows = [
        ["VILA50001", "甲五村", "village", "TOWNA0001", 0, 1],
        ["VILA50001-G01", "甲五村一组", "grid", "VILA50001", 0, 1],
    ]
    job = _import(client_for(users["staff_a"]), rows, write=True)
    assert job.status == ImportJob.Status.DONE and job.counts["created"] == 2, (job.errors, job.error_summary)
    grid = OrganizationUnit.objects.get(code="VILA50001-G01")
    assert grid.path.startswith(county["township_a"].path) and grid.depth == 3 and grid.party_org


@pytest.mark.parametrize(
    "bad_row",
    [
        ["BADIMP001", "楼里的村", "village", "COMA00001-G01-B01", 0, 1],  # kind rule
        ["BADIMP002", "越界村", "village", "TOWNB0001", 0, 1],  # parent outside the jurisdiction
        ["BADIMP003", "无上级", "village", "NOSUCH01", 0, 1],  # unknown parent
    ],
)
@pytest.mark.parametrize("write", [False, True])
def test_import_reports_bad_rows_and_writes_nothing(county, users, client_for, bad_row, write):
    before = OrganizationUnit.objects.count()
    good = ["VILA60001", "甲六村", "village", "TOWNA0001", 0, 1]
    job = _import(client_for(users["staff_a"]), [good, bad_row], write=write)
    assert [e["row"] for e in job.errors] == [3]
    assert job.status == (ImportJob.Status.FAILED if write else ImportJob.Status.READY)
    assert OrganizationUnit.objects.count() == before


def test_export_is_limited_to_the_jurisdiction(county, users, client_for):
    response = client_for(users["staff_a"]).get(reverse("sheets:export", args=["units", "csv"]))
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    codes = {line.split(",")[0] for line in lines[1:]}
    assert "VILA10001" in codes and "VILB10001" not in codes and "TCITY0001" not in codes


def test_org_browser_query_count_does_not_grow_with_children(county, users, client_for, django_assert_max_num_queries):
    client = client_for(users["city_staff"])
    client.get("/org/")  # warm the session
    with django_assert_max_num_queries(8):
        client.get(reverse("organizations:tree_children", args=[county["township_a"].pk]))
    with django_assert_max_num_queries(14):
        client.get(reverse("organizations:unit_detail", args=[county["township_a"].pk]))


def test_api_unit_list_query_count_is_constant(county, users, api_for, django_assert_max_num_queries):
    api = api_for(users["city_staff"])
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/organizations/units/", {"page_size": 500}).status_code == 200
