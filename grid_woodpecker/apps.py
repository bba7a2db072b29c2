from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridWoodpeckerConfig(AppConfig):
    name = "grid_woodpecker"
    verbose_name = _("Grid woodpeckers")
