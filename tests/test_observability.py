"""Operations (API.md): X-Request-ID on every response and in the logs, /metrics in the Prometheus text
format from every gunicorn worker, with the service's own counters and the maintenance lag."""

from __future__ import annotations

import http.client
import json
import logging
import re
import uuid

import pytest
from django.db import connection

from maintenance.jobs import JOBS, run_if_due
from tests.live import Gunicorn, database_url_of

pytestmark = pytest.mark.django_db


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one series in a Prometheus text exposition (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        match = re.match(r"^(\w+)(?:\{(.*)\})? (\S+)$", line)
        if match and match[1] == name and ",".join(sorted((match[2] or "").split(","))) == wanted:
            return float(match[3])
    return 0.0


def test_every_response_carries_a_request_id_and_the_logs_too(anon):
    mine = anon.get("/api/v1/videos/", HTTP_X_REQUEST_ID="trace-42")
    assert mine["X-Request-ID"] == "trace-42"
    fresh = anon.get("/api/v1/videos/", HTTP_X_REQUEST_ID="no spaces\nor newlines allowed")
    assert uuid.UUID(fresh["X-Request-ID"])  # an insane one is replaced
    assert anon.get("/nowhere", HTTP_X_REQUEST_ID="abc")["X-Request-ID"] == "abc"  # errors too
    from api.observability import JsonFormatter, RequestIdFilter

    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(handler.format(record))  # type: ignore[method-assign]
    handler.addFilter(RequestIdFilter())  # as settings.LOGGING attaches it to the console
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        anon.get("/api/v1/videos/999999/", HTTP_X_REQUEST_ID="trace-43")
    finally:
        logger.removeHandler(handler)
    logged = [json.loads(line) for line in lines]
    assert logged and all(entry["request_id"] == "trace-43" for entry in logged), logged
    assert any("999999" in entry["message"] for entry in logged)


def test_metrics_count_requests_searches_ingestion_and_lag(anon, client_for, make_user, video, settings):
    before = anon.get("/metrics").content.decode()
    anon.get("/api/v1/search/videos", {"q": "zzzqqqxxx"})
    anon.get("/api/v1/search/videos", {"q": "zzzqqqxxx"})
    anon.get("/api/v1/videos/")
    for job in JOBS:
        run_if_due(job)
    after = anon.get("/metrics")
    assert after["Content-Type"].startswith("text/plain")
    text = after.content.decode()
    search = {"endpoint": "/api/v1/search/videos", "method": "GET", "status": "200"}
    assert (
        sample(text, "http_requests_total", **search) - sample(before, "http_requests_total", **search) == 2
    )
    assert sample(text, "search_zero_results_total") - sample(before, "search_zero_results_total") == 2
    assert sample(text, "http_request_duration_seconds_count", endpoint="/api/v1/videos/") >= 1
    assert sample(text, "http_request_db_seconds_count", endpoint="/api/v1/videos/") >= 1
    assert sample(text, "maintenance_job_lag_seconds", job="suggestions_refresh") == 0
    settings.METRICS_TOKEN = "s3cret"
    assert anon.get("/metrics").status_code == 403
    assert anon.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_metrics_sum_every_gunicorn_worker(tmp_path):
    with Gunicorn(
        database_url=database_url_of(connection.settings_dict), log=tmp_path / "g.log", workers=3
    ) as server:
        for _ in range(30):  # new connections: spread over the workers
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            conn.request("GET", "/api/v1/videos/", headers={"Host": "localhost"})
            assert conn.getresponse().status == 200
            conn.close()
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", "/metrics", headers={"Host": "localhost"})
        text = conn.getresponse().read().decode()
    assert sample(text, "http_requests_total", endpoint="/api/v1/videos/", method="GET", status="200") == 30
