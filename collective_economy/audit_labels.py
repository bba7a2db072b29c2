"""The Chinese labels of the collective economy's audit actions (core.audit.ACTION_LABELS), apart from
`services.py` only to keep that module under the size limit; `services` imports this module."""

from django.utils.translation import gettext_lazy

from core import audit

audit.ACTION_LABELS.update(
    {
        "income_report.submit": gettext_lazy("Income report submitted"),
        "income_report.update": gettext_lazy("Income report changed"),
        "income_report.approve": gettext_lazy("Income report approved"),
        "income_report.send_back": gettext_lazy("Income report sent back"),
        "income_report.correct": gettext_lazy("Income report corrected"),
        "income_report.record": gettext_lazy("Income report recorded"),
        "income_report.bulk_record": gettext_lazy("Income reports recorded in bulk"),
        "project.create": gettext_lazy("Project created"),
        "project.update": gettext_lazy("Project changed"),
        "project.delete": gettext_lazy("Project deleted"),
        "threshold_target.set": gettext_lazy("Income threshold target set"),
        "threshold_target.delete": gettext_lazy("Income threshold target deleted"),
        "doubling_plan.set": gettext_lazy("Doubling plan set"),
        "reward_scheme.create": gettext_lazy("Reward scheme created"),
        "reward_scheme.admin_save": gettext_lazy("Reward scheme saved in the back office"),
        "rewards.compute": gettext_lazy("Rewards computed"),
        "competition.create": gettext_lazy("Project competition created"),
        "competition.update": gettext_lazy("Project competition changed"),
        "project_score.set": gettext_lazy("Project scored"),
    }
)
