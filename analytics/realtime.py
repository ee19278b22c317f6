"""Realtime (API.md, Analytics): views per minute over the last 60 minutes and the top videos of the last 5
and 60 minutes, for a video, a channel or the whole catalogue, from the per-minute rollups that ingestion
writes in the transaction that stores the events (so every acknowledged event counts at once)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection, transaction

MINUTES = 60
TOP = 10
KEEP_SECONDS = 2 * 3600  # rows older than this are pruned (maintenance)

# The views per minute of the last hour, then the top videos of the last 5 and 60 minutes, of one video
# (%(video)s), one channel (%(channel)s) or every video (both NULL: the catalogue's own per-minute rows).
MINUTES_SQL = {
    "video": "SELECT minute, views FROM analytics_realtime_video WHERE video_id = %(id)s AND minute >= %(since)s",
    "channel": "SELECT minute, sum(views) FROM analytics_realtime_video WHERE channel_id = %(id)s "
    "AND minute >= %(since)s GROUP BY minute",
    "catalogue": "SELECT minute, views FROM analytics_realtime_total WHERE minute >= %(since)s",
}
TOP_SQL = {
    "video": "SELECT video_id, sum(views) AS n FROM analytics_realtime_video WHERE video_id = %(id)s "
    "AND minute >= %(since)s AND minute <= %(now)s GROUP BY video_id",
    "channel": "SELECT video_id, sum(views) AS n FROM analytics_realtime_video WHERE channel_id = %(id)s "
    "AND minute >= %(since)s AND minute <= %(now)s GROUP BY video_id ORDER BY n DESC, video_id LIMIT %(top)s",
}

# The catalogue's top videos of a span of minutes, without summing every video of the span (hundreds of
# thousands of rows an hour while a feed ingests): each minute's videos are read down the index that
# orders them by views, a chunk of each at a time (a threshold algorithm, Fagin et al. 2001); each video
# met is summed exactly over the span, and the reading stops once the TOP-th best sum exceeds what a
# video not met can have: the sum over the minutes of the last views read in each (0 for a minute whose
# list ran out).
CHUNK_SQL = """
SELECT m.minute, x.video_id, x.views
FROM generate_series(%(since)s::timestamptz, %(now)s::timestamptz, interval '1 minute') AS m(minute)
CROSS JOIN LATERAL (
    SELECT video_id, views FROM analytics_realtime_video r
    WHERE r.minute = m.minute ORDER BY r.views DESC, r.video_id LIMIT %(chunk)s OFFSET %(offset)s
) AS x
"""
SUMS_SQL = """
SELECT video_id, sum(views) FROM analytics_realtime_video
WHERE video_id = ANY(%(ids)s) AND minute >= %(since)s AND minute <= %(now)s GROUP BY video_id
"""
FIRST_CHUNK = 10


def catalogue_top(cursor: Any, since: datetime, now: datetime, top: int = TOP) -> list[tuple[int, int]]:
    """(video id, views) of the `top` videos with the most views from `since` to `now` (minutes), the
    most first, ties by id; as GROUP BY video_id ORDER BY sum DESC, video_id would give them."""
    sums: dict[int, int] = {}
    offset, chunk = 0, FIRST_CHUNK
    while True:
        cursor.execute(CHUNK_SQL, {"since": since, "now": now, "chunk": chunk, "offset": offset})
        rows = cursor.fetchall()
        read: dict[datetime, list[int]] = {}
        for minute, _, views in rows:
            read.setdefault(minute, []).append(int(views))
        met = list({int(video_id) for _, video_id, _ in rows} - sums.keys())
        if met:
            cursor.execute(SUMS_SQL, {"ids": met, "since": since, "now": now})
            sums.update((int(video_id), int(n)) for video_id, n in cursor.fetchall())
        # a video not met has at most the last views read in each minute whose list goes on
        bound = sum(views[-1] for views in read.values() if len(views) == chunk)
        best = sorted(sums.items(), key=lambda item: (-item[1], item[0]))[:top]
        if bound == 0 or (len(best) == top and best[-1][1] > bound):
            return best
        offset, chunk = offset + chunk, chunk * 2


def realtime(*, kind: str, id: int | None = None, now: datetime | None = None) -> dict[str, Any]:
    """`kind` is video, channel or catalogue."""
    now = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
    first = now - timedelta(minutes=MINUTES - 1)
    params = {"id": id, "since": first, "now": now, "top": TOP}
    # the primary (a replica may lag behind the last second), and one snapshot for every read (unless a
    # transaction of the caller's is open already)
    own_transaction = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if own_transaction:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute(MINUTES_SQL[kind], params)
        counts = {minute.astimezone(UTC): int(n) for minute, n in cursor.fetchall()}
        tops: dict[str, list[dict[str, int]]] = {}
        for name, span in (("top_5m", 5), ("top_60m", MINUTES)):
            since = now - timedelta(minutes=span - 1)
            if kind == "catalogue":
                rows = catalogue_top(cursor, since, now)
            else:
                cursor.execute(TOP_SQL[kind], {**params, "since": since})
                rows = cursor.fetchall()
            tops[name] = [{"video_id": video_id, "views": int(n)} for video_id, n in rows]
    series = [first + timedelta(minutes=i) for i in range(MINUTES)]
    return {
        "minutes": [{"minute": m.strftime("%Y-%m-%dT%H:%M:00Z"), "views": counts.get(m, 0)} for m in series],
        **tops,
        "generated_at": datetime.now(UTC),
    }


def realtime_prune() -> int:
    """Drop the per-minute rows past KEEP; returns how many."""
    with connection.cursor() as cursor:
        deleted = 0
        for table in ("analytics_realtime_video", "analytics_realtime_total"):
            cursor.execute(
                f"DELETE FROM {table} WHERE minute < now() - make_interval(secs => %s)", [KEEP_SECONDS]
            )
            deleted += int(cursor.rowcount)
        return deleted
