"""The use cases of periodic reports, one transaction each: the form builder (`forms`) and the reports (`reports`)."""

from .forms import (
    field_add,
    field_delete,
    field_move,
    field_update,
    form_create,
    form_publish,
    form_update,
    rule_add,
    rule_delete,
    rule_update,
    section_add,
    section_delete,
    section_move,
    section_update,
    version_draft,
)
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
    "field_delete",
    "field_move",
    "field_update",
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
    "rule_delete",
    "rule_update",
    "section_add",
    "unit_items_clear",
    "unit_items_set",
    "section_delete",
    "section_move",
    "section_update",
    "version_draft",
]
