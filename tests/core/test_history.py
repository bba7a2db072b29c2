"""The change history in Chinese: every recorded action has a label, and values read as a user reads them."""

import ast
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import get_resolver
from django.utils import translation

from core.history import change_lines, show_value
from core.models import ACTION_LABELS

APPS = [
    "accounts",
    "cadres",
    "collective_economy",
    "core",
    "goals",
    "grid_woodpecker",
    "notifications",
    "organizations",
    "reporting",
]
ACTION = re.compile(r"^[a-z_]+\.[a-z_]+$")


def _strings(node, constants: dict) -> list[str]:
    """The action strings an argument can be: a literal, either branch of a conditional, a module constant."""
    if isinstance(node, ast.IfExp):
        return _strings(node.body, constants) + _strings(node.orelse, constants)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name) and node.id in constants:
        return [constants[node.id]]
    return []


def recorded_actions() -> dict[str, str]:
    """Every action string the code passes as `action=` or `audit_action=` (core.audit.record, record_many,
    update_fields, transition, save_new, AuditEntry(...)) or to the cadres demo's `_bulk`: {action: where}."""
    found = {}
    for app in APPS:
        for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            constants = {
                target.id: node.value.value
                for node in tree.body
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                for target in node.targets
                if isinstance(target, ast.Name) and isinstance(node.value.value, str)
            }
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                arguments = [k.value for k in node.keywords if k.arg in ("action", "audit_action")]
                if getattr(node.func, "id", getattr(node.func, "attr", "")) == "_bulk" and len(node.args) >= 3:
                    arguments.append(node.args[2])
                for argument in arguments:
                    for action in _strings(argument, constants):
                        if ACTION.match(action):  # "view", "change": permission actions, not audit ones
                            found.setdefault(action, f"{path.relative_to(settings.BASE_DIR)}:{node.lineno}")
    return found


def test_every_recorded_action_has_a_chinese_label():
    assert get_resolver().url_patterns  # as in a running portal: every app's views, so its services, are loaded
    actions = recorded_actions()
    assert {"target.set", "unit.update", "login.success", "role.revoke", "elevation.bulk_create"} <= set(actions)
    missing = {action: where for action, where in actions.items() if action not in ACTION_LABELS}
    assert not missing, f"no label in core.audit.ACTION_LABELS: {missing}"
    with translation.override("zh-hans"):
        untranslated = {
            a: str(ACTION_LABELS[a]) for a in actions if not re.search(r"[\u4e00-\u9fff]", str(ACTION_LABELS[a]))
        }
    assert not untranslated, f"labels without a Chinese translation: {untranslated}"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "（空）"),
        ("", "（空）"),
        ("70.00", "70"),
        ("75.50", "75.5"),
        ("100.00", "100"),
        ("True", "是"),
        ("False", "否"),
        ("2024-07-01", "2024年7月1日"),
        ("甲镇", "甲镇"),
        ("10:30", "10:30"),
    ],
)
def test_values_read_as_a_user_reads_them(value, shown):
    with translation.override("zh-hans"):
        assert show_value(None, value) == shown


def test_change_lines_name_fields_and_choices():
    with translation.override("zh-hans"):
        lines = change_lines("goals.target", {"value": [None, "70.00"], "note": ["", "计划"], "by": "system"})
        assert lines == ["目标值由（空）改为 70", "备注由（空）改为 计划"]
        assert change_lines("organizations.partyorganization", {"status": ["normal", "weak_and_lax"]}) == [
            "状态由 正常 改为 软弱涣散（整顿中）"
        ]
        assert change_lines("cadres.partymember", {"count": 3}) == ["记录数：3"]
        assert change_lines("goals.reportconfirmation", {"source": "cadres"})[0].endswith("：党员和干部队伍")
        assert change_lines("accounts.user", {"reason": "bad_credentials"})[0].endswith("：密码错误")
        # A code stored on either side of a change reads by its label too (a target's hand-down rule).
        assert change_lines("goals.target", {"rule": ["", "share:villages"]}) == ["分解方式由（空）改为 按行政村分解"]
        assert change_lines("goals.target", {"rule": ["share:equal", "manual"]})[0].endswith(
            "平均分配 改为 逐个设定下级目标"
        )
        assert change_lines("nope.nothing", {"value": ["1.00", str(Decimal("2.50"))]}) == ["value由 1 改为 2.5"]


@pytest.mark.django_db
def test_admin_lists_actions_by_their_label(county, users, client_for):
    from accounts.permissions import SYSTEM
    from goals import services

    services.target_set(indicator="demonstration_villages", unit=county["city"], year=2024, value=3, actor=SYSTEM)
    body = client_for(users["admin"]).get("/admin/core/auditentry/").content.decode()
    assert "设定目标" in body
