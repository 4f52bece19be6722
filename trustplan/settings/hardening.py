"""Production hardening (values of production unless DEBUG): the secret key, hosts, HTTPS and
cookies, upload limits, the content security policy, the protective marking and the security log."""

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from .env import DEBUG, TESTING, env_bool, env_int, env_list, env_str

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
