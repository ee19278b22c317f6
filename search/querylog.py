"""Search analytics: what users search for, what they find, and what they click.

Every video search with a query is recorded off the request's path: `record` appends a row to this
process's buffer (a few microseconds), and a daemon thread writes the buffer to search_log every
SEARCH_LOG_FLUSH_S seconds, in one multi-row INSERT, on its own database connection; at exit the rest is
written too. A crash loses at most that last second of records (observations, never a client's data).
Clicks on results are posted by clients (POST /events/search-clicks) and stored at once, idempotent by
event id. Both tables are partitioned by day; the maintenance worker makes the partitions ahead and drops
those older than SEARCH_LOG_RETENTION_DAYS.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import uuid
from collections import deque
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypedDict

import pydantic
from django.conf import settings
from django.db import connection, transaction

from analytics.services import recent_enough, validation_messages
from config.replicas import read_connection

logger = logging.getLogger(__name__)

SEARCH_LOG_RETENTION_DAYS = 31  # the longest window is 30 days
PARTITIONS_AHEAD_DAYS = 7
MAX_BUFFERED = 100_000  # past this, records wait for the next flush in a bounded buffer (oldest dropped)
MAX_CLICKS = 1_000
WINDOWS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}
PARENTS = ("search_log", "search_click")


def normalise(q: str) -> str:
    """A query as analytics counts it: lower-cased, spaces collapsed."""
    return " ".join(q.lower().split())


class _Recorder:
    """The buffer of search records of this process, and the thread that writes it."""

    def __init__(self) -> None:
        self.buffer: deque[tuple[Any, ...]] = deque(maxlen=MAX_BUFFERED)
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def record(self, *, q: str, total: int, took_ms: int, corrected: str | None, filters: list[str]) -> None:
        query = normalise(q)
        if not query:
            return
        self.buffer.append(
            (datetime.now(UTC), query, total, took_ms, normalise(corrected) if corrected else None, filters)
        )
        if self.thread is None and settings.SEARCH_LOG_FLUSH_S > 0:
            self._start()

    def _start(self) -> None:
        with self.lock:
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="search-log", daemon=True)
                self.thread.start()
                atexit.register(self.flush)

    def _run(self) -> None:
        while True:
            time.sleep(settings.SEARCH_LOG_FLUSH_S)
            try:
                self.flush()
            except Exception:  # a database that is away: the records wait for the next round
                logger.exception("search log: flush failed; %d records wait", len(self.buffer))
            finally:
                connection.close()  # this thread's own connection; a new one next round

    def flush(self) -> int:
        """Write every buffered record; returns how many. Records that cannot be written go back."""
        rows = []
        while self.buffer:
            rows.append(self.buffer.popleft())
        if not rows:
            return 0
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                for day in sorted({row[0].date() for row in rows}):
                    cursor.execute("SELECT vs_day_partition_ensure('search_log', %s)", [day])
                values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(rows))
                cursor.execute(
                    "INSERT INTO search_log (searched_at, query, total, took_ms, corrected_to, filters) "
                    f"VALUES {values}",
                    [value for row in rows for value in row],
                )
        except Exception:
            self.buffer.extendleft(reversed(rows))
            raise
        return len(rows)

    def clear(self) -> None:
        self.buffer.clear()


recorder = _Recorder()


def partitions_maintain(*, today: date | None = None) -> int:
    """Make the day partitions of the next PARTITIONS_AHEAD_DAYS and drop those past the retention;
    returns how many were dropped."""
    today = today or datetime.now(UTC).date()
    dropped = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for parent in PARENTS:
            for offset in range(-1, PARTITIONS_AHEAD_DAYS + 1):
                cursor.execute(
                    "SELECT vs_day_partition_ensure(%s, %s)", [parent, today + timedelta(days=offset)]
                )
            keep_from = today - timedelta(days=SEARCH_LOG_RETENTION_DAYS)
            cursor.execute("SELECT vs_day_partitions_drop_before(%s, %s)", [parent, keep_from])
            dropped += int(cursor.fetchone()[0])
    return dropped


class SearchClick(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", str_max_length=200)

    event_id: uuid.UUID
    query: str = pydantic.Field(min_length=1)
    video_id: int = pydantic.Field(ge=1, le=2**63 - 1)
    position: int = pydantic.Field(ge=1, le=10_000)
    occurred_at: datetime

    @pydantic.field_validator("occurred_at")
    @classmethod
    def recent(cls, value: datetime) -> datetime:
        return recent_enough(value)  # as view events: 5 minutes ahead, 30 days old at most

    @pydantic.field_validator("query")
    @classmethod
    def normalised(cls, value: str) -> str:
        if not value.isprintable() or not normalise(value):
            raise ValueError("Must be the query as searched: printable, not blank.")
        return normalise(value)


class ClicksResult(TypedDict):
    accepted: int
    duplicates: int
    rejected: list[dict[str, Any]]


def clicks_ingest(*, raw_clicks: list[Any]) -> ClicksResult:
    """Store the valid clicks (each event id once: a click sent again is a duplicate, not a second
    click); the others are rejected with their errors. Stored when this returns."""
    valid: list[SearchClick] = []
    rejected: list[dict[str, Any]] = []
    for index, raw in enumerate(raw_clicks):
        if not isinstance(raw, dict):
            rejected.append({"index": index, "errors": {"non_field_errors": ["Expected a JSON object."]}})
            continue
        try:
            valid.append(SearchClick.model_validate(raw))
        except pydantic.ValidationError as exc:
            rejected.append({"index": index, "errors": validation_messages(exc)})
    stored = 0
    if valid:
        with transaction.atomic(), connection.cursor() as cursor:
            for day in sorted({click.occurred_at.astimezone(UTC).date() for click in valid}):
                cursor.execute("SELECT vs_day_partition_ensure('search_click', %s)", [day])
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(valid))
            cursor.execute(
                "WITH stored AS (INSERT INTO search_click (event_id, clicked_at, query, video_id, position) "
                f"VALUES {values} ON CONFLICT DO NOTHING RETURNING 1) SELECT count(*) FROM stored",
                [
                    value
                    for c in valid
                    for value in (c.event_id, c.occurred_at, c.query, c.video_id, c.position)
                ],
            )
            stored = int(cursor.fetchone()[0])
    return {"accepted": stored, "duplicates": len(valid) - stored, "rejected": rejected}


# One statement: the top queries with their clicks, the queries that found nothing, those that needed a
# correction, and the percentiles of the time taken, all over the window.
REPORT_SQL = """
WITH searches AS MATERIALIZED (
    SELECT query, total, took_ms, corrected_to FROM search_log WHERE searched_at >= %(since)s
), clicks AS (
    SELECT query, count(*) AS clicks, avg(position)::float8 AS mean_position
    FROM search_click WHERE clicked_at >= %(since)s GROUP BY query
), top AS (
    SELECT query, count(*) AS searches FROM searches GROUP BY query ORDER BY count(*) DESC, query LIMIT %(limit)s
)
SELECT 'top', t.query, t.searches, coalesce(c.clicks, 0), c.mean_position, NULL
FROM top t LEFT JOIN clicks c ON c.query = t.query
UNION ALL
(SELECT 'zero', query, count(*), NULL, NULL, NULL FROM searches WHERE total = 0
 GROUP BY query ORDER BY count(*) DESC, query LIMIT %(limit)s)
UNION ALL
(SELECT 'corrected', query, count(*), NULL, NULL, mode() WITHIN GROUP (ORDER BY corrected_to)
 FROM searches WHERE corrected_to IS NOT NULL GROUP BY query ORDER BY count(*) DESC, query LIMIT %(limit)s)
UNION ALL
SELECT 'took', NULL, count(*), percentile_disc(0.5) WITHIN GROUP (ORDER BY took_ms),
       percentile_disc(0.95) WITHIN GROUP (ORDER BY took_ms), NULL FROM searches
"""


def search_report(*, window: str, limit: int) -> dict[str, Any]:
    """The search analytics of the last `window` (WINDOWS): top queries with searches, clicks,
    click-through and mean clicked position; queries with no results; queries that needed a correction
    (with the correction shown most often); and the p50 and p95 of the time searches took."""
    since = datetime.now(UTC) - WINDOWS[window]
    with read_connection().cursor() as cursor:
        cursor.execute(REPORT_SQL, {"since": since, "limit": limit})
        rows = cursor.fetchall()
    top, zero, corrected, took = [], [], [], {"p50": None, "p95": None}
    for part, query, searches, a, b, correction in rows:
        if part == "top":
            clicks = int(a)
            top.append(
                {
                    "query": query,
                    "searches": searches,
                    "clicks": clicks,
                    "click_through": round(clicks / searches, 4),
                    "mean_click_position": round(b, 2) if b is not None else None,
                }
            )
        elif part == "zero":
            zero.append({"query": query, "searches": searches})
        elif part == "corrected":
            corrected.append({"query": query, "searches": searches, "corrected": correction})
        else:
            took = {"p50": a, "p95": b}
    top.sort(key=lambda row: (-row["searches"], row["query"]))
    return {
        "window": window,
        "searches": next((row[2] for row in rows if row[0] == "took"), 0),
        "top_queries": top,
        "zero_result_queries": zero,
        "corrected_queries": corrected,
        "took_ms": took,
    }
