"""Request ids, JSON logs and Prometheus metrics (API.md, Operations).

Every response carries `X-Request-ID` (the caller's when sane, else a new one) and every log line of the
request carries the same id. `/metrics` is the Prometheus text format: requests by endpoint (the URL
route, so ids do not multiply series) and status, latency and database-time histograms, the service's
own counters, and the maintenance jobs' lag read at scrape time. Under gunicorn every worker writes its
samples to PROMETHEUS_MULTIPROC_DIR (gunicorn.conf.py sets one up) and a scrape sums them.
"""

from __future__ import annotations

import contextvars
import hmac
import json
import logging
import os
import re
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.signals import request_finished
from django.db import connection
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from api.errors import json_error

REQUEST_ID = contextvars.ContextVar("request_id", default="-")
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
REQUESTS = Counter("http_requests_total", "Requests answered", ["endpoint", "method", "status"])
LATENCY = Histogram("http_request_duration_seconds", "Time to answer", ["endpoint"], buckets=LATENCY_BUCKETS)
DB_TIME = Histogram(
    "http_request_db_seconds",
    "Time in database statements per request",
    ["endpoint"],
    buckets=LATENCY_BUCKETS,
)
ZERO_RESULT_SEARCHES = Counter("search_zero_results_total", "Video searches that found nothing")
INGESTED_EVENTS = Counter("ingest_events_total", "View events by outcome", ["outcome"])


class RequestIdMiddleware:
    """First in the stack: the request's id for the response header and the logs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = given if SANE_REQUEST_ID.match(given) else uuid.uuid4().hex
        # Kept until the response is closed (request_finished below): Django logs 4xx and 5xx answers
        # after the middleware has returned.
        REQUEST_ID.set(request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


@receiver(request_finished)
def _forget_request_id(**kwargs: Any) -> None:
    REQUEST_ID.set("-")


class MetricsMiddleware:
    """Counts and times every request, and the time its database statements took."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        db_seconds = 0.0

        def timed(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal db_seconds
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                db_seconds += time.perf_counter() - started

        started = time.perf_counter()
        with connection.execute_wrapper(timed):
            response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        endpoint = f"/{match.route}" if match and match.route else "unmatched"
        REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
        LATENCY.labels(endpoint).observe(time.perf_counter() - started)
        DB_TIME.labels(endpoint).observe(db_seconds)
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line (LOG_FORMAT=json)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class MaintenanceLag(Collector):
    """Each periodic job's lag, read from the database at scrape time."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from maintenance.jobs import status

        lag = GaugeMetricFamily(
            "maintenance_job_lag_seconds",
            "Seconds a periodic job is past its period (0: on schedule)",
            labels=["job"],
        )
        for job, state in status().items():
            lag_s = state["lag_s"]
            lag.add_metric([job], float(lag_s) if isinstance(lag_s, int | float) else float("nan"))
        yield lag


def metrics(request: HttpRequest) -> HttpResponse:
    """GET /metrics; with METRICS_TOKEN set, only for `Authorization: Bearer <token>`."""
    if settings.METRICS_TOKEN:
        given = request.META.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
        if not hmac.compare_digest(given.encode(), settings.METRICS_TOKEN.encode()):
            return json_error(
                status_code=403, code="permission_denied", message="Metrics need the metrics token."
            )
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    body = generate_latest(registry) + generate_latest(_maintenance_registry())
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


def _maintenance_registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(MaintenanceLag())
    return registry
