"""Error codes as a contract (core/errors.py, docs/api.md "Errors").

- Every refusal in the walked modules carries an explicit code: a `ValidationError`, `Invalid`, `Conflict` or
  `BadParameter` built without one fails here, so new code must give one.
- The codes are unique, declared once per app, and docs/api.md's table is the enums' own (`manage.py error_codes`).
- The OpenAPI schema documents the error body on every operation, with every registered code in its enum.
- The API's exception handler keeps the codes: 400 with the field codes, 409 for a conflict, unknown codes → `invalid`.
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from drf_spectacular.generators import SchemaGenerator
from rest_framework import exceptions

from core.api.errors import exception_handler
from core.errors import Conflict, ErrorCode, Invalid, registry
from core.management.commands.error_codes import END, START, markdown

ROOT = Path(settings.BASE_DIR)
# The modules whose refusals must carry a code.
WALKED = [
    "organizations/services.py",
    "organizations/models.py",
    "organizations/views.py",
    "organizations/exporters.py",
    "organizations/api",
    "collective_economy/services.py",
    "collective_economy/models.py",
    "collective_economy/views.py",
    "collective_economy/api",
    "goals/services.py",
    "goals/views.py",
    "goals/api",
    "accounts/services.py",
    "accounts/security.py",
    "accounts/models.py",
    "accounts/validators.py",
    "accounts/views.py",
    "accounts/api",
    "cadres/services",
    "cadres/models",
    "cadres/views",
    "cadres/api",
    "cadres/validators.py",
    "grid_woodpecker/services",
    "grid_woodpecker/models",
    "grid_woodpecker/views.py",
    "grid_woodpecker/api",
    "grid_woodpecker/clue_actions.py",
    "grid_woodpecker/photos.py",
    "core/params.py",
    "core/fields.py",
    "core/views",
    "core/services.py",
    "core/api",
]
CHECKED = {"ValidationError", "Invalid", "Conflict", "BadParameter"}
DRF_MODULES = {"exceptions", "serializers", "forms"}
MESSAGE_FUNCTIONS = {"_", "gettext", "gettext_lazy", "ngettext", "format", "str"}


def _files():
    for entry in WALKED:
        path = ROOT / entry
        yield from sorted(path.rglob("*.py")) if path.is_dir() else [path]


def _callee(node):
    if isinstance(node, ast.Name):
        return node.id, None
    if isinstance(node, ast.Attribute):
        return node.attr, getattr(node.value, "id", None)
    return None, None


def _is_checked_call(node) -> bool:
    return isinstance(node, ast.Call) and _callee(node.func)[0] in CHECKED


def _has_code(call: ast.Call) -> bool:
    return any(keyword.arg == "code" for keyword in call.keywords)


def _coded_value(node) -> bool:
    """A dict value in a Django ValidationError: a coded error, or a list/comprehension of them."""
    if _is_checked_call(node):
        return _has_code(node)
    if isinstance(node, ast.List | ast.Tuple):
        return all(_coded_value(item) for item in node.elts)
    if isinstance(node, ast.ListComp):
        return _coded_value(node.elt)
    return False


def _problems(call: ast.Call):
    name, module = _callee(call.func)
    first = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "detail"), None)
    drf = module in DRF_MODULES  # DRF's ValidationError applies `code=` to every message of a dict
    if isinstance(first, ast.Dict) and not drf:
        if _has_code(call):
            yield "code= beside a dict of messages is dropped by Django: put the code on each inner error"
        for value in first.values:
            if not _coded_value(value):
                yield "a message in the dict has no code: use ValidationError(message, code=...)"
        return
    if _has_code(call):
        return
    if isinstance(first, ast.Name | ast.Attribute | ast.Subscript) and not drf:
        return  # errors collected elsewhere (checked where they are built, below)
    if isinstance(first, ast.Call) and _callee(first.func)[0] not in MESSAGE_FUNCTIONS | CHECKED:
        return  # errors converted from another exception (e.g. the API handler's Django → DRF)
    yield f"{name}(...) without code="


def _collected_without_code(function):
    """`errors[field] = "message"` collected for a later `raise ValidationError(errors)`."""
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Subscript) for t in node.targets):
            target = next(t for t in node.targets if isinstance(t, ast.Subscript))
            if getattr(target.value, "id", "") in {"errors", "problems"} and not _coded_value(node.value):
                yield node, "a collected error has no code: use ValidationError(message, code=...)"


def test_every_refusal_in_the_walked_modules_carries_a_code():
    found = []
    for path in _files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if _is_checked_call(node):
                found.extend(f"{path.relative_to(ROOT)}:{node.lineno}: {p}" for p in _problems(node))
            if isinstance(node, ast.FunctionDef):
                found.extend(f"{path.relative_to(ROOT)}:{n.lineno}: {p}" for n, p in _collected_without_code(node))
    assert not found, "\n".join(sorted(set(found)))


def test_the_checker_catches_a_refusal_without_a_code():
    source = """
def f(errors):
    raise ValidationError({"year": "bad"})
def g():
    raise Conflict("locked")
def h():
    raise ValidationError({"year": "bad"}, code="x")
def i(errors):
    errors["year"] = "bad"
    raise ValidationError(errors)
def ok():
    raise Invalid("bad", code="x", field="y")
"""
    tree = ast.parse(source)
    calls = [n for n in ast.walk(tree) if _is_checked_call(n)]
    flagged = [c.lineno for c in calls if list(_problems(c))]
    assert flagged == [3, 5, 7]
    function = next(n for n in tree.body if n.name == "i")
    assert [n.lineno for n, _p in _collected_without_code(function)] == [9]


def test_codes_are_unique_snake_case_and_every_conflict_is_declared():
    from importlib import import_module

    entries = registry()
    assert len(entries) > 60
    for code, entry in entries.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", code), code
        assert str(entry.label), code
    for app in ("core", "organizations", "collective_economy", "goals", "accounts", "cadres", "grid_woodpecker"):
        module = import_module(f"{app}.errors")
        assert set(module.CONFLICTS) <= set(module.ErrorCode), app
        assert all(entries[str(code)].status == 409 for code in module.CONFLICTS)
    assert entries["permission_denied"].status == 403 and entries["not_found"].status == 404
    assert entries["report_locked"].status == 409 and entries["invalid_year"].status == 400


def test_docs_table_is_generated_from_the_enums():
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    block = text.split(START, 1)[1].split(END, 1)[0].lstrip("\n")
    assert block == markdown(), "docs/api.md's error codes are stale: run `manage.py error_codes --write`"


def test_schema_documents_the_error_body_with_every_code():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert schema["components"]["schemas"]["ErrorCodeEnum"]["enum"] == list(registry())
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"detail", "code", "errors"}
    operations = 0
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            operations += 1
            for status in ("400", "401", "403", "404", "429") + (("409",) if method != "get" else ()):
                content = operation["responses"][status]["content"]["application/json"]["schema"]
                assert content == {"$ref": "#/components/schemas/Error"}, (method, path, status)
    assert operations > 100


# --- the exception handler ------------------------------------------------------------------------------------


def _answer(exc):
    return exception_handler(exc, {})


def test_a_conflict_answers_409_with_its_code_and_message():
    response = _answer(Conflict("已锁定。", code="report_locked", field="status"))
    assert response.status_code == 409
    assert response.data == {
        "detail": "已锁定。",
        "code": "report_locked",
        "errors": {"status": ["已锁定。"]},
        "codes": {"status": ["report_locked"]},
    }


def test_invalid_input_answers_400_with_the_shared_code_or_invalid():
    response = _answer(Invalid("年份不对。", code=ErrorCode.INVALID_YEAR, field="year"))
    assert response.status_code == 400 and response.data["code"] == "invalid_year"
    assert response.data["errors"] == {"year": ["年份不对。"]} and response.data["codes"] == {"year": ["invalid_year"]}
    mixed = ValidationError(
        {
            "year": ValidationError("年份不对。", code="invalid_year"),
            "unit": ValidationError("无此单位。", code="unknown_unit"),
        }
    )
    response = _answer(mixed)
    assert response.data["code"] == "invalid"
    assert response.data["codes"] == {"year": ["invalid_year"], "unit": ["unknown_unit"]}


def test_an_unregistered_code_reaches_the_client_as_invalid_and_nested_errors_are_dotted():
    response = _answer(exceptions.ValidationError({"people": {0: ["不是整数。"]}, "x": ["?"]}, code="no_such_code"))
    assert response.data["errors"] == {"people.0": ["不是整数。"], "x": ["?"]}
    assert response.data["codes"] == {"people.0": ["invalid"], "x": ["invalid"]} and response.data["code"] == "invalid"


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (exceptions.PermissionDenied(), 403, "permission_denied"),
        (exceptions.NotFound(), 404, "not_found"),
        (exceptions.NotAuthenticated(), 401, "not_authenticated"),
        (exceptions.MethodNotAllowed("PUT"), 405, "method_not_allowed"),
    ],
)
def test_other_refusals_keep_their_kind_code_and_the_old_shape(exc, status, code):
    response = _answer(exc)
    assert response.status_code == status and response.data["code"] == code
    assert set(response.data) == {"detail", "code", "errors"}
