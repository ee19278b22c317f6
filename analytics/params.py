"""A report request's parameters, read and validated once (the view layer): a bad value is a 400
`invalid_parameter` that names it."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from rest_framework.request import Request

from analytics import query, reports
from analytics.services import DEVICES
from api.errors import InvalidParameter
from api.models import Category

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


# The parameters of the query model (analytics.query): a request naming any of these is answered by it.
QUERY_MODEL_PARAMETERS = ("dimensions", "filters", "sort", "max_results", "start_index", "compare")
FILTER = re.compile(r"^([a-z_]+)==(.+)$")
COUNTRY = re.compile(r"^[A-Za-z]{2}$")
LANGUAGE = re.compile(r"^[A-Za-z]{2}$")


def uses_query_model(request: Request) -> bool:
    params = request.query_params
    if any(params.get(name) not in (None, "") for name in QUERY_MODEL_PARAMETERS):
        return True
    metrics = _names(request, "metrics")
    return bool(set(metrics) - set(reports.METRICS))


def _names(request: Request, name: str) -> tuple[str, ...]:
    return tuple(
        dict.fromkeys(
            m.strip() for v in request.query_params.getlist(name) for m in v.split(",") if m.strip()
        )
    )


def report_query(
    request: Request,
    *,
    scope: query.Scope,
    today: date,
    dimensions: tuple[str, ...] = (),
    metrics: tuple[str, ...] = reports.DEFAULT_METRICS,
    filters: dict[str, tuple[Any, ...]] | None = None,
    max_results: int = query.MAX_RESULTS,
) -> query.Query:
    """A query of the model from the request's parameters; the defaults are the endpoint's (its older
    parameters read by the caller)."""
    params = request.query_params
    start, end = date_range(request, today=today)
    dims = _names(request, "dimensions") or dimensions
    names = _names(request, "metrics") or (
        query.RETENTION_METRICS if query.RETENTION_DIMENSION in dims else metrics
    )
    unknown = [m for m in names if m not in query.METRICS]
    if unknown:
        raise InvalidParameter(
            {"metrics": [f"Unknown metric {unknown[0]!r}; expected any of {', '.join(query.METRICS)}."]}
        )
    unknown = [d for d in dims if d not in query.DIMENSIONS]
    if unknown:
        raise InvalidParameter(
            {
                "dimensions": [
                    f"Unknown dimension {unknown[0]!r}; expected up to two of {', '.join(query.DIMENSIONS)}."
                ]
            }
        )
    sort = []
    for name in _names(request, "sort"):
        descending = name.startswith("-")
        sort.append((name.lstrip("-"), descending))
    compare = str(params.get("compare") or "") or None
    if compare and compare not in query.COMPARE:
        raise InvalidParameter({"compare": [f"Expected one of: {', '.join(query.COMPARE)}."]})
    if compare and end - start > reports.MAX_RANGE / 2:
        raise InvalidParameter({"compare": ["A compared range may span at most 18 months."]})
    model = query.Query(
        scope=scope,
        start=start,
        end=end,
        metrics=names,
        dimensions=dims,
        filters={**(filters or {}), **report_filters(str(params.get("filters") or ""))},
        sort=tuple(sort),
        max_results=_bounded(request, "max_results", max_results, 1, query.MAX_RESULTS),
        start_index=_bounded(request, "start_index", 1, 1, 10**6),
        compare=compare,
    )
    query.check(model)
    return model


def _bounded(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = str(request.query_params.get(name) or default)
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise InvalidParameter({name: [f"Expected an integer from {low} to {high}."]})
    return int(raw)


def report_filters(raw: str) -> dict[str, tuple[Any, ...]]:
    """`country==KR,JP;device==mobile`: `;` is AND between fields, `,` is OR between one field's values."""
    filters: dict[str, tuple[Any, ...]] = {}
    for part in (p.strip() for p in raw.split(";")):
        if not part:
            continue
        match = FILTER.match(part)
        if not match:
            raise InvalidParameter({"filters": [f"Expected field==value[,value...], got {part!r}."]})
        name, values = match.group(1), [v.strip() for v in match.group(2).split(",") if v.strip()]
        if name not in query.FILTER_FIELDS:
            raise InvalidParameter(
                {"filters": [f"Unknown field {name!r}; expected one of {', '.join(query.FILTER_FIELDS)}."]}
            )
        if name in filters:
            raise InvalidParameter({"filters": [f"{name} is filtered twice; list its values with commas."]})
        if not values or len(values) > 200:
            raise InvalidParameter({"filters": [f"{name}: between 1 and 200 values."]})
        filters[name] = tuple(_filter_value(name, v) for v in values)
    return filters


def _filter_value(name: str, value: str) -> Any:
    def bad(expected: str) -> InvalidParameter:
        return InvalidParameter({"filters": [f"{name}: {value!r} is not {expected}."]})

    if name in ("video", "channel"):
        if not value.isdigit() or not 0 < int(value) < 2**63:
            raise bad("a positive integer id")
        return int(value)
    if name == "country":
        if not COUNTRY.match(value):
            raise bad("a two-letter country code")
        return value.upper()
    if name == "language":
        if not LANGUAGE.match(value):
            raise bad("a two-letter language code")
        return value.lower()
    if name == "device":
        if value not in DEVICES:
            raise bad(f"one of {', '.join(DEVICES)}")
        return value
    if value not in Category.values:
        raise bad(f"one of {', '.join(Category.values)}")
    return value
