"""The woodpecker sheet read back as an update: a row names a registered woodpecker by its person code (an export
carries no ID number) or its ID number; "更新已有记录" updates it through the service, without it the row is
refused; a code outside the importer's jurisdiction finds nobody."""

import pytest

from accounts.models import RoleAssignment
from accounts.roles import Role
from core.models import AuditEntry, ImportJob
from core.sheets import importers
from grid_woodpecker.models import Woodpecker
from tests.core.sheet_helpers import confirm, corrected, export, upload, xlsx
from tests.grid_woodpecker import helpers

pytestmark = pytest.mark.django_db
Status = ImportJob.Status
EXISTS = "该记录已存在：如需修改，请选择“更新已有记录”。"


def _label(value):
    return dict(importers.get("woodpeckers").spec.column("group").choices)[value]


def _counts(job):
    return job.counts["created"], job.counts["updated"], job.counts["unchanged"]


@pytest.fixture
def woodpeckers(county):
    return {
        "ac": helpers.woodpecker(county["grid_ac"], name="社区队员"),
        "a1": helpers.woodpecker(county["grid_a1"], name="村组队员"),
        "b1": helpers.woodpecker(county["grid_b1"], name="乙镇队员"),
    }


def test_a_woodpecker_export_with_one_corrected_cell_updates_that_woodpecker_only(woodpeckers, users, client_for):
    client = client_for(users["staff_a"])
    body = export(client, "woodpeckers")
    _response, job = upload(client, "woodpeckers", "啄木鸟队员.xlsx", body)
    assert job.status == Status.READY, (job.status, job.errors)
    confirm(client, job, update_existing=True)
    assert job.status == Status.DONE and _counts(job) == (0, 0, 2), (job.error_summary, job.errors)
    sheet = corrected(body, "村组队员", "队员类别", _label("courier"))
    # Without "update existing records": both rows are refused and nothing is written.
    _response, job = upload(client, "woodpeckers", "啄木鸟队员.xlsx", sheet)
    assert [(e["column"], e["message"]) for e in job.errors] == [("人员编码", EXISTS)] * 2
    confirm(client, job)
    assert job.status == Status.FAILED and Woodpecker.objects.get(pk=woodpeckers["a1"].pk).group == "resident"
    # With it: the one corrected woodpecker, through the service (audited).
    _response, job = upload(client, "woodpeckers", "啄木鸟队员.xlsx", sheet)
    confirm(client, job, update_existing=True)
    assert job.status == Status.DONE and _counts(job) == (0, 1, 1), (job.error_summary, job.errors)
    assert Woodpecker.objects.get(pk=woodpeckers["a1"].pk).group == "courier"
    assert Woodpecker.objects.get(pk=woodpeckers["ac"].pk).group == "resident"
    entry = AuditEntry.objects.get(action="woodpecker.update")
    assert entry.object_id == str(woodpeckers["a1"].pk) and entry.changes == {"group": ["resident", "courier"]}
    assert Woodpecker.objects.count() == 3


def test_a_woodpecker_moved_to_another_grid_takes_its_role_and_person_along(woodpeckers, county, users, client_for):
    client = client_for(users["staff_a"])
    moved = woodpeckers["ac"]
    sheet = corrected(export(client, "woodpeckers"), "社区队员", "网格编码", county["grid_a1"].code)
    _response, job = upload(client, "woodpeckers", "啄木鸟队员.xlsx", sheet)
    confirm(client, job, update_existing=True)
    assert job.status == Status.DONE and _counts(job) == (0, 1, 1), (job.error_summary, job.errors)
    moved.refresh_from_db()
    assert moved.grid == county["grid_a1"] and moved.person.unit == county["grid_a1"]
    roles = RoleAssignment.objects.filter(user=moved.user, role=Role.WOODPECKER)
    assert list(roles.values_list("unit", flat=True)) == [county["grid_a1"].pk]


def test_a_person_code_outside_the_jurisdiction_or_unknown_is_a_row_error(woodpeckers, county, users, client_for):
    outside, inside = woodpeckers["b1"], woodpeckers["ac"]
    resident = _label("resident")
    grid = county["grid_ac"].code
    rows = [
        ["人员编码", "姓名", "身份证号码", "网格编码", "队员类别"],
        [outside.person.code, "乙镇队员", "", grid, resident],  # someone else's woodpecker: not found, not attached
        ["PZZZZZZZZ", "无此人", "", grid, resident],  # no such code
        [inside.person.code, "社区队员", helpers.id_number(), grid, resident],  # code and ID number disagree
        ["", "无编码", "", grid, resident],  # neither
        ["", "新队员", helpers.id_number(), grid, resident],  # a new woodpecker by ID number: fine
    ]
    client = client_for(users["staff_a"])
    _response, job = upload(client, "woodpeckers", "w.xlsx", xlsx(rows))
    assert [(e["row"], e["column"], e["message"]) for e in job.errors] == [
        (2, "人员编码", f"您的管辖范围内没有人员编码为 {outside.person.code} 的人员。"),
        (3, "人员编码", "您的管辖范围内没有人员编码为 PZZZZZZZZ 的人员。"),
        (4, "人员编码", "人员编码与该身份证号码的登记人员不符。"),
        (5, "身份证号码", "请填写身份证号码（已登记人员可填写人员编码）。"),
    ]
    confirm(client, job, update_existing=True)
    assert job.status == Status.FAILED and Woodpecker.objects.count() == 3
    assert Woodpecker.objects.get(pk=outside.pk).grid == county["grid_b1"]
