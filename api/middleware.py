from __future__ import annotations

from django.conf import settings

from api.errors import json_error


class BodySizeLimitMiddleware:
    """Refuses a request whose declared body is over DATA_UPLOAD_MAX_MEMORY_SIZE before reading any of it
    (DRF's parsers read the stream directly and would not enforce Django's limit)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return json_error(status_code=400, code="invalid_body", message="Content-Length is not a number.")
        if limit is not None and length > limit:
            return json_error(
                status_code=413, code="payload_too_large", message=f"The request body is over {limit} bytes."
            )
        return self.get_response(request)
