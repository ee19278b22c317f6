from __future__ import annotations

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from api.errors import json_error
from config.db.base import DatabaseWrapper, request_budget_ms


class BodySizeLimitMiddleware:
    """Refuses a request whose declared body is over DATA_UPLOAD_MAX_MEMORY_SIZE before reading any of it
    (DRF's parsers read the stream directly and would not enforce Django's limit), and a chunked body
    (411), which would be read as empty."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            # Django reads CONTENT_LENGTH bytes of a body, none without it: a chunked body would be taken
            # as empty and the request answered as if it had asked nothing
            return json_error(
                status_code=411,
                code="length_required",
                message="Send the body with a Content-Length; chunked bodies are not read.",
            )
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return json_error(status_code=400, code="invalid_body", message="Content-Length is not a number.")
        if limit is not None and length > limit:
            return json_error(
                status_code=413, code="payload_too_large", message=f"The request body is over {limit} bytes."
            )
        return self.get_response(request)


class QueryStringGuardMiddleware:
    """Refuses NUL characters anywhere in the query string (PostgreSQL text and jsonb cannot hold them) with
    one clear 400, rather than letting each filter meet them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                name = key.replace("\x00", "\\0")[:64]
                return json_error(
                    status_code=400,
                    code="invalid_parameter",
                    message=f"{name}: NUL characters are not allowed.",
                    details={name: ["NUL characters are not allowed."]},
                )
        return self.get_response(request)


class StatementBudgetMiddleware:
    """Each request's SQL statements run under a time budget (PostgreSQL's statement_timeout): a caller
    that sends a token (`Authorization`) has DB_STATEMENT_TIMEOUT_MS (5 s), an anonymous one
    DB_STATEMENT_TIMEOUT_ANON_MS (2 s). Past it the statement is cancelled and the request answered 503
    `query_timeout`. A connection already open gets the budget now (nothing to do when its last request had
    the same); one opened later in the request, when it is made (config.db.base)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        anonymous = not request.META.get("HTTP_AUTHORIZATION")
        budget = settings.STATEMENT_TIMEOUT_ANON_MS if anonymous else settings.STATEMENT_TIMEOUT_MS
        token = request_budget_ms.set(budget)
        try:
            for connection in connections.all(initialized_only=True):
                if isinstance(connection, DatabaseWrapper):
                    try:
                        connection.apply_statement_budget()
                    except DatabaseError:
                        if connection.alias == DEFAULT_DB_ALIAS:
                            raise
                        # a replica that went away: closed here, and skipped or retried where it is read
                        # (config.replicas), as if this request had found it so
                        connection.close()
            return self.get_response(request)
        finally:
            request_budget_ms.reset(token)
