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

# A video's or a channel's rows of the last hour, summed by minute and by video here; the catalogue's
# minutes from its own per-minute rows. The minute bounds are on an expression so that the plan is the
# primary key or the channel index, never the minute index (whose statistics lag behind the newest
# minutes, which the planner then takes for nearly empty, and reads them all); a video or a channel has at
# most two hours of rows (KEEP_SECONDS).
ROWS_SQL = {
    kind: "SELECT date_part('epoch', minute)::bigint, video_id, views FROM analytics_realtime_video WHERE "
    f"{kind}_id = %(id)s AND minute + interval '0 seconds' >= %(since)s AND minute + interval '0 seconds' <= %(now)s"
    for kind in ("video", "channel")
}
CATALOGUE_MINUTES_SQL = (
    "SELECT date_part('epoch', minute)::bigint, views FROM analytics_realtime_total "
    "WHERE minute >= %(since)s AND minute <= %(now)s"
)

# The catalogue's top videos of a span of minutes, without summing every video of the span (hundreds of
# thousands of rows an hour while a feed ingests): each minute's videos are read down the index that
# orders them by views, a chunk of each at a time (a threshold algorithm, Fagin et al. 2001), and the
# reading stops once the TOP-th best sum exceeds what a video not met can have: the sum over the minutes of
# the last views read in each (0 for a minute whose list ran out). A video met is summed exactly over the
# span only where it may still be among the best: the views read of it, plus the last views read in each
# minute where it was not read, reach the TOP-th best sum so far. Over the last hour of a feed at 1,000
# events/s, the second chunk met 724 videos, of which that bound left none to sum (the two tops: 18.5 -> 11.8 ms).
CHUNK_SQL = """
SELECT date_part('epoch', m.minute)::bigint, x.video_id, x.views
FROM generate_series(%(since)s::timestamptz, %(now)s::timestamptz, interval '1 minute') AS m(minute)
CROSS JOIN LATERAL (
    SELECT video_id, views FROM analytics_realtime_video r
    WHERE r.minute = m.minute ORDER BY r.views DESC, r.video_id LIMIT %(chunk)s OFFSET %(offset)s
) AS x
"""
# Each video met, summed over the span through the primary key: the bounds are on an expression so that
# the planner cannot take the minute index instead (its statistics lag behind the newest minutes, which
# it then takes for nearly empty; it read every row of five minutes for 50 videos, 9 ms). A video has at
# most 120 rows (KEEP).
SUMS_SQL = """
SELECT video_id, sum(views) FROM analytics_realtime_video
WHERE video_id = ANY(%(ids)s) AND minute + interval '0 seconds' >= %(since)s
  AND minute + interval '0 seconds' <= %(now)s
GROUP BY video_id
"""
# The first chunk of each minute: over the last hour of a feed at 1,000 events/s, chunks of 20 stopped
# after one more chunk where 10 needed a sum of 140 videos first (the two tops: 10.8 -> 5.5 ms; 30: 6.7).
FIRST_CHUNK = 20


def catalogue_top(cursor: Any, since: datetime, now: datetime, top: int = TOP) -> list[tuple[int, int]]:
    """(video id, views) of the `top` videos with the most views from `since` to `now` (minutes), the
    most first, ties by id; as GROUP BY video_id ORDER BY sum DESC, video_id would give them."""
    sums: dict[int, int] = {}
    seen: dict[int, dict[int, int]] = {}  # the views read of each video met, by minute
    offset, chunk = 0, FIRST_CHUNK
    while True:
        cursor.execute(CHUNK_SQL, {"since": since, "now": now, "chunk": chunk, "offset": offset})
        read: dict[int, list[int]] = {}  # views read per minute (its seconds since 1970)
        for minute, video_id, views in cursor.fetchall():
            read.setdefault(minute, []).append(int(views))
            seen.setdefault(int(video_id), {})[minute] = int(views)
        # a video has at most the last views read in each minute whose list goes on, where it was not read
        last = {minute: views[-1] for minute, views in read.items() if len(views) == chunk}
        bound = sum(last.values())
        # the most promising first: 2 * `top` of them, then every other that may reach the `top`-th best
        candidates = sorted(
            (
                (sum(views.values()) + bound - sum(last.get(minute, 0) for minute in views), video_id)
                for video_id, views in seen.items()
                if video_id not in sums
            ),
            reverse=True,
        )
        size = 2 * top
        while candidates:
            best = sorted(sums.values(), reverse=True)[:top]
            threshold = best[-1] if len(best) == top else 0
            ids = [video_id for most_views, video_id in candidates[:size] if most_views >= threshold]
            if not ids:
                break  # in order: none further may reach it either
            cursor.execute(SUMS_SQL, {"ids": ids, "since": since, "now": now})
            sums.update((int(video_id), int(n)) for video_id, n in cursor.fetchall())
            candidates, size = candidates[len(ids) :], len(candidates)
        ranked = sorted(sums.items(), key=lambda item: (-item[1], item[0]))[:top]
        if bound == 0 or (len(ranked) == top and ranked[-1][1] > bound):
            return ranked
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
        if kind == "catalogue":
            cursor.execute(CATALOGUE_MINUTES_SQL, params)
            counts = {int(at): int(n) for at, n in cursor.fetchall()}
            tops = {
                name: catalogue_top(cursor, now - timedelta(minutes=span - 1), now)
                for name, span in (("top_5m", 5), ("top_60m", MINUTES))
            }
        else:
            cursor.execute(ROWS_SQL[kind], params)
            counts, tops = _summed(cursor.fetchall(), now)
    series = [first + timedelta(minutes=i) for i in range(MINUTES)]
    return {
        "minutes": [
            {"minute": m.strftime("%Y-%m-%dT%H:%M:00Z"), "views": counts.get(int(m.timestamp()), 0)}
            for m in series
        ],
        **{name: [{"video_id": video_id, "views": n} for video_id, n in rows] for name, rows in tops.items()},
        "generated_at": datetime.now(UTC),
    }


def _summed(
    rows: list[tuple[int, int, int]], now: datetime
) -> tuple[dict[int, int], dict[str, list[tuple[int, int]]]]:
    """The views per minute (keyed by its seconds since 1970), and the top videos of the last 5 and 60
    minutes, of a video's or a channel's rows (minute in seconds since 1970, video, views) of the last hour."""
    counts: dict[int, int] = {}
    recent = int((now - timedelta(minutes=4)).timestamp())
    by_video: dict[str, dict[int, int]] = {"top_5m": {}, "top_60m": {}}
    for at, video_id, views in rows:
        counts[at] = counts.get(at, 0) + views
        spans = ("top_5m", "top_60m") if at >= recent else ("top_60m",)
        for name in spans:
            by_video[name][video_id] = by_video[name].get(video_id, 0) + views
    tops = {
        name: sorted(videos.items(), key=lambda item: (-item[1], item[0]))[:TOP]
        for name, videos in by_video.items()
    }
    return counts, tops


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
