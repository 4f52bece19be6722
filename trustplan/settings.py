"""TrustPlan settings: one module, read from the environment.

Defaults run on a fresh clone (SQLite in the project folder). With DEBUG off (the default),
the settings are those of production: SECRET_KEY must come from the environment and be
strong, cookies are secure, HTTPS is enforced behind a proxy.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]

DEV_SECRET_KEY = "dev-only-insecure-key-never-used-in-production-0123456789abcdef"  # noqa: S105


def _secret_key():
    key = env_str("SECRET_KEY")
    if not key:
        if DEBUG or TESTING:
            return DEV_SECRET_KEY
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production mode (DEBUG off) needs a random key of at "
            "least 50 characters, e.g. python -c 'import secrets; print(secrets.token_urlsafe(64))'."
        )
    weak = len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure")
    if weak and not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY is too weak: use at least 50 random characters.")
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

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
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions + WAL + a busy timeout: concurrent writers queue, never fail fast.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
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
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "trustplan_cache",
            "OPTIONS": {"MAX_ENTRIES": 20000},  # page cache entries are per user and session
        }
    }
# Dashboards keep their rendered page this long, per user and session, and build it afresh after
# any write (plans/freshness.py). The suite turns it off except where it tests it.
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 0 if TESTING else 60)
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

# --- Auth -----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "trustplan.accounts.oidc.OrganisationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# The one answer to "may this user do X" (plans.scope.may); the drivers app reads it from here
# so that it keeps importing nothing of the plans app.
PERMISSION_POLICY = "plans.scope.may"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Single sign-on (OpenID Connect, trustplan/accounts/oidc.py) and second factor --------
# On when OIDC_ISSUER and OIDC_CLIENT_ID are set; the endpoints come from the issuer's discovery.
OIDC_ISSUER = env_str("OIDC_ISSUER").rstrip("/")
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
OIDC_RP_SCOPES = env_str("OIDC_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGO", "RS256")
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")  # comma-separated claim names
OIDC_ROLE_MAP = env_str("OIDC_ROLE_MAP")  # JSON {claim value: grant(s)}: trustplan/accounts/claims.py
OIDC_BUTTON_LABEL = env_str("OIDC_BUTTON_LABEL", "Sign in with your organisation")
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True  # server-side session only: the id_token_hint of the provider's sign-out
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc-callback"
LOCAL_LOGIN = env_str("LOCAL_LOGIN", "on").strip().lower()  # on | admins | off
if LOCAL_LOGIN not in {"on", "admins", "off"}:
    raise ImproperlyConfigured(f"LOCAL_LOGIN is {LOCAL_LOGIN!r}: use on, admins or off.")
MFA_REQUIRED_FOR_ADMINS = env_bool("MFA_REQUIRED_FOR_ADMINS", True)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "TrustPlan")
PASSWORD_RESET_RATE = env_int("PASSWORD_RESET_RATE", 5)  # per hour, per address and per e-mail
PASSWORD_CHANGE_RATE = env_int("PASSWORD_CHANGE_RATE", 10)  # per hour, per user
MFA_CODE_RATE = env_int("MFA_CODE_RATE", 20)  # code attempts per hour, per user
PASSWORD_RESET_TIMEOUT = 60 * 60  # a reset link works for an hour

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "trustplan.security.lockout_response"  # 429, templates/registration/locked_out.html
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failed log-in kept in the database (admin: Axes)
# Number of reverse proxies in front of the app that append to X-Forwarded-For. 0: the header
# is ignored (a client could forge it); set it to the real count behind a load balancer, or
# every client shares the proxy's address for lockouts and throttling.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "trustplan.security.client_ip"
# Per account, across all addresses (trustplan/login_rate.py): after ACCOUNT_FREE_FAILURES failed
# log-ins within the window, each attempt waits 2, 4, 8 … s after the last failure, at most
# ACCOUNT_MAX_DELAY_SECONDS; a browser that logged in to the account before is not slowed.
ACCOUNT_FREE_FAILURES = env_int("ACCOUNT_FREE_FAILURES", 10)
ACCOUNT_MAX_DELAY_SECONDS = env_int("ACCOUNT_MAX_DELAY_SECONDS", 60)
ACCOUNT_FAILURE_WINDOW_MINUTES = env_int("ACCOUNT_FAILURE_WINDOW_MINUTES", 60)

# --- Security (production values unless DEBUG) ----------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000  # the monthly review posts ~10 fields per action

from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Protective marking --------------------------------------------------------------------
# The Government Security Classification marking carried by every page, print and export.
PROTECTIVE_MARKINGS = ("OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET")
PROTECTIVE_MARKING = " ".join(env_str("PROTECTIVE_MARKING", "OFFICIAL").upper().split())
if PROTECTIVE_MARKING not in PROTECTIVE_MARKINGS:
    raise ImproperlyConfigured(f"PROTECTIVE_MARKING must be one of {', '.join(PROTECTIVE_MARKINGS)}.")

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
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

# --- Logging: security events go to the "trustplan.security" logger -----------------------
# Every record of "trustplan.security" carries time (UTC, ISO 8601), user and client address.
# SECURITY_LOG_FILE adds a file (ship it to the force's log store); stderr always. Server errors
# (django.request, level ERROR) go to the same places with their traceback (trustplan/errors.py).
ADMINS = [("TrustPlan operators", address) for address in env_list("ADMINS_EMAILS")]
SECURITY_LOG_FILE = env_str("SECURITY_LOG_FILE")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_context": {"()": "trustplan.security.RequestContextFilter"},
        "error_reference": {"()": "trustplan.errors.ErrorReferenceFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "security": {
            "()": "trustplan.security.UTCFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s user=%(user)s ip=%(ip)s %(message)s",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "server_errors": {"class": "logging.StreamHandler", "formatter": "security"},
        "mail_admins": {"class": "django.utils.log.AdminEmailHandler", "level": "ERROR"},
        "security_console": {
            "class": "logging.StreamHandler",
            "formatter": "security",
            "filters": ["request_context"],
        },
        **(
            {
                "security_file": {
                    "class": "logging.handlers.WatchedFileHandler",
                    "filename": SECURITY_LOG_FILE,
                    "formatter": "security",
                    "filters": ["request_context"],
                }
            }
            if SECURITY_LOG_FILE
            else {}
        ),
    },
    "loggers": {
        "trustplan.security": {
            "handlers": ["security_console"] + (["security_file"] if SECURITY_LOG_FILE else []),
            "filters": ["request_context"],
            "level": "INFO",
            "propagate": True,
        },
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": True},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": True},
        # Every server error (500) with its traceback and the reference shown to the user: to
        # standard error, and to SECURITY_LOG_FILE where set. 4xx answers are not logged here.
        "django.request": {
            "handlers": ["server_errors"]
            + (["security_file"] if SECURITY_LOG_FILE else [])
            + (["mail_admins"] if ADMINS else []),
            "filters": ["error_reference", "request_context"],
            "level": "ERROR",
            "propagate": False,
        },
    },
}

SIMPLE_HISTORY_REVERT_DISABLED = True  # text history is read-only (plans/admin/ refuses reverts)

TRUSTPLAN_DEFAULT_REVIEW_DAYS = 31
TRUSTPLAN_DEMO_PASSWORD_DEFAULT = "trustplan-demo-2026"  # noqa: S105 (documented, local only)

# --- Publishing: board packs, the plan in Word, the public page ------------------------------
PUBLIC_LICENCE = env_str("PUBLIC_LICENCE", "Open Government Licence v3.0")
PUBLIC_LICENCE_URL = env_str(
    "PUBLIC_LICENCE_URL", "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
)
# What the public sees of an action's owners: "team_and_rank" (teams and ranks, never names),
# "team" (teams only) or "none".
PUBLIC_OWNER_DETAIL = env_str("PUBLIC_OWNER_DETAIL", "team_and_rank")
PUBLIC_CACHE_SECONDS = env_int(
    "PUBLIC_CACHE_SECONDS", 60
)  # how long an unpublished page may linger in caches
PUBLIC_RATE_LIMIT = env_str("PUBLIC_RATE_LIMIT", "120/minute")  # per client address
