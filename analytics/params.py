"""A report request's parameters, read and validated once (the view layer): a bad value is a 400
`invalid_parameter` that names it."""

from __future__ import annotations

import re
from datetime import date, timedelta

from rest_framework.request import Request

from analytics import reports
from api.errors import InvalidParameter

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def date_range(request: Request, *, today: date) -> tuple[date, date]:
    """`start` and `end`, inclusive dates, default the last 28 days; at most 3 years."""

    def day(name: str, default: date) -> date:
        raw = str(request.query_params.get(name) or "")
        if not raw:
            return default
        try:
            if not DATE.match(raw):  # the whole value: `2026-01-01garbage` is not a date
                raise ValueError(raw)
            value = date.fromisoformat(raw)
        except ValueError as exc:
            raise InvalidParameter({name: ["Expected a date (YYYY-MM-DD)."]}) from exc
        if (
            not reports.EARLIEST <= value <= reports.LATEST
        ):  # bucket arithmetic must stay inside Python's years 1-9999
            raise InvalidParameter({name: [f"Expected a date from {reports.EARLIEST} to {reports.LATEST}."]})
        return value

    end = day("end", today)
    start = day("start", end - timedelta(days=27))
    if start > end:
        raise InvalidParameter({"start": ["start must not be after end."]})
    if end - start > reports.MAX_RANGE:
        raise InvalidParameter({"start": ["The range may span at most 3 years."]})
    return start, end


def report_request(request: Request, *, today: date) -> reports.ReportRequest:
    params = request.query_params
    start, end = date_range(request, today=today)
    granularity = str(params.get("granularity") or "day")
    if granularity not in reports.GRANULARITIES:
        raise InvalidParameter({"granularity": [f"Expected one of: {', '.join(reports.GRANULARITIES)}."]})
    metrics = tuple(
        dict.fromkeys(m.strip() for v in params.getlist("metrics") for m in v.split(",") if m.strip())
    )
    metrics = metrics or reports.DEFAULT_METRICS
    unknown = [m for m in metrics if m not in reports.METRICS]
    if unknown:
        raise InvalidParameter(
            {"metrics": [f"Unknown metric {unknown[0]!r}; expected any of {', '.join(reports.METRICS)}."]}
        )
    dimension = str(params.get("dimension") or "") or None
    if dimension and dimension not in reports.DIMENSIONS:
        raise InvalidParameter({"dimension": [f"Expected one of: {', '.join(reports.DIMENSIONS)}."]})
    if granularity == "hour" and end - start >= reports.MAX_HOURLY_RANGE:
        raise InvalidParameter({"granularity": ["Hourly reports span at most 31 days."]})
    if dimension and set(metrics) - {"views", "watch_seconds", "avg_view_seconds"}:
        raise InvalidParameter({"metrics": ["Breakdowns offer views, watch_seconds and avg_view_seconds."]})
    if "unique_viewers" in metrics and granularity == "hour":
        raise InvalidParameter({"metrics": ["unique_viewers is counted per day: use day, week or month."]})
    return reports.ReportRequest(
        start=start, end=end, granularity=granularity, metrics=metrics, dimension=dimension
    )
