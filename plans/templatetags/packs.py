"""Template tags of the PDF board packs (templates/publishing/pack_*.html)."""

from django import template
from django.utils.html import format_html

from ..choices import STATUS_STYLE, Status

register = template.Library()


@register.simple_tag
def print_badge(status):
    """{% print_badge status %}: the RAG badge of a printed page, glyph and word in one element
    (``<b class="rag rag-red">✖ Red</b>``). The page's badge (``rag_badge``) nests a span and
    carries a tooltip that paper cannot show; one element is one box fewer for WeasyPrint to lay
    out and draw, hundreds of times a pack."""
    status = Status(status)
    return format_html(
        '<b class="rag rag-{}">{} {}</b>', status.value, STATUS_STYLE[status]["icon"], status.label
    )
