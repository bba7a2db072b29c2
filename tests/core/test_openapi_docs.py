"""The OpenAPI schema is documented in Chinese, completely, and its examples are true to it.

The schema is generated in Chinese (the portal's language) and every operation must carry a Chinese summary and
description, every parameter and every field of the components it uses a Chinese description or title, and every
operation that takes a body with fields a request example. Every example, request or response, must validate against
the schema it illustrates (OpenAPI 3.0's `nullable` read as JSON Schema's null type). schemathesis sends the request
examples to the running server besides (tests/test_schemathesis.py, its explicit phase).
"""

import json
import re

import jsonschema
import pytest
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator

CJK = re.compile("[\u4e00-\u9fff]")
METHODS = ("get", "post", "put", "patch", "delete")
DROPPED = ("nullable", "example", "examples", "discriminator", "readOnly", "writeOnly")


@pytest.fixture(scope="module")
def document():
    with translation.override("zh-hans"):
        generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(json.dumps(generated, default=str))


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def _json_schema(node):
    """OpenAPI 3.0 schema → JSON Schema 2020-12: `nullable` becomes the null type, component refs become $defs."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _json_schema(value) for key, value in node.items() if key not in DROPPED}
    if "$ref" in out:
        out["$ref"] = out["$ref"].replace("#/components/schemas/", "#/$defs/")
    if node.get("nullable"):
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def _components_used(document, node, found):
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[1]
            if name not in found:
                found.add(name)
                _components_used(document, document["components"]["schemas"][name], found)
        for value in node.values():
            _components_used(document, value, found)
    elif isinstance(node, list):
        for value in node:
            _components_used(document, value, found)
    return found


def test_every_operation_has_a_chinese_summary_and_description(document):
    missing = [
        f"{where}: {part}"
        for where, operation in _operations(document)
        for part in ("summary", "description")
        if not CJK.search(operation.get(part, ""))
    ]
    assert not missing, "\n".join(missing)


def test_every_parameter_is_described_in_chinese(document):
    missing = [
        f"{where}: {parameter['in']} {parameter['name']}"
        for where, operation in _operations(document)
        for parameter in operation.get("parameters", [])
        if not CJK.search(parameter.get("description", "") + parameter.get("schema", {}).get("title", ""))
    ]
    assert not missing, "\n".join(missing)


def test_every_field_is_described_in_chinese(document):
    used = set()
    for _where, operation in _operations(document):
        _components_used(document, operation, used)
    schemas = document["components"]["schemas"]
    missing = [
        f"{name}.{field}"
        for name in sorted(used)
        for field, prop in schemas[name].get("properties", {}).items()
        if not CJK.search((prop.get("description") or "") + (prop.get("title") or ""))
    ]
    assert not missing, "\n".join(missing)


def test_the_auth_schemes_and_scopes_are_described_in_chinese(document):
    schemes = document["components"]["securitySchemes"]
    assert {"oauth2", "tokenAuth", "cookieAuth"} <= set(schemes)
    assert all(CJK.search(scheme.get("description", "")) for scheme in schemes.values())
    scopes = schemes["oauth2"]["flows"]["clientCredentials"]["scopes"]
    assert scopes and all(CJK.search(text) for text in scopes.values())
    assert CJK.search(document["info"]["description"])


def test_every_request_body_has_an_example(document):
    schemas = document["components"]["schemas"]
    missing = []
    for where, operation in _operations(document):
        content = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if content is None:
            continue
        schema = content.get("schema", {})
        target = schemas.get(schema.get("$ref", "").rsplit("/", 1)[-1], schema)
        if target.get("properties") and not content.get("examples"):
            missing.append(where)
    assert not missing, "\n".join(missing)


def test_every_example_validates_against_its_schema(document):
    definitions = {name: _json_schema(schema) for name, schema in document["components"]["schemas"].items()}
    checked, broken = 0, []

    def check(where, label, value, schema):
        nonlocal checked
        validator_schema = {**_json_schema(schema), "$defs": definitions}
        error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(validator_schema).iter_errors(value))
        checked += 1
        if error is not None:
            broken.append(f"{where} {label}: {error.message} at {list(error.absolute_path)}")

    for where, operation in _operations(document):
        body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        for name, example in body.get("examples", {}).items():
            check(where, f"request example {name!r}", example.get("value"), body.get("schema", {}))
        for status, response in operation.get("responses", {}).items():
            for content_type, content in (response.get("content") or {}).items():
                if "json" not in content_type:
                    continue
                for name, example in (content.get("examples") or {}).items():
                    check(where, f"{status} example {name!r}", example.get("value"), content.get("schema", {}))
    assert not broken, "\n".join(broken)
    assert checked > 0


def test_a_broken_example_is_caught():
    """The validation above can fail: a nullable integer refuses a string, and a required field may not be left out."""
    schema = _json_schema(
        {"type": "object", "required": ["year"], "properties": {"year": {"type": "integer", "nullable": True}}}
    )
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid({"year": None})
    assert not validator.is_valid({"year": "2024"})
    assert not validator.is_valid({})
