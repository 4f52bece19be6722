"""RAG badges: colour, glyph and word together, so status is never shown by colour alone."""

from functools import cache

from django.utils.html import format_html

from .choices import STATUS_STYLE, Status


def status_badge(status):
    return _badge(Status(status))


@cache
def _badge(status):
    """The badge of each status, written once (the pages show hundreds)."""
    style = STATUS_STYLE[status]
    return format_html(
        '<span class="rag rag-{}" title="{}: {}"><span aria-hidden="true">{}</span> {}</span>',
        status.value,
        status.label,
        style["meaning"],
        style["icon"],
        status.label,
    )
