"""The Chinese labels of periodic reports' audit actions (core.audit.ACTION_LABELS)."""

from django.utils.translation import gettext_lazy

from core import audit

audit.ACTION_LABELS.update(
    {
        "report_form.create": gettext_lazy("Report form created"),
        "report_form.update": gettext_lazy("Report form changed"),
        "report_form.publish": gettext_lazy("Report form version published"),
        "form_version.create": gettext_lazy("Report form version started"),
        "form_section.create": gettext_lazy("Report form section added"),
        "form_field.create": gettext_lazy("Report form field added"),
        "validation_rule.create": gettext_lazy("Report validation rule added"),
        "form_section.update": gettext_lazy("Report form section changed"),
        "form_section.delete": gettext_lazy("Report form section deleted"),
        "form_section.move": gettext_lazy("Report form section moved"),
        "form_field.update": gettext_lazy("Report form field changed"),
        "form_field.delete": gettext_lazy("Report form field deleted"),
        "form_field.move": gettext_lazy("Report form field moved"),
        "validation_rule.update": gettext_lazy("Report validation rule changed"),
        "validation_rule.delete": gettext_lazy("Report validation rule deleted"),
        "report.open": gettext_lazy("Report opened"),
        "report.save_draft": gettext_lazy("Report draft saved"),
        "report.submit": gettext_lazy("Report submitted"),
        "report.approve": gettext_lazy("Report approved"),
        "report.send_back": gettext_lazy("Report sent back"),
        "report.reopen": gettext_lazy("Report reopened"),
        "report.bulk_create": gettext_lazy("Reports loaded in bulk"),
        "unit_items.set": gettext_lazy("Unit item list set"),
        "unit_items.clear": gettext_lazy("Unit item list cleared"),
    }
)
