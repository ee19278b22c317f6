"""Ingestion of view events: validated per event, idempotent by event_id, durable when answered.

One statement stores a batch's new events and folds exactly those into every rollup, the videos' view
counts and the trending scores, in the same transaction: a retried batch finds its events stored and
adds nothing, and a crash loses nothing that was acknowledged.
"""

from __future__ import annotations

import functools
import math
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal

import pydantic
from django.db import OperationalError, connection, transaction
from django.db.backends.utils import CursorWrapper
from psycopg import errors as pg_errors

MAX_EVENTS = 1_000
MAX_FUTURE = timedelta(minutes=5)
MAX_AGE = timedelta(days=30)
DEVICES = ("mobile", "desktop", "tablet", "tv", "other")
HALF_LIFE_HOURS = 6.0
DECAY_PER_HOUR = math.log(2) / HALF_LIFE_HOURS
TRENDING_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
DEADLOCK_RETRIES = 3
MAX_WATCH_SECONDS = 7 * 86_400


class ViewEvent(pydantic.BaseModel):
    """One event, validated by pydantic: a batch of 1,000 in a few milliseconds, where a DRF
    serializer per event takes a few hundred."""

    model_config = pydantic.ConfigDict(extra="ignore")

    event_id: uuid.UUID
    video_id: Annotated[int, pydantic.Field(ge=1, le=2**63 - 1)]
    occurred_at: datetime
    watch_seconds: Annotated[float, pydantic.Field(ge=0, le=MAX_WATCH_SECONDS, allow_inf_nan=False)]
    country: Annotated[str, pydantic.Field(pattern=r"^[A-Za-z]{2}$")] | None = None
    device: Literal["mobile", "desktop", "tablet", "tv", "other"] | None = None
    viewer_id: Annotated[str, pydantic.Field(min_length=1, max_length=128)] | None = None

    @pydantic.field_validator("occurred_at")
    @classmethod
    def recent(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        now = datetime.now(UTC)
        if value > now + MAX_FUTURE:
            raise ValueError("Must not be more than 5 minutes in the future.")
        if value < now - MAX_AGE:
            raise ValueError("Must not be older than 30 days.")
        return value

    @pydantic.field_validator("viewer_id")
    @classmethod
    def printable(cls, value: str | None) -> str | None:
        if value is not None and not value.isprintable():
            raise ValueError("Must not contain control characters.")
        return value

    @pydantic.field_validator("country")
    @classmethod
    def upper(cls, value: str | None) -> str | None:
        return value.upper() if value else value


@dataclass
class IngestResult:
    accepted: int
    duplicates: int
    rejected: list[dict[str, Any]]


def _messages(exc: pydantic.ValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for error in exc.errors(include_url=False, include_input=False):
        field = str(error["loc"][0]) if error["loc"] else "non_field_errors"
        message = error["msg"].removeprefix("Value error, ")
        errors.setdefault(field, []).append(message)
    return errors


EVENTS = pydantic.TypeAdapter(list[ViewEvent])


def events_validate(raw_events: list[Any]) -> tuple[list[tuple[int, ViewEvent]], list[dict[str, Any]]]:
    """The valid events with their index in the request, and the rejected ones with their errors."""
    try:  # the whole list at once: a clean batch in one call
        return list(enumerate(EVENTS.validate_python(raw_events))), []
    except pydantic.ValidationError:
        pass
    valid, rejected = [], []
    for index, raw in enumerate(raw_events):
        if not isinstance(raw, dict):
            rejected.append({"index": index, "errors": {"non_field_errors": ["Expected a JSON object."]}})
            continue
        try:
            valid.append((index, ViewEvent.model_validate(raw)))
        except pydantic.ValidationError as exc:
            rejected.append({"index": index, "errors": _messages(exc)})
    return valid, rejected


# The batch arrives as one JSON parameter, written by pydantic and parsed by PostgreSQL (binding seven
# arrays of 1,000 values took psycopg longer than the parse), beside the events' indexes in the request,
# in the same order. `batch` holds the events of known videos, with the video's channel, category and
# language for the rollups, and whether it is popular (HOT_VIEWS); the rows of `given` without a channel
# are the events of unknown videos, reported by index.
BATCH_SQL = """
given AS MATERIALIZED (
    SELECT (%(indexes)s::integer[])[b.n] AS i, b.*, v.channel_id, v.category, v.language,
           v.view_count >= %(hot_views)s AS hot
    FROM ROWS FROM (jsonb_to_recordset(%(events)s::jsonb)
            AS (event_id uuid, video_id bigint, occurred_at timestamptz, watch_seconds real,
                country char(2), device varchar(7), viewer_id text)) WITH ORDINALITY
        AS b(event_id, video_id, occurred_at, watch_seconds, country, device, viewer_id, n)
    LEFT JOIN api_video v ON v.id = b.video_id
),
batch AS (SELECT * FROM given WHERE channel_id IS NOT NULL),
known AS (SELECT DISTINCT ON (video_id) video_id AS id, channel_id, category, language, hot FROM batch),"""

# Stores the events of relation `{source}` that are new; RETURNING gives exactly those.
INSERT_SQL = """
ins AS (
    INSERT INTO analytics_view_event (event_id, video_id, occurred_at, watch_seconds, country, device, viewer_id)
    SELECT event_id, video_id, occurred_at, watch_seconds, country, device, viewer_id FROM {source}
    ORDER BY event_id
    ON CONFLICT DO NOTHING
    RETURNING event_id, video_id, occurred_at, watch_seconds, country, device, viewer_id
)"""

# Folds the events of relation `{events}` into every rollup. Shared by ingestion (the newly stored
# events of a batch) and the rebuild (every stored event), so that both give the same rollups.
EVENTS_SQL = """
e AS (
    -- watch_seconds is stored as real; summed as real, a rebuild's one long sum would round differently
    -- (and far worse) than ingestion's short ones
    SELECT x.video_id, x.occurred_at, x.watch_seconds::float8 AS watch_seconds, x.country, x.device, x.viewer_id,
           v.channel_id, v.category, v.language, (x.occurred_at AT TIME ZONE 'UTC')::date AS day, {hot} AS hot
    FROM {events} x JOIN {videos} v ON v.id = x.video_id
)"""

# The rows of one video, folded from the events of relation `{e}`; `{s}` names the CTEs apart.
VIDEO_ROLLUPS_SQL = """,
hourly{s} AS (
    INSERT INTO analytics_video_hourly AS r (video_id, hour, views, watch_seconds)
    SELECT video_id, date_trunc('hour', occurred_at, 'UTC'), count(*), sum(watch_seconds) FROM {e}
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (video_id, hour) DO UPDATE
        SET views = r.views + EXCLUDED.views, watch_seconds = r.watch_seconds + EXCLUDED.watch_seconds
    RETURNING 1
),
video_dims{s} AS (
    INSERT INTO analytics_video_daily_dim AS r (video_id, day, dimension, value, views, watch_seconds)
    SELECT video_id, day, d.dimension, d.value, count(*), sum(watch_seconds)
    FROM {e}, LATERAL (VALUES ('country', coalesce(country, 'ZZ')), ('device', coalesce(device, 'other')))
            AS d(dimension, value)
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (video_id, day, dimension, value) DO UPDATE
        SET views = r.views + EXCLUDED.views, watch_seconds = r.watch_seconds + EXCLUDED.watch_seconds
    RETURNING 1
)"""

VIEWERS_SQL = """,
viewers AS (
    INSERT INTO analytics_video_daily_viewer (video_id, day, viewer_hash)
    SELECT DISTINCT video_id, day, hashtextextended(viewer_id, 0) FROM e WHERE viewer_id IS NOT NULL
    ORDER BY 1, 2, 3
    ON CONFLICT DO NOTHING
    RETURNING 1
)"""

# The totals of channels and of the whole catalogue.
TOTALS_SQL = """,
channel_daily AS (
    INSERT INTO analytics_channel_daily AS r (channel_id, day, views, watch_seconds)
    SELECT channel_id, day, count(*), sum(watch_seconds) FROM e GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (channel_id, day) DO UPDATE
        SET views = r.views + EXCLUDED.views, watch_seconds = r.watch_seconds + EXCLUDED.watch_seconds
    RETURNING 1
),
global_dims AS (
    INSERT INTO analytics_daily_dim AS r (day, dimension, value, views, watch_seconds)
    SELECT day, d.dimension, d.value, count(*), sum(watch_seconds)
    FROM e, LATERAL (VALUES ('category', category), ('language', coalesce(nullif(language, ''), 'zz')),
                            ('country', coalesce(country, 'ZZ'))) AS d(dimension, value)
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (day, dimension, value) DO UPDATE
        SET views = r.views + EXCLUDED.views, watch_seconds = r.watch_seconds + EXCLUDED.watch_seconds
    RETURNING 1
)"""

# The trending scores: per video, log(sum(exp(l))) of its events' l = lambda * hours since the epoch,
# added to the stored score in log space. The sum is taken relative to the largest l of the whole set
# (one scalar, no window over each video), which is exact while the set spans less than ~270 days
# (exp underflows past -745); a video whose every event lies further back keeps its largest l.
# date_part gives float8 (extract() gives numeric, whose exp() and ln() cost ~5 ms over a batch).
TRENDING_SQL = """,
decayed{s} AS (
    SELECT video_id, %(decay)s * date_part('epoch', occurred_at - %(epoch)s::timestamptz) / 3600.0 AS l FROM {e}
),
reference{s} AS (SELECT max(l) AS ref FROM decayed{s}),
trending{s} AS (
    INSERT INTO analytics_video_trending AS t (video_id, score_log, updated_at, view_count)
    SELECT video_id,
           CASE WHEN sum(exp(l - ref)) > 0 THEN ref + ln(sum(exp(l - ref))) ELSE max(l) END,
           now(), {views}
    FROM decayed{s}, reference{s} GROUP BY video_id, ref ORDER BY video_id
    ON CONFLICT (video_id) DO UPDATE
        SET score_log = analytics_logaddexp(t.score_log, EXCLUDED.score_log), updated_at = now(),
            view_count = t.view_count + EXCLUDED.view_count
    RETURNING 1
)"""
# The same rows keep a copy of the videos' view counts, which orders order=views (migrations_sql/0012):
# ingestion adds a batch's views here and to api_video in one statement; the rebuild adds none.
TRENDING_ADD_VIEWS = TRENDING_SQL.replace("{views}", "count(*)")
TRENDING_ONLY = TRENDING_SQL.replace("{views}", "0")

COUNTS_SQL = """,
counts{s} AS (
    UPDATE api_video v SET view_count = v.view_count + c.n
    FROM (SELECT video_id, count(*) AS n FROM {e} GROUP BY video_id ORDER BY video_id) AS c WHERE v.id = c.video_id
    RETURNING 1
)"""


def rollups_sql(*, events: str, videos: str, hot: str = "false") -> str:
    """Every rollup but trending and the view counts, over the events of relation `events`."""
    return (
        EVENTS_SQL.format(events=events, videos=videos, hot=hot)
        + VIEWERS_SQL
        + VIDEO_ROLLUPS_SQL.format(e="e", s="")
        + TOTALS_SQL
    )


# A video has a view count this high long before concurrent batches start to carry it together.
HOT_VIEWS = 10_000


def _phase(e: str, s: str) -> str:
    return (
        VIDEO_ROLLUPS_SQL.format(e=e, s=s) + TRENDING_ADD_VIEWS.format(e=e, s=s) + COUNTS_SQL.format(e=e, s=s)
    )


# Rows a concurrent batch has written stay locked until it commits, and waiting for them was a third
# of the time of two concurrent clients. Nearly all of those rows belong to popular videos and to the
# totals, so the per-video rows of the batch's other (cold) videos are written first and those of its
# popular (hot) videos last, with the totals, which shortens how long each batch holds them. Every
# batch takes the rows of a table in key order, cold before hot: the same order, hence no deadlock,
# as long as both see a video on the same side of HOT_VIEWS (a rare crossing that makes two batches
# deadlock is retried).
INGEST_SQL = (
    "WITH"
    + BATCH_SQL
    + INSERT_SQL.format(source="batch")
    + ","
    + EVENTS_SQL.format(events="ins", videos="known", hot="v.hot")
    + VIEWERS_SQL
    + ",\ncold AS (SELECT * FROM e WHERE NOT hot), hot AS (SELECT * FROM e WHERE hot)"
    + _phase("cold", "_cold")
    + _phase("hot", "_hot")
    + TOTALS_SQL
    # Referenced here, the writes run in this order (unreferenced, PostgreSQL would run them last to first).
    + "\nSELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM batch),"
    + " (SELECT coalesce(array_agg(i ORDER BY i), '{}') FROM given WHERE channel_id IS NULL),"
    + " (SELECT count(*) FROM viewers),"
    + " (SELECT count(*) FROM video_dims_cold), (SELECT count(*) FROM hourly_cold),"
    + " (SELECT count(*) FROM trending_cold), (SELECT count(*) FROM counts_cold),"
    + " (SELECT count(*) FROM video_dims_hot), (SELECT count(*) FROM hourly_hot),"
    + " (SELECT count(*) FROM trending_hot), (SELECT count(*) FROM counts_hot),"
    + " (SELECT count(*) FROM channel_daily), (SELECT count(*) FROM global_dims)"
)


ROLLUPS_TABLES = (
    "analytics_video_hourly",
    "analytics_video_daily_dim",
    "analytics_channel_daily",
    "analytics_daily_dim",
    "analytics_video_daily_viewer",
)


@transaction.atomic
def rollups_rebuild() -> int:
    """Recompute every rollup from the stored events (view counts are left alone: they also hold the
    views from before the event log). Returns the number of events folded."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute(f"TRUNCATE {', '.join(ROLLUPS_TABLES)}")
        # the trending rows also carry the view counts: scores cleared, rows kept (and made whole)
        cursor.execute("UPDATE analytics_video_trending SET score_log = NULL WHERE score_log IS NOT NULL")
        cursor.execute("SELECT analytics_counters_sync()")
        events = "(SELECT video_id, occurred_at, watch_seconds, country, device, viewer_id FROM analytics_view_event)"
        cursor.execute(
            "WITH"
            + rollups_sql(events=events, videos="api_video")
            + TRENDING_ONLY.format(e="e", s="")
            + "\nSELECT count(*) FROM e",
            {"decay": DECAY_PER_HOUR, "epoch": TRENDING_EPOCH},
        )
        (folded,) = cursor.fetchone()
        return int(folded)


def events_ingest(*, raw_events: list[Any]) -> IngestResult:
    valid, rejected = events_validate(raw_events)
    stored = known = 0
    if valid:
        stored, known, unknown = _store(valid)
        rejected += [{"index": index, "errors": {"video_id": ["No such video."]}} for index in unknown]
    rejected.sort(key=lambda r: r["index"])
    return IngestResult(accepted=stored, duplicates=known - stored, rejected=rejected)


def _store(valid: list[tuple[int, ViewEvent]]) -> tuple[int, int, list[int]]:
    """Store the events of known videos; (stored, of known videos, indexes of events of unknown videos)."""
    params: dict[str, Any] = {
        "events": EVENTS.dump_json([event for _, event in valid]).decode(),
        "indexes": "{" + ",".join(str(index) for index, _ in valid) + "}",
        "decay": DECAY_PER_HOUR,
        "epoch": TRENDING_EPOCH,
        "hot_views": HOT_VIEWS,
    }
    months = sorted({date(e.occurred_at.year, e.occurred_at.month, 1) for _, e in valid})
    for attempt in range(DEADLOCK_RETRIES):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                partitions_ensure(cursor, months)
                # the statement writes both copies of the view counts (migrations_sql/0013)
                cursor.execute("SELECT set_config('analytics.counters_copied', 'on', true)")
                cursor.execute(INGEST_SQL, params)
                stored, known, unknown = cursor.fetchone()[:3]
                cursor.execute("SELECT set_config('analytics.counters_copied', 'off', true)")
                return int(stored), int(known), list(unknown)
        except OperationalError as exc:  # concurrent batches over the same rows: retry the whole batch
            if not isinstance(exc.__cause__, pg_errors.DeadlockDetected) or attempt == DEADLOCK_RETRIES - 1:
                raise
    raise AssertionError("unreachable")


_known_partitions: set[date] = set()


def partitions_ensure(cursor: CursorWrapper, months: list[date]) -> None:
    for month in months:
        if month not in _known_partitions:
            cursor.execute("SELECT analytics_ensure_partition(%s)", [month])
            transaction.on_commit(functools.partial(_known_partitions.add, month))


def partitions_create_ahead(*, months_ahead: int = 3, months_back: int = 1) -> list[date]:
    today = datetime.now(UTC).date().replace(day=1)
    months = []
    for offset in range(-months_back, months_ahead + 1):
        year, month_index = divmod(today.month - 1 + offset, 12)
        months.append(date(today.year + year, month_index + 1, 1))
    with transaction.atomic(), connection.cursor() as cursor:
        for month in months:
            cursor.execute("SELECT analytics_ensure_partition(%s)", [month])
    return months
