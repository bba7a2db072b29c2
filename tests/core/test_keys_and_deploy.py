"""Start-up refusal with default keys (core.E001/E002), and `check --deploy` clean with the documented production
settings. Each case runs manage.py in a subprocess with its own environment, as a deployment would."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)
# Dropped from the inherited environment: the keys, and the browser tests' async switch (check --deploy flags it).
DROP = ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "FIELD_ENCRYPTION_OLD_KEYS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
# The README's "Production settings" (hosts and keys are examples; a real deployment sets its own).
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "Xq7c2Rk9pWm4Tz8Lb3Nv6Hy1Df5Gs0Aj2Ke7Uo9Ir4Ew8Qt3Zx",
    "FIELD_ENCRYPTION_KEY": "m5Vb8Nc1Xz4Lk7Jh0Gf3Ds6Ap9Oi2Uy5Tr8Ew1Qa4Sd7Fg",
    "ALLOWED_HOSTS": "dangjian.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://dangjian.example.gov.cn",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "SECURE_COOKIES": "1",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
}


def run(args, **env):
    environ = {k: v for k, v in os.environ.items() if k not in DROP}
    environ.update(env)
    return subprocess.run(
        [sys.executable, *args], cwd=BASE, env=environ, capture_output=True, text=True, timeout=300, check=False
    )


def test_check_refuses_to_start_with_debug_off_and_no_keys():
    result = run(["manage.py", "check"], DEBUG="0")
    assert result.returncode != 0
    assert "core.E001" in result.stderr and "core.E002" in result.stderr


def test_check_refuses_the_built_in_secret_key_even_with_a_field_key():
    result = run(["manage.py", "check"], DEBUG="0", SECRET_KEY=settings.DEV_SECRET_KEY, FIELD_ENCRYPTION_KEY="x" * 50)
    assert result.returncode != 0
    assert "core.E001" in result.stderr and "core.E002" not in result.stderr


def test_check_refuses_a_field_key_left_unset_or_retired():
    unset = run(["manage.py", "check"], DEBUG="0", SECRET_KEY="s" * 50)
    assert unset.returncode != 0 and "core.E002" in unset.stderr and "core.E001" not in unset.stderr
    retired = run(
        ["manage.py", "check"],
        DEBUG="0",
        SECRET_KEY="s" * 50,
        FIELD_ENCRYPTION_KEY="k1",
        FIELD_ENCRYPTION_OLD_KEYS="k1",
    )
    assert retired.returncode != 0 and "core.E002" in retired.stderr


def test_migrate_refuses_too():
    result = run(["manage.py", "migrate", "--check"], DEBUG="0")
    assert result.returncode != 0 and "core.E001" in result.stderr


def test_wsgi_application_refuses_to_load():
    """gunicorn does not run system checks: dangjian/wsgi.py does."""
    result = run(["-c", "import dangjian.wsgi"], DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "core.E001" in result.stderr
    ok = run(["-c", "import dangjian.wsgi"], DEBUG="0", SECRET_KEY="s" * 50, FIELD_ENCRYPTION_KEY="f" * 50)
    assert ok.returncode == 0, ok.stderr


def test_embedded_default_with_debug_on_starts():
    result = run(["manage.py", "check"], DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_check_deploy_with_the_production_settings_prints_no_warning():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr.upper() and result.stderr.strip() == ""


def test_check_deploy_without_the_transport_settings_warns():
    """The settings above are what clears Django's warnings: without them the same check complains."""
    env = {k: v for k, v in PRODUCTION.items() if not k.startswith("SECURE_")}
    result = run(["manage.py", "check", "--deploy"], **env)
    for warning in ["security.W004", "security.W008", "security.W012", "security.W016"]:
        assert warning in result.stderr, warning
