"""One error envelope for every error (API.md, Errors):

    {"error": {"status": 400, "code": "invalid_parameter", "message": "...", "details": {...}}}

No error shows a traceback, SQL or a settings value.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from psycopg import errors as pg_errors
from rest_framework import exceptions, status
from rest_framework.response import Response

from api.exceptions import ConflictError, DomainError, InvalidInputError
from config.replicas import REPLICA_FAILED

logger = logging.getLogger(__name__)


class InvalidParameter(exceptions.ValidationError):
    """A query parameter with a bad value (400 invalid_parameter)."""

    default_code = "invalid_parameter"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is larger than the limit."
    default_code = "payload_too_large"


class QueryTimeout(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The query ran past its time limit; narrow it and try again."
    default_code = "query_timeout"


class Unavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The service is temporarily unavailable; try again shortly."
    default_code = "unavailable"


CODES_BY_EXCEPTION: list[tuple[type[Exception], str]] = [
    (InvalidParameter, "invalid_parameter"),
    (exceptions.ParseError, "invalid_body"),
    (exceptions.ValidationError, "invalid_body"),
    (exceptions.NotAuthenticated, "not_authenticated"),
    (exceptions.AuthenticationFailed, "not_authenticated"),
    (exceptions.PermissionDenied, "permission_denied"),
    (exceptions.NotFound, "not_found"),
    (exceptions.MethodNotAllowed, "method_not_allowed"),
    (exceptions.UnsupportedMediaType, "unsupported_media_type"),
    (exceptions.NotAcceptable, "not_acceptable"),
    (exceptions.Throttled, "throttled"),
]


def envelope(*, status_code: int, code: str, message: str, details: Any = None) -> dict:
    return {"error": {"status": status_code, "code": code, "message": message, "details": details or {}}}


def _first_message(detail: Any, prefix: str = "") -> str:
    if isinstance(detail, dict):
        for key, value in detail.items():
            label = key if key != "non_field_errors" else ""
            return _first_message(value, f"{prefix}.{label}" if prefix and label else (label or prefix))
        return "Invalid input."
    if isinstance(detail, list):
        return _first_message(detail[0], prefix) if detail else "Invalid input."
    return f"{prefix}: {detail}" if prefix else str(detail)


DJANGO_ERRORS: list[tuple[type[Exception], type[exceptions.APIException]]] = [
    (Http404, exceptions.NotFound),
    (DjangoPermissionDenied, exceptions.PermissionDenied),
    (RequestDataTooBig, PayloadTooLarge),
]


def _from_domain(exc: DomainError) -> exceptions.APIException:
    if isinstance(exc, InvalidInputError):
        return InvalidParameter(exc.errors)
    if isinstance(exc, ConflictError):
        return Conflict(str(exc))
    return exceptions.ValidationError(str(exc))


def _translate(exc: Exception) -> Exception:
    """Map Django and database exceptions onto API exceptions."""
    if isinstance(exc, DomainError):
        return _from_domain(exc)
    for django_error, api_error in DJANGO_ERRORS:
        if isinstance(exc, django_error):
            return api_error()
    if isinstance(exc, OperationalError) and isinstance(exc.__cause__, pg_errors.QueryCanceled):
        return QueryTimeout()
    if isinstance(exc, OperationalError | InterfaceError):
        REPLICA_FAILED.set(True)  # config.replicas answers again from the primary if a replica failed
        return Unavailable()
    return exc


def exception_handler(exc: Exception, context: dict) -> Response | None:
    exc = _translate(exc)
    if not isinstance(exc, exceptions.APIException):
        logger.error("unhandled error in %s", context.get("view").__class__.__name__, exc_info=exc)
        body = envelope(status_code=500, code="internal_error", message="Something went wrong on our side.")
        return Response(body, status=500)
    code = next((c for cls, c in CODES_BY_EXCEPTION if isinstance(exc, cls)), exc.default_code)
    details: Any = exc.detail if isinstance(exc.detail, dict | list) else {}
    if isinstance(details, list):
        details = {"non_field_errors": details}
    message = _first_message(exc.detail) if isinstance(exc, exceptions.ValidationError) else str(exc.detail)
    headers = {}
    wait = getattr(exc, "wait", None)  # Throttled's
    if isinstance(exc, exceptions.Throttled) and wait is not None:
        headers["Retry-After"] = str(int(wait) + 1)
    auth_header = getattr(exc, "auth_header", None)  # set on 401s by the views
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    body = envelope(status_code=exc.status_code, code=code, message=message, details=details)
    return Response(body, status=exc.status_code, headers=headers)


def json_error(*, status_code: int, code: str, message: str, details: Any = None) -> JsonResponse:
    return JsonResponse(
        envelope(status_code=status_code, code=code, message=message, details=details), status=status_code
    )


def handler400(request, exception=None):
    return json_error(status_code=400, code="bad_request", message="The request is malformed.")


def handler403(request, exception=None):
    return json_error(status_code=403, code="permission_denied", message="You may not do that.")


def handler404(request, exception=None):
    return json_error(status_code=404, code="not_found", message="Not found.")


def handler500(request):
    return json_error(status_code=500, code="internal_error", message="Something went wrong on our side.")


class ErrorEnvelopeMiddleware:
    """Answers exceptions escaping non-DRF views with the envelope (also with DJANGO_DEBUG on)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404):
            return handler404(request)
        logger.error("unhandled error at %s", request.path, exc_info=exception)
        return handler500(request)
