"""Publishing: board packs, the plan in Word and the public page (licence, what the public sees
of owners, caching and rate)."""

from .env import env_int, env_str

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
