from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Periodic reports"

    def ready(self):
        from . import audit_labels, sources  # noqa: F401  (registers the audit labels and the prefill sources)
