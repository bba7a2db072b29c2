from django.utils.translation import gettext_lazy as _

from core.menu import MenuEntry

MENU = [MenuEntry(label=_("Organizations"), url_name="organizations:browser", weight=10)]
