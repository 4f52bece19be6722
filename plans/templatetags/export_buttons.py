"""The page's export query, for the Excel and CSV buttons (templates/plans/includes/export_buttons.html)."""

from django import template

from ..exports.scope import page_export_query

register = template.Library()


@register.simple_tag(takes_context=True)
def export_query(context):
    """The export's query string for the page being rendered (its scope and filters, no sort,
    page or other presentation parameter), or "" when the page has no export. The borough of a
    borough page is the context's ``borough``."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    borough = context.get("borough")
    query = page_export_query(match.url_name, request.GET, borough_slug=getattr(borough, "slug", None))
    return "" if query is None else "?" + query.urlencode()
