"""Signing in: password rules, single sign-on (OpenID Connect), the second factor, lockouts and
the per-account rate on password guessing."""

from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_int, env_str

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
