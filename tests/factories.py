"""Builders for test data, all through the services. A small county every test can reason about by hand:

city C
├── township A (township)            ← user "staff_a" (township staff)
│   ├── village A1 ── grid A1-G1 ── (no building: rural)
│   ├── village A2
│   └── community AC ── grid AC-G1 ── building AC-G1-B1
├── township B (street)              ← user "staff_b"
│   └── village B1 ── grid B1-G1
└── agency D
"""

from itertools import count

from accounts.models import RoleAssignment, User
from accounts.permissions import SYSTEM
from accounts.roles import Role
from organizations.models import UnitKind
from organizations.services import unit_create

_seq = count(1)
PASSWORD = "Test-pass-2024"


def unit(name, kind, parent, code=None):
    return unit_create(
        name=name,
        code=code or f"T{next(_seq):05d}{kind[:3].upper().replace('_', 'X')}",
        kind=kind,
        parent=parent,
        actor=SYSTEM,
    )


def user_with_role(username, role=None, unit=None, *, staff=False, superuser=False):
    user = User.objects.create_user(
        username=username, password=PASSWORD, display_name=username, is_staff=staff or superuser, is_superuser=superuser
    )
    if role:
        RoleAssignment.objects.create(user=user, role=role, unit=unit)
    return user


def build_county():
    """The tree above as a dict of units by short name."""
    t = {}
    t["city"] = unit("测试市", UnitKind.CITY, None, code="TCITY0001")
    t["township_a"] = unit("甲镇", UnitKind.TOWNSHIP, t["city"], code="TOWNA0001")
    t["township_b"] = unit("乙街道", UnitKind.STREET, t["city"], code="TOWNB0001")
    t["agency"] = unit("市城管局", UnitKind.AGENCY, t["city"], code="TAGENCY01")
    t["village_a1"] = unit("甲一村", UnitKind.VILLAGE, t["township_a"], code="VILA10001")
    t["village_a2"] = unit("甲二村", UnitKind.VILLAGE, t["township_a"], code="VILA20001")
    t["community_a"] = unit("甲社区", UnitKind.COMMUNITY, t["township_a"], code="COMA00001")
    t["village_b1"] = unit("乙一村", UnitKind.VILLAGE, t["township_b"], code="VILB10001")
    t["grid_a1"] = unit("甲一村一组", UnitKind.GRID, t["village_a1"], code="VILA10001-G01")
    t["grid_ac"] = unit("甲社区一网格", UnitKind.GRID, t["community_a"], code="COMA00001-G01")
    t["building_ac"] = unit("甲社区一网格1栋", UnitKind.BUILDING, t["grid_ac"], code="COMA00001-G01-B01")
    t["grid_b1"] = unit("乙一村一组", UnitKind.GRID, t["village_b1"], code="VILB10001-G01")
    return t


def build_users(t):
    return {
        "admin": user_with_role("admin_t", superuser=True),
        "city_staff": user_with_role("city_staff", Role.ORG_DEPARTMENT, t["city"], staff=True),
        "staff_a": user_with_role("staff_a", Role.TOWNSHIP_STAFF, t["township_a"], staff=True),
        "staff_b": user_with_role("staff_b", Role.TOWNSHIP_STAFF, t["township_b"], staff=True),
        "secretary_a1": user_with_role("secretary_a1", Role.SECRETARY, t["village_a1"]),
        "woodpecker_ac": user_with_role("woodpecker_ac", Role.WOODPECKER, t["grid_ac"]),
        "external": user_with_role("external_sys", Role.EXTERNAL_SYSTEM, t["city"]),
    }
