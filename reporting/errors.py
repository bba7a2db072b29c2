"""Error codes of periodic reports (core/errors.py explains the contract; docs/api.md lists them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    FORM_NOT_DRAFT = "form_version_published", _("A published form version cannot be changed; edit a new version.")
    FORM_EMPTY = "form_empty", _("A form needs at least one field before it is published.")
    FORM_NOT_PUBLISHED = "form_not_published", _("The form has no published version.")
    UNIT_NOT_FILLING = "unit_not_filling", _("This unit does not fill this form.")
    REPORT_NOT_EDITABLE = "report_not_editable", _("The report is submitted or approved and cannot be edited.")
    REPORT_NOT_SUBMITTED_YET = "report_not_pending", _("The report is not waiting for review.")
    REPORT_NOT_APPROVED = "report_not_approved", _("Only an approved report can be reopened.")
    RULE_FAILED = "rule_failed", _("A validation rule refuses the report.")
    BAD_ANSWER = "bad_answer", _("The answer does not fit the field.")
    NO_SUCH_FIELD = "no_such_form_field", _("The form has no field with this code.")
    REPORT_CLOSED = "report_closed", _("Entry for this period is closed; the township may reopen the report.")
    NO_ITEMS = "no_items_chosen", _("Choose at least one item.")
    DUPLICATE_CODE = "duplicate_form_code", _("The code is already used.")
    BAD_FIELD = "bad_form_field", _("The field's settings do not fit its type.")
    BAD_RULE = "bad_validation_rule", _("The validation rule is incomplete.")
    FIELD_IN_RULE = "form_field_in_rule", _("A validation rule uses this field.")
    BAD_ATTACHMENT = "bad_attachment", _("The file cannot be attached.")


# "Not allowed in this state" (409).
CONFLICTS = frozenset(
    {
        ErrorCode.FORM_NOT_DRAFT,
        ErrorCode.FIELD_IN_RULE,
        ErrorCode.FORM_NOT_PUBLISHED,
        ErrorCode.REPORT_NOT_EDITABLE,
        ErrorCode.REPORT_NOT_SUBMITTED_YET,
        ErrorCode.REPORT_NOT_APPROVED,
        ErrorCode.REPORT_CLOSED,
    }
)
