"""Server errors: a page with a reference the user can quote, and the same reference in the log.

``server_error`` is the project's ``handler500``. It gives the request a short reference (eight
upper-case hexadecimal characters, e.g. ``7F3A09C2``) and renders ``500.html`` without touching
the database (the error may be the database). Django then logs the error on the
``django.request`` logger with its traceback; ``ErrorReferenceFilter`` adds the reference to that
record, so the line an operator finds in standard error (and in ``SECURITY_LOG_FILE``) carries the
reference the user quoted.
"""

import logging
import secrets

from django.conf import settings
from django.http import HttpResponseServerError
from django.template import loader


def reference_for(request):
    """The request's error reference, made on first use (8 hex characters)."""
    reference = getattr(request, "error_reference", None)
    if reference is None:
        reference = secrets.token_hex(4).upper()
        request.error_reference = reference
    return reference


def server_error(request, template_name="500.html"):
    """``handler500``: the error page, with the reference, rendered without a request context
    (no context processor, so no database query) and without the static files manifest (the
    stylesheet by its plain name, which whitenoise also serves). Plain text if even that fails."""
    reference = reference_for(request)
    try:
        body = loader.get_template(template_name).render(
            {"reference": reference, "static_url": settings.STATIC_URL}
        )
    except Exception:  # noqa: BLE001 — the error page must not fail in its turn
        return HttpResponseServerError(
            f"Something went wrong on our side. Quote this reference: {reference}", content_type="text/plain"
        )
    return HttpResponseServerError(body)


class ErrorReferenceFilter(logging.Filter):
    """Adds ``reference=<ref>`` to each ``django.request`` record of a server error (5xx)."""

    def filter(self, record):
        request = getattr(record, "request", None)
        if request is not None and getattr(record, "status_code", 0) >= 500:
            reference = reference_for(request)
            record.msg = f"{record.getMessage()} reference={reference}"
            record.args = ()
            record.reference = reference
        return True
