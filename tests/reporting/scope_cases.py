import itertools
from datetime import date

from accounts.permissions import SYSTEM
from reporting import services
from reporting.models import Answer, FormField, FormSection, FormVersion, Report, ReportForm, ValidationRule
from tests.scope import ScopeCase

from .helpers import build_form

_seq = itertools.count(1)


def _form(county, users, unit):
    return build_form(unit, code=f"f-{unit.code.lower()}-{next(_seq)}")


def _report(county, users, village):
    form = ReportForm.objects.filter(unit=county["city"], code="scope").first() or build_form(
        county["city"], code="scope"
    )
    n = next(_seq)
    day = date(2024 - n // 12, n % 12 + 1, 1)
    return services.report_open(form=form, unit=village, day=day, actor=SYSTEM)


def _version(county, users, unit):
    return _form(county, users, unit).current_version()


def _section(county, users, unit):
    return FormSection.objects.filter(version=_version(county, users, unit)).first()


def _field(county, users, unit):
    return FormField.objects.filter(version=_version(county, users, unit)).first()


def _rule(county, users, unit):
    return ValidationRule.objects.filter(version=_version(county, users, unit)).first()


def _answer(county, users, village):
    return _report(county, users, village).answers.first()


TOWNSHIPS = {"unit_key_in": "township_a", "unit_key_out": "township_b", "admin": False}

CASES = [
    ScopeCase(name="report_form", model=ReportForm, make=_form, **TOWNSHIPS),
    ScopeCase(name="form_version", model=FormVersion, make=_version, **TOWNSHIPS),
    ScopeCase(name="form_section", model=FormSection, make=_section, **TOWNSHIPS),
    ScopeCase(name="form_field", model=FormField, make=_field, **TOWNSHIPS),
    ScopeCase(name="validation_rule", model=ValidationRule, make=_rule, **TOWNSHIPS),
    ScopeCase(name="report", model=Report, make=_report, admin=False),
    ScopeCase(name="report_answer", model=Answer, make=_answer, admin=False),
]
