import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
application = get_wsgi_application()

from core.checks import refuse_default_keys  # noqa: E402  (needs the apps loaded above)

refuse_default_keys()
