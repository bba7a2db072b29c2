"""Validation rules of a form, evaluated without `eval`: a rule is a declared structure (left field code, operator,
right field code or constant), or a growth check against last period's answer. `parse` reads the small text form
staff type in the builder, e.g. `developed <= activists` or `members >= 3`."""

import operator as op
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .models import RuleOperator, Severity, ValidationRule

OPERATORS = {
    RuleOperator.LE: op.le,
    RuleOperator.LT: op.lt,
    RuleOperator.GE: op.ge,
    RuleOperator.GT: op.gt,
    RuleOperator.EQ: op.eq,
    RuleOperator.NE: op.ne,
}
_CODE = r"[a-z][a-z0-9_-]{0,39}"
_RULE = re.compile(rf"^\s*({_CODE})\s*(<=|>=|==|!=|<|>)\s*({_CODE}|-?\d+(?:\.\d+)?)\s*$")


def parse(text: str) -> dict:
    """{"left", "operator", "right_field" | "right_constant"} from `a <= b` or `a <= 3`; ValueError otherwise."""
    match = _RULE.match(text or "")
    if not match:
        raise ValueError(
            _("Write the rule as: field code, an operator (<=, <, >=, >, ==, !=), a field code or number.")
        )
    left, operator, right = match.groups()
    if re.fullmatch(_CODE, right):
        return {"left": left, "operator": operator, "right_field": right}
    return {"left": left, "operator": operator, "right_constant": Decimal(right)}


def _number(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool | list):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class Finding:
    field: str
    message: str
    blocking: bool


def _compare(rule: ValidationRule, values: dict) -> bool:
    """Whether the comparison holds (an unanswered side passes: `required` covers it)."""
    left = _number(values.get(rule.left))
    right = _number(values.get(rule.right_field)) if rule.right_field else rule.right_constant
    if left is None or right is None or rule.operator not in OPERATORS:
        return True
    return OPERATORS[RuleOperator(rule.operator)](left, right)


def _growth(rule: ValidationRule, values: dict, previous: dict, comments: dict) -> bool:
    """Whether the value stays within `growth_factor` times last period's, or a comment explains it."""
    value, before = _number(values.get(rule.left)), _number(previous.get(rule.left))
    if value is None or before is None or before <= 0 or (comments.get(rule.left) or "").strip():
        return True
    return value <= before * rule.growth_factor


def check(rules, values: dict, previous: dict | None = None, comments: dict | None = None) -> list[Finding]:
    """The findings of `rules` on `values` ({field code: value}), `previous` (last period's) and `comments`."""
    findings = []
    for rule in rules:
        holds = (
            _growth(rule, values, previous or {}, comments or {})
            if rule.growth_factor is not None
            else _compare(rule, values)
        )
        if not holds:
            findings.append(Finding(rule.left, rule.message, rule.severity == Severity.BLOCKING))
    return findings
