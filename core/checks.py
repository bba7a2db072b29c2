"""System checks that refuse to run the portal with DEBUG off on a key anyone can read in the repository.

They run before runserver, migrate and every other management command, in `check --deploy`, and (through
`refuse_default_keys`) when the WSGI/ASGI application or a Celery worker starts, which Django itself does not check.
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

E001 = "core.E001"
E002 = "core.E002"


@checks.register(checks.Tags.security)
def default_keys(app_configs=None, **kwargs):
    if settings.DEBUG:
        return []  # the embedded default (`make run`) runs on the built-in key, over loopback, with demo data
    errors = []
    if not settings.SECRET_KEY or settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        errors.append(
            checks.Error(
                "SECRET_KEY is unset or the built-in development key while DEBUG is off.",
                hint="Set SECRET_KEY in the environment to a long random value (README, Production settings).",
                id=E001,
            )
        )
    key = settings.FIELD_ENCRYPTION_KEY
    if not key or key == settings.DEV_SECRET_KEY or key in settings.FIELD_ENCRYPTION_OLD_KEYS:
        errors.append(
            checks.Error(
                "FIELD_ENCRYPTION_KEY is unset (personal data would be encrypted with a key derived from "
                "SECRET_KEY or the built-in constant) or equals a built-in or retired key while DEBUG is off.",
                hint="Set FIELD_ENCRYPTION_KEY to a long random value kept apart from SECRET_KEY. A deployment that "
                "ran without it encrypted under SECRET_KEY: set FIELD_ENCRYPTION_KEY to that SECRET_KEY value, or "
                "rotate (docs/security.md, Keys and encrypted fields).",
                id=E002,
            )
        )
    return errors


def refuse_default_keys() -> None:
    """Raise at start-up (WSGI, ASGI, Celery) when the checks above find an error."""
    errors = default_keys()
    if errors:
        raise ImproperlyConfigured("; ".join(f"{e.id}: {e.msg}" for e in errors))
