"""A drf-spectacular post-processing hook: document the error answers every operation can give,
so that clients (and schemathesis) know them: 401, 403, 429 everywhere; 404 where the path
names an object or the list is paged; 400 where the query or body is validated (with a body: one
message per field, or a single message when the body is not valid JSON)."""

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "description": "What went wrong, in a sentence.",
}
FIELD_ERRORS = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "description": "One list of messages per field (or query parameter) that is not valid.",
}
GENERIC = {
    401: "Not logged in: send Authorization: Token <key> (create one on your profile page).",
    403: "Your account has no role for this.",
    429: "Too many requests: wait and try again (see the Retry-After header).",
}


def _json(schema):
    return {"application/json": {"schema": schema}}


def document_errors(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})
    schemas = result["components"]["schemas"]
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("FieldErrors", FIELD_ERRORS)
    ref_error = {"$ref": "#/components/schemas/Error"}
    ref_fields = {"$ref": "#/components/schemas/FieldErrors"}
    ref_body_errors = {"anyOf": [ref_fields, ref_error]}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            wanted = dict(GENERIC)
            params = operation.get("parameters", [])
            if "{" in path:
                wanted[404] = "Not found."
            elif any(p.get("name") == "page" for p in params):
                wanted[404] = "No such page (past the last page)."
            if any(p.get("in") == "query" for p in params) or "requestBody" in operation:
                wanted[400] = "A value is not valid: one message per field."
            for code, description in wanted.items():
                entry = responses.setdefault(str(code), {"description": description})
                if "content" not in entry:
                    bad_request = ref_body_errors if "requestBody" in operation else ref_fields
                    entry["content"] = _json(bad_request if code == 400 else ref_error)
            for code, entry in responses.items():
                if code in {"401", "403", "404", "415", "428"} and "content" not in entry:
                    entry["content"] = _json(ref_error)
    return result
