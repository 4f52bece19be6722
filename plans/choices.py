"""Enumerations of the plans app, with the colour and label used for badges beside them."""

from django.db import models


class RAG(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    NOT_RATED = "not_rated", "Not rated"


class Status(models.TextChoices):
    """What a dashboard counts: an action's RAG, or Complete once it is done (BRAG)."""

    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    NOT_RATED = "not_rated", "Not rated"
    COMPLETE = "complete", "Complete"


# Background, text colour and a glyph so that status is never shown by colour alone.
STATUS_STYLE = {
    Status.RED: {"bg": "#c8102e", "fg": "#ffffff", "icon": "✖", "meaning": "off track"},
    Status.AMBER: {"bg": "#f2a900", "fg": "#1a1a1a", "icon": "▲", "meaning": "at risk"},
    Status.GREEN: {"bg": "#00703c", "fg": "#ffffff", "icon": "●", "meaning": "on track"},
    Status.NOT_RATED: {"bg": "#d9d9d9", "fg": "#1a1a1a", "icon": "○", "meaning": "not rated"},
    Status.COMPLETE: {"bg": "#1d70b8", "fg": "#ffffff", "icon": "✔", "meaning": "complete"},
}

STATUS_ORDER = [Status.RED, Status.AMBER, Status.GREEN, Status.NOT_RATED, Status.COMPLETE]
# Higher is better: used to say whether an action moved up or down between two dates.
STATUS_RANK = {
    Status.RED: 0,
    Status.AMBER: 1,
    Status.NOT_RATED: 1,
    Status.GREEN: 2,
    Status.COMPLETE: 3,
}

_RAG_WORDS = {
    "red": RAG.RED,
    "r": RAG.RED,
    "amber": RAG.AMBER,
    "a": RAG.AMBER,
    "yellow": RAG.AMBER,
    "green": RAG.GREEN,
    "g": RAG.GREEN,
    "": RAG.NOT_RATED,
    "not rated": RAG.NOT_RATED,
    "not_rated": RAG.NOT_RATED,
    "unrated": RAG.NOT_RATED,
    "n/a": RAG.NOT_RATED,
}


def parse_rag(value):
    """Turn a RAG word in any case ("GREEN", "Green", "amber ") into a RAG value.

    Raises ValueError with a message that names the accepted words.
    """
    key = " ".join(str(value or "").split()).lower()
    if key in _RAG_WORDS:
        return _RAG_WORDS[key]
    raise ValueError(f"'{value}' is not a RAG rating: use Red, Amber, Green or leave it blank (Not rated).")


class MembershipRole(models.TextChoices):
    EDITOR = "editor", "Editor (borough senior leadership team)"
    LEAD = "lead", "Plan lead (submits returns)"
    COMMANDER = "commander", "Borough commander (signs off returns)"


class Role(models.TextChoices):
    """Django groups; a borough editor is also a member of a borough (Membership)."""

    BOROUGH_EDITOR = "Borough editor"
    FORCE_EDITOR = "Force editor"
    OVERSIGHT = "Oversight"
    ANALYST = "Analyst"
    ADMINISTRATOR = "Administrator"


class UpdateSource(models.TextChoices):
    PAGE = "page", "Action page"
    REVIEW = "review", "Monthly review"
    API = "api", "API"
    ADMIN = "admin", "Admin"
    IMPORT = "import", "Import"
    SEED = "seed", "Published plan"
    SYNTHETIC = "synthetic", "Synthetic data"


class ChallengeStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Closed"


class ReturnStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    SIGNED_OFF = "signed_off", "Signed off"
    SENT_BACK = "sent_back", "Sent back"


class ReturnEventKind(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    SIGNED_OFF = "signed_off", "Signed off"
    SENT_BACK = "sent_back", "Sent back"
