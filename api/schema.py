"""The OpenAPI schema's shared parts: every operation documents its problem responses, and
request bodies state the rules the API checks."""

from django.utils import translation

from tickets.forms import CATEGORY_FORMS

from .details import NOT_BLANK, PHONE, PHONE_RULE, TEXT, details_schema

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "A problem details object (RFC 9457).",
    "properties": {
        "type": {"type": "string", "format": "uri", "description": "The kind of problem."},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "description": 'Invalid input: field (nested as "details.amount") to messages.',
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["type", "title", "status", "detail"],
}

DESCRIPTIONS = {
    "400": "Invalid input: `errors` names each field and what is wrong.",
    "401": "No or invalid credentials (session, `Bearer` API key or `GuestLink` token).",
    "403": "Signed in, but not allowed (role, API key scope, or CSRF token missing).",
    "404": "No such object, or not one the caller may see (never told apart).",
    "409": "Refused by the ticket's or the incident's state (e.g. a status move the lifecycle "
    "forbids, an update to a resolved incident).",
    "412": "If-Match named an older version: someone changed the ticket since you read it.",
    "415": "Unsupported Content-Type.",
    "422": "The Idempotency-Key was already used for a different request.",
    "429": "Too many requests; retry after `Retry-After` seconds.",
    "500": "An error on our side (logged).",
}
# The POSTs that read an Idempotency-Key (api/idempotency.py).
IDEMPOTENT_CREATIONS = {"/api/v1/tickets/", "/api/v1/incidents/"}
EXAMPLE = {
    "type": "https://help.example.com/api/problems/validation-error",
    "title": "Your request is not valid.",
    "status": 400,
    "detail": "Some fields are not valid; see errors.",
    "errors": {"details.amount": ["The amount must be more than zero."]},
}


def _problem(code: str) -> dict:
    example = (
        EXAMPLE
        if code == "400"
        else {k: v for k, v in EXAMPLE.items() if k != "errors"}
        | {"status": int(code), "detail": DESCRIPTIONS[code]}
    )
    return {
        "description": DESCRIPTIONS[code],
        "content": {
            "application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "example": example,
            }
        },
    }


def add_problem_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: the Problem component, and on each operation the
    errors it can answer with."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            codes = {"401", "500"}
            writes = method in ("post", "put", "patch")
            query = any(p.get("in") == "query" for p in operation.get("parameters", []))
            if writes or query:
                codes.add("400")
            if writes:
                codes.add("415")
            security = operation.get("security", [])
            if (security and {} not in security) or writes:
                codes.add("403")
            names = {p.get("name") for p in operation.get("parameters", [])}
            if "{" in path or names & {"page", "cursor"}:  # also: a page past the end
                codes.add("404")
            if writes and ("{reference}" in path or path.startswith("/api/v1/incidents/")):
                codes.add("409")
            if "If-Match" in names:
                codes.add("412")
            if method == "post" and path in IDEMPOTENT_CREATIONS:
                codes.add("422")
            if operation.get("x-throttle") or path.endswith("/feedback/"):
                codes.add("429")
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                responses.setdefault(code, _problem(code))
    return result


def constrain(parameters: list[dict], name: str, description: str = "", **rules) -> list[dict]:
    """The OpenAPI parameters a DRF pagination or filter class describes, with `name`'s schema
    given the `rules` the class checks (and its description, if given)."""
    for parameter in parameters:
        if parameter["name"] == name:
            parameter["schema"] |= rules
            if description:
                parameter["description"] = description
    return parameters


# Request bodies: the rules of DRF's fields that drf-spectacular leaves out (DRF refuses NUL
# characters in every string, and strips spaces before "may not be blank").


def _tighten(schema: dict) -> None:
    """A request string as DRF's CharField checks it; an object closed to unknown fields
    (api.serializers.Input refuses them)."""
    if "properties" in schema:
        schema.setdefault("additionalProperties", False)
        for value in schema["properties"].values():
            _tighten(value)
    for option in schema.get("oneOf", []) + schema.get("anyOf", []):
        _tighten(option)
    if "items" in schema:
        _tighten(schema["items"])
    if schema.get("type") == "string" and not {"pattern", "format", "enum"} & set(schema):
        schema["pattern"] = NOT_BLANK if schema.get("minLength", 0) >= 1 else TEXT


def ticket_variants(schema: dict, *, multipart: bool) -> dict:
    """TicketCreate with one variant per category, each giving that category's `details`."""
    variants = []
    for code, form_class in CATEGORY_FORMS.items():
        with translation.override("en"):
            details = details_schema(form_class)
        variant = {
            "title": code,
            "properties": {"category": {"enum": [code]}, "details": details},
        }
        if details.get("required"):
            variant["required"] = ["details"]
        variants.append(variant)
    description = (
        "One variant per `category`: `details` holds what that category asks (GET "
        "/api/v1/categories/ lists the same fields with their labels). Guests, and staff "
        "filing for a customer, must give `email`."
    )
    if multipart:
        description += " In multipart/form-data, `details` is a part holding the JSON object."
    properties = schema["properties"]
    properties["details"] = {"type": "object", "description": "See the category's variant."}
    properties["phone"] = {**properties["phone"], "pattern": PHONE, "description": PHONE_RULE}
    return {**schema, "description": description, "oneOf": variants}


def request_rules(result, generator, request, public):
    """drf-spectacular postprocessing hook: request bodies and query parameters say what the
    API refuses."""
    schemas = result.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        if name.endswith("Request"):
            _tighten(schema)
    for name, multipart in (("TicketCreateRequest", False), ("TicketCreateMultipartRequest", True)):
        if name in schemas:
            schemas[name] = ticket_variants(schemas[name], multipart=multipart)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.get("in") in ("query", "path"):  # a NUL in a URL is refused
                    _tighten(parameter.get("schema", {}))
    create = result.get("paths", {}).get("/api/v1/tickets/", {}).get("post", {})
    form = create.get("requestBody", {}).get("content", {}).get("multipart/form-data")
    if form is not None:
        form["encoding"] = {"details": {"contentType": "application/json"}}
    return result
