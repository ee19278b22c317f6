"""Reports as CSV (API.md, Analytics): `format=csv` or `Accept: text/csv` on every report gives a header row
of the report's column names, then its rows, UTF-8, streamed, with a file name. Errors stay JSON envelopes."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

MEDIA_TYPE = "text/csv"
CHUNK_ROWS = 200


class Echo:
    """A file-like object whose write returns the line, for csv.writer over a generator."""

    def write(self, value: str) -> str:
        return value


def lines(report: dict[str, Any]) -> Iterator[str]:
    writer = csv.writer(Echo(), lineterminator="\r\n")
    yield writer.writerow([column["name"] for column in report["columns"]])
    rows = report["rows"]
    for first in range(0, len(rows), CHUNK_ROWS):
        yield "".join(writer.writerow(_cell(v) for v in row) for row in rows[first : first + CHUNK_ROWS])


def _cell(value: Any) -> Any:
    return "" if value is None else value


class CSVRenderer(BaseRenderer):
    """Lets content negotiation pick CSV (`format=csv`, `Accept: text/csv`); report views answer it with
    a streamed response of their own (`respond`), so this renders only what reaches it otherwise."""

    media_type = MEDIA_TYPE
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        if isinstance(data, dict) and "columns" in data and "rows" in data:
            return "".join(lines(data)).encode("utf-8")
        return JSONRenderer().render(data)


class ReportView(APIView):
    """Report views: JSON or CSV, and errors always as the JSON envelope."""

    renderer_classes = (JSONRenderer, CSVRenderer)

    def handle_exception(self, exc: Exception) -> Response:
        renderer = getattr(getattr(self, "request", None), "accepted_renderer", None)
        if renderer is not None and renderer.format == "csv":
            self.request.accepted_renderer, self.request.accepted_media_type = (
                JSONRenderer(),
                "application/json",
            )
        return super().handle_exception(exc)


def respond(request: Request, report: Any, filename: str) -> Response | StreamingHttpResponse:
    """The report as JSON, or streamed as CSV when the request negotiated it."""
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is None or renderer.format != "csv":
        return Response(report)
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in lines(report)), content_type=f"{MEDIA_TYPE}; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
