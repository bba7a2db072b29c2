"""A clue category's questions (Open311 GeoReport v2 "service attributes") and the answers a clue gives them.

A category keeps its questions as a list in `ClueCategory.attributes`, each
`{"code", "datatype", "description", "required", "variable", "order", "datatype_description", "values"}` with the
spec's datatypes; `check_definition` refuses a malformed list (the category's page shows the message), and
`clean_answers` checks a clue's answers against it (required, type, list values, length), returning what is stored in
`Clue.attributes`.
"""

import re

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from core.errors import Invalid

from .errors import ErrorCode

DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
LISTS = ("singlevaluelist", "multivaluelist")
MAX_ATTRIBUTES = 20
MAX_VALUES = 50
MAX_STRING = 200
MAX_TEXT = 2000
NUMBER = re.compile(r"^-?[0-9]{1,15}(\.[0-9]{1,6})?$")  # plain decimals: no exponent, no NaN, no infinity
CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
KEYS = {"code", "datatype", "description", "required", "variable", "order", "datatype_description", "values"}


def _bad_definition(message) -> Invalid:
    return Invalid(message, code=ErrorCode.ATTRIBUTES_INVALID, field="attributes")


def _check_values(code: str, values) -> list[dict]:
    if not isinstance(values, list) or not values or len(values) > MAX_VALUES:
        raise _bad_definition(
            _("Question %(code)s: a list question needs 1 to %(n)d choices.") % {"code": code, "n": MAX_VALUES}
        )
    out, keys = [], set()
    for value in values:
        if not isinstance(value, dict) or set(value) != {"key", "name"}:
            raise _bad_definition(_('Question %(code)s: each choice is {"key": …, "name": …}.') % {"code": code})
        key, name = str(value["key"]).strip(), str(value["name"]).strip()
        if not key or not name or len(key) > 32 or len(name) > 100 or key in keys:
            raise _bad_definition(
                _("Question %(code)s: each choice needs a unique key (up to 32 characters) and a name.")
                % {"code": code}
            )
        keys.add(key)
        out.append({"key": key, "name": name})
    return out


def _check_one(index: int, item) -> dict:
    if not isinstance(item, dict) or not set(item) <= KEYS:
        raise _bad_definition(
            _("Question %(n)d: only these keys are allowed: %(keys)s.") % {"n": index, "keys": ", ".join(sorted(KEYS))}
        )
    code = str(item.get("code", ""))
    if not CODE.fullmatch(code):
        raise _bad_definition(
            _("Question %(n)d: the code is 1 to 32 letters, digits, hyphens or underscores.") % {"n": index}
        )
    datatype = item.get("datatype", "string")
    if datatype not in DATATYPES:
        raise _bad_definition(
            _("Question %(code)s: the datatype is one of %(types)s.") % {"code": code, "types": ", ".join(DATATYPES)}
        )
    description = str(item.get("description", "")).strip()
    if not description or len(description) > MAX_STRING:
        raise _bad_definition(_("Question %(code)s: give the question itself (up to 200 characters).") % {"code": code})
    order = item.get("order", index)
    if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= 1000:
        raise _bad_definition(_("Question %(code)s: the order is a whole number from 0 to 1000.") % {"code": code})
    for flag in ("required", "variable"):
        if not isinstance(item.get(flag, flag == "variable"), bool):
            raise _bad_definition(_("Question %(code)s: %(flag)s is true or false.") % {"code": code, "flag": flag})
    return {
        "code": code,
        "datatype": datatype,
        "description": description,
        "datatype_description": str(item.get("datatype_description", "")).strip()[:MAX_STRING],
        "required": bool(item.get("required", False)),
        "variable": bool(item.get("variable", True)),
        "order": order,
        "values": _check_values(code, item.get("values")) if datatype in LISTS else [],
    }


def check_definition(attributes) -> list[dict]:
    """The category's questions, checked and normalised; Invalid (field `attributes`) when malformed."""
    if attributes in (None, ""):
        return []
    if not isinstance(attributes, list) or len(attributes) > MAX_ATTRIBUTES:
        raise _bad_definition(_("The questions are a list of at most %(n)d items.") % {"n": MAX_ATTRIBUTES})
    out = [_check_one(i, item) for i, item in enumerate(attributes, start=1)]
    codes = [a["code"] for a in out]
    if len(set(codes)) != len(codes):
        raise _bad_definition(_("Two questions have the same code."))
    return sorted(out, key=lambda a: (a["order"], a["code"]))


def _bad_answer(message, code=ErrorCode.ATTRIBUTE_INVALID) -> Invalid:
    return Invalid(message, code=code, field="attributes")


def _clean_value(question: dict, raw):
    code, datatype = question["code"], question["datatype"]
    values = raw if isinstance(raw, list) else [raw]
    values = [str(v).strip() for v in values if v is not None and str(v).strip()]
    if datatype == "multivaluelist":
        keys = {v["key"] for v in question["values"]}
        if len(values) > len(keys) or not set(values) <= keys:
            raise _bad_answer(_("Attribute %(code)s: choose among the listed values.") % {"code": code})
        return sorted(set(values))
    if len(values) > 1:
        raise _bad_answer(_("Attribute %(code)s takes a single value.") % {"code": code})
    value = values[0] if values else ""
    if not value:
        return None
    if datatype == "singlevaluelist":
        if value not in {v["key"] for v in question["values"]}:
            raise _bad_answer(_("Attribute %(code)s: choose among the listed values.") % {"code": code})
    elif datatype == "number":
        if not NUMBER.fullmatch(value):
            raise _bad_answer(_("Attribute %(code)s must be a number.") % {"code": code})
    elif datatype == "datetime":
        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
        if parsed is None:
            raise _bad_answer(_("Attribute %(code)s must be a W3C date-time.") % {"code": code})
    elif len(value) > (MAX_TEXT if datatype == "text" else MAX_STRING):
        raise _bad_answer(_("Attribute %(code)s is too long.") % {"code": code})
    return value


def clean_answers(category, answers) -> dict:
    """The answers to `category`'s questions, checked: unknown codes refused, required ones present, each value of
    its datatype. Returns {code: value} for what is answered (a multivaluelist as a list)."""
    answers = answers or {}
    if not isinstance(answers, dict):
        raise _bad_answer(_("Attributes are given as attribute[code]=value."))
    questions = {q["code"]: q for q in check_definition(category.attributes) if q["variable"]}
    unknown = sorted(set(answers) - set(questions))
    if unknown:
        raise _bad_answer(
            _("This service has no attribute %(code)s.") % {"code": str(unknown[0])[:32]}, ErrorCode.ATTRIBUTE_UNKNOWN
        )
    cleaned = {}
    for code, question in questions.items():
        value = _clean_value(question, answers.get(code))
        if value in (None, []):
            if question["required"]:
                raise _bad_answer(
                    _("Attribute %(code)s (%(question)s) is required.")
                    % {"code": code, "question": question["description"]},
                    ErrorCode.ATTRIBUTE_REQUIRED,
                )
            continue
        cleaned[code] = value
    return cleaned


def answered_questions(clue) -> list[tuple[str, str]]:
    """(question, answer) for the clue's answers, in the category's order, list keys shown by their names."""
    if not clue.attributes:
        return []
    out = []
    for question in check_definition(clue.category.attributes):
        value = clue.attributes.get(question["code"])
        if value in (None, "", []):
            continue
        names = {v["key"]: v["name"] for v in question["values"]}
        values = value if isinstance(value, list) else [value]
        out.append((question["description"], "、".join(names.get(str(v), str(v)) for v in values)))
    return out
