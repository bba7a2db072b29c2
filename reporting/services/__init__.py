"""The use cases of periodic reports, one transaction each: the form builder (`forms`) and the reports (`reports`)."""

from .forms import field_add, form_create, form_publish, form_update, rule_add, section_add, version_draft
from .items import unit_items_clear, unit_items_set
from .reports import (
    report_approve,
    report_open,
    report_reopen,
    report_save_draft,
    report_send_back,
    report_submit,
)

__all__ = [
    "field_add",
    "form_create",
    "form_publish",
    "form_update",
    "report_approve",
    "report_open",
    "report_reopen",
    "report_save_draft",
    "report_send_back",
    "report_submit",
    "rule_add",
    "section_add",
    "unit_items_clear",
    "unit_items_set",
    "version_draft",
]
