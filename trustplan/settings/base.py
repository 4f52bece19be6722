"""What the application is made of: apps, middleware, templates, database, cache and sessions,
time zone, static files, e-mail and the API framework."""

import dj_database_url

from .env import BASE_DIR, DEBUG, TESTING, env_bool, env_int, env_str

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "drivers",
    "plans",
    "trustplan",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "trustplan.security.SecurityContextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "plans.publishing.http.PublicResponseMiddleware",  # public pages: no cookies, cacheable
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "trustplan.session_limits.AbsoluteSessionLifetimeMiddleware",
    "trustplan.login_rate.AccountLoginRateMiddleware",  # per-account rate on password guessing
    "django_otp.middleware.OTPMiddleware",
    "trustplan.middleware.LoginRequiredMiddleware",
    "trustplan.accounts.mfa.SecondFactorMiddleware",
    "trustplan.query_limits.QueryLimitsMiddleware",  # 400 for an id too large for the database
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "trustplan.urls"
WSGI_APPLICATION = "trustplan.wsgi.application"

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
                "trustplan.context_processors.roles",
                "trustplan.context_processors.links",
                "trustplan.context_processors.marking",
                "trustplan.context_processors.waiting",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# A worker keeps its connection for CONN_MAX_AGE seconds (gunicorn.conf.py sets 60). Before a kept
# connection serves a new request it is checked (PostgreSQL: one "SELECT 1", 0.05 ms on loopback):
# after a database restart the request gets a new connection, not a server error.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 0),
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions + WAL + a busy timeout: concurrent writers queue, never fail fast.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
_on_postgresql = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if _on_postgresql and env_bool("PG_PREPARED_STATEMENTS", True):
    # Server-side parameters, and each statement a connection has run twice kept prepared with a
    # generic plan: PostgreSQL plans a dashboard's statement once per connection instead of on
    # every request (planning was most of the database's CPU: the API's action read planned in
    # 2.2 ms and ran in 0.3 ms). Measured over the load test's mix of requests: the database's
    # CPU a request down by a third. Off (PG_PREPARED_STATEMENTS=0) behind a pooler in
    # transaction mode that cannot keep prepared statements.
    _options = DATABASES["default"].setdefault("OPTIONS", {})  # with any the URL gave (?options=…)
    _options.update(server_side_binding=True, prepare_threshold=2)
    _options["options"] = f"{_options.get('options', '')} -c plan_cache_mode=force_generic_plan".strip()
if env_str("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions ------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "trustplan.cache.DatabaseCache",  # one statement a write: trustplan/cache.py
            "LOCATION": "trustplan_cache",
            # Page cache entries are per user and session. The table is counted (to cull it) on one
            # write in 50; on every write in the suite, so that query counts stay the same.
            "OPTIONS": {"MAX_ENTRIES": 20000, "COUNT_EVERY": 1 if TESTING else 50},
        }
    }
# Dashboards keep their rendered page this long, per user and session, and build it afresh after
# any write (plans/freshness.py). The suite turns it off except where it tests it.
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 0 if TESTING else 60)
# The reference tables (BCUs, boroughs, pillars, drivers, measures) kept in each process between
# requests, at most this long, and read again after any committed write to one of them
# (plans/shared_tables.py); 0 reads them on every page (the suite: its writes never commit), and
# keeps none of the oversight page's counts of each borough either (plans/dashboards/kept_counts.py).
REFERENCE_TABLES_SECONDS = env_int("REFERENCE_TABLES_SECONDS", 0 if TESTING else 60)
PAGE_CACHE_ENTRIES_PER_USER = env_int("PAGE_CACHE_ENTRIES_PER_USER", 30)  # plans/page_keys.py
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 60 * 60 * 8)
# An idle timeout: expiry counts from the last renewal, at most one a minute (session_limits.py);
# in the suite every request renews, so that query counts do not depend on the order of requests.
SESSION_RENEW_SECONDS = env_int("SESSION_RENEW_SECONDS", 0 if TESTING else 60)
# However active, a session ends this long after its log-in (trustplan/session_limits.py).
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 60 * 60 * 12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
FORMAT_MODULE_PATH = ["trustplan.formats"]  # dates shown and entered the British way
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_AUTOREFRESH = DEBUG or TESTING  # serve from the finders in development and tests
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "trustplan@localhost")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# Notification and reminder e-mails carry a link, not plan text, unless this is on.
NOTIFICATION_EMAIL_PLAN_TEXT = env_bool("NOTIFICATION_EMAIL_PLAN_TEXT", False)

# --- REST framework -------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: a request without credentials gets 401 with "WWW-Authenticate: Token".
    # A refused token counts against the "failed_token" rate (per client address).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "plans.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny by default: logged in and holding a role (plans.api.permissions.ReadsPlans). ReadsPlans
    # comes first: it runs the throttles before refusing, so anonymous requests are counted too.
    "DEFAULT_PERMISSION_CLASSES": [
        "plans.api.permissions.ReadsPlans",
        "rest_framework.permissions.IsAuthenticated",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "plans.api.filters.FilterBackend",
        "plans.api.filters.StableOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "plans.api.pagination.Pagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("THROTTLE_ANON", "30/minute"),
        "user": env_str("THROTTLE_USER", "2000/minute"),
        "failed_token": env_str("THROTTLE_FAILED_TOKEN", "10/minute"),
    },
    "NUM_PROXIES": env_int("TRUSTED_PROXY_COUNT", 0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "TrustPlan API",
    "DESCRIPTION": "Police trust-and-confidence action plans: boroughs, plans, actions, "
    "RAG status updates, confidence drivers and survey measures.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.IsAuthenticated",
        "plans.api.permissions.ReadsPlans",
    ],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "plans.api.schema.document_errors",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": False, "displayOperationId": False},
    "ENUM_NAME_OVERRIDES": {
        "RagEnum": "plans.choices.RAG",
        "StatusEnum": "plans.choices.Status",
    },
}

SIMPLE_HISTORY_REVERT_DISABLED = True  # text history is read-only (plans/admin/ refuses reverts)

TRUSTPLAN_DEFAULT_REVIEW_DAYS = 31
TRUSTPLAN_DEMO_PASSWORD_DEFAULT = "trustplan-demo-2026"  # noqa: S105 (documented, local only)
