"""Refuses query parameters holding a whole number too large for any id (400, with a message).

A filter such as ``?owner=99999999999999999999999`` reaches the database as an integer and
overflows there (SQLite: "Python int too large to convert to SQLite INTEGER"), a 500 on pages,
exports and the admin alike. This middleware answers every such request with a 400 naming the
parameter, before any view runs, so every present and future filter is covered. Free-text
parameters (searches) are left alone: a long number is a valid search term.
"""

import re

from django.http import JsonResponse
from django.shortcuts import render

MAX_ID = 2**63 - 1  # the largest value of a 64-bit database id (PostgreSQL bigint, SQLite INTEGER)
WHOLE_NUMBER = re.compile(r"^\s*[+-]?\d+(\.0*)?\s*$")
FREE_TEXT = frozenset({"q", "term", "search"})
TOO_LARGE = "Too large: not an id of this API."


def too_large(value):
    """True when ``value`` (a query-string value) is a whole number beyond ``MAX_ID``."""
    if len(value) > 200:
        return bool(re.fullmatch(r"\s*[+-]?\d+\s*", value))
    return bool(WHOLE_NUMBER.match(value)) and abs(int(value.strip().split(".")[0])) > MAX_ID


def oversized_parameters(query):
    """Names of the parameters of ``query`` (a QueryDict) with a too-large whole number."""
    return sorted(
        {
            name
            for name, values in query.lists()
            if name not in FREE_TEXT and any(too_large(v) for v in values)
        }
    )


class QueryLimitsMiddleware:
    """400 for a request whose query string holds a whole number larger than any id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        names = oversized_parameters(request.GET)
        if not names:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({name: [TOO_LARGE] for name in names}, status=400)
        message = (
            f"The value of {', '.join(names)} is too large a number: no record has an id that "
            "large. Go back and choose from the lists instead."
        )
        return render(request, "400.html", {"message": message}, status=400)
