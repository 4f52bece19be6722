from django import template

from plans.badges import status_badge

register = template.Library()


@register.simple_tag
def rag_badge(status):
    """{% rag_badge action.status %}: a RAG badge with word and glyph."""
    return status_badge(status)
