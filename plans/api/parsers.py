"""Request body parsers of the API: DRF's, with a plainer message for a body that is not JSON."""

import json

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """A body that is not JSON (truncated, not UTF-8, ...) is a 400 that says where it broke."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError as exc:
            cause = exc.__context__
            if isinstance(cause, json.JSONDecodeError):
                reason = f"{cause.msg} at line {cause.lineno}, column {cause.colno}"
            elif isinstance(cause, UnicodeError):
                reason = "it is not UTF-8 text"
            else:
                reason = str(cause or exc.detail)
            raise ParseError(
                f"The request body is not valid JSON ({reason}). Nothing was saved.", code="parse_error"
            ) from cause


PARSERS = [JSONParser, parsers.FormParser, parsers.MultiPartParser]
