"""Ingestion of view events: validated per event, idempotent by event_id, durable when answered.

One statement (analytics.statements.STORE) stores a batch's new events in the event log and in the two
queues of events to fold, and adds them to the realtime rollups, in one transaction: a retried batch finds
its events stored and adds nothing, and a crash loses nothing that was acknowledged. Two others
(statements.FOLD_VIDEOS and FOLD_CHANNELS, views_fold) each take events from their queue and fold exactly
those into their part of the other rollups (the videos', with the view counts and the trending scores;
the channels', tags' and catalogue's), each in one transaction; the parts share no table, so two
connections fold at once. The request folds before it answers unless other connections are folding,
which then fold its events too; `manage.py maintain` folds what a last batch may leave.
"""

from __future__ import annotations

import functools
import logging
import math
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal, TypeVar

import pydantic
from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.backends.utils import CursorWrapper
from psycopg import errors as pg_errors

from analytics import statements

logger = logging.getLogger(__name__)
T = TypeVar("T")

MAX_EVENTS = 1_000
MAX_FUTURE = timedelta(minutes=5)
MAX_AGE = timedelta(days=30)
DEVICES = ("mobile", "desktop", "tablet", "tv", "other")
HALF_LIFE_HOURS = 6.0
DECAY_PER_HOUR = math.log(2) / HALF_LIFE_HOURS
TRENDING_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
DEADLOCK_RETRIES = 3
MAX_WATCH_SECONDS = 7 * 86_400


# The only schema of an event: ingestion validates with it (a batch of 1,000 in a few milliseconds, where
# a DRF serializer per event takes a few hundred), and the OpenAPI schema is made from it
# (analytics.serializers.event_schemas).
def recent_enough(value: datetime) -> datetime:
    """When a reported event happened, as ingestion takes it (views, and clicks on search results): UTC
    when no zone is given, at most MAX_FUTURE ahead, at most MAX_AGE old."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    now = datetime.now(UTC)
    if value > now + MAX_FUTURE:
        raise ValueError("Must not be more than 5 minutes in the future.")
    if value < now - MAX_AGE:
        raise ValueError("Must not be older than 30 days.")
    return value


class ViewEvent(pydantic.BaseModel):
    """One view of a video, as a client reports it."""

    model_config = pydantic.ConfigDict(extra="ignore", title="ViewEvent")

    event_id: uuid.UUID = pydantic.Field(
        description="Chosen by the client; a repeated event_id is a duplicate."
    )
    video_id: Annotated[int, pydantic.Field(ge=1, le=2**63 - 1, strict=True)] = pydantic.Field(
        description='A JSON integer: `true` and `"17"` are refused.'
    )
    occurred_at: datetime = pydantic.Field(description="At most 5 minutes ahead, at most 30 days old.")
    watch_seconds: Annotated[float, pydantic.Field(ge=0, le=MAX_WATCH_SECONDS, allow_inf_nan=False)]
    country: Annotated[str, pydantic.Field(pattern=r"^[A-Za-z]{2}$")] | None = pydantic.Field(
        default=None, description="The viewer's country, ISO 3166-1 alpha-2."
    )
    device: Literal["mobile", "desktop", "tablet", "tv", "other"] | None = None
    viewer_id: Annotated[str, pydantic.Field(min_length=1, max_length=128)] | None = pydantic.Field(
        default=None, description="An opaque id of the viewer, for unique viewer counts."
    )
    position_seconds: (
        Annotated[float, pydantic.Field(ge=0, le=MAX_WATCH_SECONDS, allow_inf_nan=False)] | None
    ) = pydantic.Field(
        default=None,
        description="The furthest position reached in the video (audience retention); when absent, "
        "watch_seconds (a view from the start).",
    )

    @pydantic.field_validator("occurred_at")
    @classmethod
    def recent(cls, value: datetime) -> datetime:
        return recent_enough(value)

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


def validation_messages(exc: pydantic.ValidationError) -> dict[str, list[str]]:
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
            rejected.append({"index": index, "errors": validation_messages(exc)})
    return valid, rejected


# A fold takes at most FOLD_LIMIT events of the queue (about 2 s at 1M videos and 10M events, within a
# request's statement timeout), and one caller folds at most FOLD_ROUNDS times before it leaves the rest
# to the next caller (an ingestion request or the maintenance job).
FOLD_LIMIT = 10_000
FOLD_ROUNDS = 3
# Past this many events waiting in a part's queue, storing waits for folding (views_fold).
MAX_PENDING = 50_000
FOLD_LOCK = zlib.crc32(b"analytics:views_fold")  # the videos' part (migrations_sql/0041 takes it too)
FOLD_CHANNELS_LOCK = zlib.crc32(b"analytics:views_fold:channels")


@dataclass(frozen=True)
class FoldPart:
    """One of the two folds of the stored events, which share no table: its statement, its queue, its lock,
    and whether it writes the view counts."""

    name: str
    statement: str
    queue: str
    lock: int
    counts: bool


FOLD_PARTS = (
    FoldPart("videos", statements.FOLD_VIDEOS, "analytics_view_pending", FOLD_LOCK, counts=True),
    FoldPart(
        "channels",
        statements.FOLD_CHANNELS,
        "analytics_view_pending_channels",
        FOLD_CHANNELS_LOCK,
        counts=False,
    ),
)


ROLLUPS_TABLES = (
    "analytics_video_hourly",
    "analytics_video_totals",  # refilled by the hourly rollup's insert trigger
    "analytics_channel_daily",
    "analytics_daily_dim",
    "analytics_video_daily_viewer",
    "analytics_channel_hourly",
    "analytics_channel_daily_dim",
    "analytics_channel_daily_viewer",
    "analytics_tag_daily",
    "analytics_video_cube",
    "analytics_channel_cube",
    "analytics_channel_totals",
    "analytics_cube",
    "analytics_video_retention",
    "analytics_realtime_video",
    "analytics_realtime_total",
)
# kept by triggers on the reactions and comments, recounted by a rebuild
ENGAGEMENT_TABLE = "analytics_video_daily_engagement"


@transaction.atomic
def rollups_rebuild() -> int:
    """Recompute every rollup from the stored events (view counts are left alone: they also hold the
    views from before the event log). Returns the number of events folded."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        # no fold meanwhile; the queues' events add their views to the counts first, and nothing else
        for part in FOLD_PARTS:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [part.lock])
            while _fold_once(cursor, part):
                pass
        cursor.execute(f"TRUNCATE {', '.join(ROLLUPS_TABLES)}")
        # the trending rows also carry the view counts: scores cleared, rows kept (and made whole)
        cursor.execute("UPDATE analytics_video_trending SET score_log = NULL WHERE score_log IS NOT NULL")
        cursor.execute("SELECT analytics_counters_sync()")
        cursor.execute(statements.ROLLUPS_REBUILD, {"decay": DECAY_PER_HOUR, "epoch": TRENDING_EPOCH})
        (folded,) = cursor.fetchone()
        cursor.execute(f"TRUNCATE {ENGAGEMENT_TABLE}")
        cursor.execute(statements.ENGAGEMENT_REBUILD)
        return int(folded)


def events_ingest(*, raw_events: list[Any]) -> IngestResult:
    valid, rejected = events_validate(raw_events)
    stored = known = 0
    if valid:
        stored, known, unknown = _store(valid)
        rejected += [{"index": index, "errors": {"video_id": ["No such video."]}} for index in unknown]
        if stored:
            _fold_after_store()
    rejected.sort(key=lambda r: r["index"])
    return IngestResult(accepted=stored, duplicates=known - stored, rejected=rejected)


def _retrying_deadlocks(run: Callable[[], T]) -> T:
    """run() in a transaction, again when PostgreSQL chose it as a deadlock's victim (the whole
    transaction rolled back)."""
    for attempt in range(DEADLOCK_RETRIES):
        try:
            with transaction.atomic():
                return run()
        except OperationalError as exc:
            if not isinstance(exc.__cause__, pg_errors.DeadlockDetected) or attempt == DEADLOCK_RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def _store(valid: list[tuple[int, ViewEvent]]) -> tuple[int, int, list[int]]:
    """Store the events of known videos; (stored, of known videos, indexes of events of unknown videos)."""
    params: dict[str, Any] = {
        "events": EVENTS.dump_json([event for _, event in valid]).decode(),
        "indexes": "{" + ",".join(str(index) for index, _ in valid) + "}",
    }
    months = sorted({date(e.occurred_at.year, e.occurred_at.month, 1) for _, e in valid})

    def store() -> tuple[int, int, list[int]]:
        with connection.cursor() as cursor:
            partitions_ensure(cursor, months)
            cursor.execute(statements.STORE, params)
            stored, known, unknown = cursor.fetchone()[:3]
            return int(stored), int(known), list(unknown)

    return _retrying_deadlocks(store)


def _fold_after_store() -> None:
    """Fold after a batch is stored; its events are acknowledged whatever happens here, and a fold that
    fails leaves them in the queue for the next one."""
    try:
        views_fold()
    except OperationalError:  # a statement timeout, say
        logger.exception("folding the stored view events failed; the next fold takes them")


def views_fold(*, rounds: int = FOLD_ROUNDS) -> dict[str, int]:
    """Fold the queues' events (statements.FOLD_VIDEOS and FOLD_CHANNELS); returns how many events this
    caller folded into each part.

    Each round folds up to FOLD_LIMIT events of a part in its own transaction, under that part's
    transaction-level advisory lock: the two parts share no table, so two connections fold one each at
    once. A caller first folds the parts no other connection is folding, and goes on with a part while its
    queue is not empty once the lock is released. A batch stored while another connection folds a part is
    therefore folded into it by that connection: its store committed before it found the lock taken, and
    the folder looks at the queue again after releasing the lock. While more than MAX_PENDING events wait in
    a part's queue, a caller that finds its lock taken waits for it and folds too, so that storing never
    runs ahead of folding by more than that (API.md: events show within 60 seconds).
    """
    folded = {part.name: 0 for part in FOLD_PARTS}
    parts = list(FOLD_PARTS)
    for _ in range(rounds):
        again, elsewhere = [], []
        for part in parts:  # the parts no other connection folds now
            taken = _retrying_deadlocks(functools.partial(_fold_part, part, wait=False))
            if taken is None:
                elsewhere.append(part)
                continue
            folded[part.name] += taken
            again += [part] if _queued(part) else []
        for part in elsewhere:  # waited for only past the backlog
            taken = _retrying_deadlocks(functools.partial(_fold_part, part, wait=True))
            if taken is not None:
                folded[part.name] += taken
                again += [part] if _queued(part) else []
        parts = again
        if not parts:
            break
    return folded


def _fold_part(part: FoldPart, *, wait: bool) -> int | None:
    """One fold of `part` under its lock; None when another connection holds it (and the part is not
    backlogged, or `wait` is false): that connection looks at the queue again after."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [part.lock])
        if not cursor.fetchone()[0]:
            if not wait or not _backlogged(cursor, part):
                return None
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [part.lock])
        return _fold_once(cursor, part)


def _queued(part: FoldPart) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT FROM {part.queue})")
        return bool(cursor.fetchone()[0])


def _backlogged(cursor: CursorWrapper, part: FoldPart) -> bool:
    cursor.execute(
        f"SELECT count(*) > %(most)s FROM (SELECT FROM {part.queue} LIMIT %(most)s + 1) AS waiting",
        {"most": MAX_PENDING},
    )
    return bool(cursor.fetchone()[0])


def _fold_once(cursor: CursorWrapper, part: FoldPart) -> int:
    """One fold of up to FOLD_LIMIT events of `part`, under its lock; the number of events taken."""
    params: dict[str, Any] = {"limit": FOLD_LIMIT, "decay": DECAY_PER_HOUR, "epoch": TRENDING_EPOCH}
    if not part.counts:
        cursor.execute(part.statement, params)
        return int(cursor.fetchone()[0])
    # the statement writes both copies of the view counts (migrations_sql/0013)
    cursor.execute("SELECT set_config('analytics.counters_copied', 'on', true)")
    cursor.execute(part.statement, params)
    (taken,) = cursor.fetchone()
    cursor.execute("SELECT set_config('analytics.counters_copied', 'off', true)")
    return int(taken)


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


def trending_snapshots_refresh() -> list[str]:
    """Recompute the `24h` and `7d` snapshots older than half of ANALYTICS_TRENDING_MAX_AGE, ahead of the
    requests that would otherwise find them stale; returns the windows recomputed."""
    from analytics.selectors import TRENDING_TOP, WINDOW_HOURS

    refreshed = []
    for window, hours in WINDOW_HOURS.items():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 0")
            cursor.execute(
                "SELECT analytics_trending_refresh(%s, %s, %s, make_interval(secs => %s))",
                [window, hours, TRENDING_TOP, settings.ANALYTICS_TRENDING_MAX_AGE / 2],
            )
            if cursor.fetchone()[0]:
                refreshed.append(window)
    return refreshed
