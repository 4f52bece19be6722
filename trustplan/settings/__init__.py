"""TrustPlan settings, read from the environment (``DJANGO_SETTINGS_MODULE=trustplan.settings``).

Defaults run on a fresh clone (SQLite in the project folder). With DEBUG off (the default),
the settings are those of production: SECRET_KEY must come from the environment and be
strong, cookies are secure, HTTPS is enforced behind a proxy.

Modules: ``env`` (the environment helpers, DEBUG, TESTING), ``base`` (apps, database, cache,
sessions, static, e-mail, API), ``sign_in`` (passwords, single sign-on, second factor,
lockouts), ``hardening`` (secret key, hosts, HTTPS, cookies, CSP, protective marking, security
log) and ``publishing`` (board packs, the public page).
"""

from .base import *  # noqa: F403
from .env import *  # noqa: F403
from .hardening import *  # noqa: F403
from .publishing import *  # noqa: F403
from .sign_in import *  # noqa: F403
