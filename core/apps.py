from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        # Imported here, not at the top: DRF's serializers and the system checks need the app registry, which is
        # ready only when `ready()` runs.
        from django.db import models
        from rest_framework import serializers

        from core import fields

        from . import checks  # noqa: F401  (registers the start-up key checks)
        from .tombstones import connect as connect_tombstones

        connect_tombstones()  # the deletion feed (/api/v1/tombstones/)

        # Every model serializer reads model dates through the fields bounded to 1900–2100 (DRF's field mapping,
        # so no serializer has to remember it); plain serializers and forms use core.fields explicitly.
        serializers.ModelSerializer.serializer_field_mapping[models.DateField] = fields.DateField
        serializers.ModelSerializer.serializer_field_mapping[models.DateTimeField] = fields.DateTimeField
