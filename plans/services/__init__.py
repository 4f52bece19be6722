"""Every write of the plans app, one module per feature; each function is keyword-only, checks
permission (plans.scope), validates, writes in one transaction and records history.

- ``status``: an action's status (``apply_status_update``), the monthly review
  (``apply_review``), the first status of new actions (imports, demo, force plan);
- ``challenges``: ``raise_challenge``, ``reply_to_challenge``, ``close_challenge``;
- ``returns``: ``submit_return``, ``sign_off_return``, ``send_back_return``;
- ``reminders``: ``send_reminders``;
- ``targets``: ``set_target``;
- ``force_links``: ``set_force_links``.

The names of ``status`` are re-exported here: ``from plans.services import apply_status_update``
is how pages, admin, API and importers call the one write path of a status.
"""

from .first_status import (
    initial_status_fields,
    initial_status_row,
    initial_status_update,
    record_initial_status,
)
from .status import (
    EARLIEST_DATE,
    LATEST_DATE,
    MIN_COMMENTARY_CHARS,
    MIN_COMMENTARY_WORDS,
    UNCHANGED,
    ReviewRefused,
    ReviewRow,
    StaleVersion,
    UpdateResult,
    apply_review,
    apply_status_update,
    check_review,
    clean_text,
    validate_change,
)

__all__ = [
    "EARLIEST_DATE",
    "LATEST_DATE",
    "MIN_COMMENTARY_CHARS",
    "MIN_COMMENTARY_WORDS",
    "UNCHANGED",
    "ReviewRefused",
    "ReviewRow",
    "StaleVersion",
    "UpdateResult",
    "apply_review",
    "apply_status_update",
    "check_review",
    "clean_text",
    "initial_status_fields",
    "initial_status_row",
    "initial_status_update",
    "record_initial_status",
    "validate_change",
]
