"""RAG badges: colour, glyph and word together, so status is never shown by colour alone."""

from django.utils.html import format_html

from .choices import STATUS_STYLE, Status


def status_badge(status):
    status = Status(status)
    style = STATUS_STYLE[status]
    return format_html(
        '<span class="rag rag-{}" title="{}: {}"><span aria-hidden="true">{}</span> {}</span>',
        status.value,
        status.label,
        style["meaning"],
        style["icon"],
        status.label,
    )
