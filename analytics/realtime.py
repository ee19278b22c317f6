"""Realtime (API.md, Analytics): views per minute over the last 60 minutes and the top videos of the last 5
and 60 minutes, for a video, a channel or the whole catalogue, from the per-minute rollups that ingestion
writes in the transaction that stores the events (so every acknowledged event counts at once)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection

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
    "catalogue": "SELECT video_id, sum(views) AS n FROM analytics_realtime_video WHERE minute >= %(since)s "
    "AND minute <= %(now)s GROUP BY video_id ORDER BY n DESC, video_id LIMIT %(top)s",
}


def realtime(*, kind: str, id: int | None = None, now: datetime | None = None) -> dict[str, Any]:
    """`kind` is video, channel or catalogue."""
    now = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
    first = now - timedelta(minutes=MINUTES - 1)
    params = {"id": id, "since": first, "now": now, "top": TOP}
    with connection.cursor() as cursor:  # the primary: a replica may lag behind the last second
        cursor.execute(MINUTES_SQL[kind], params)
        counts = {minute.astimezone(UTC): int(n) for minute, n in cursor.fetchall()}
        tops: dict[str, list[dict[str, int]]] = {}
        for name, span in (("top_5m", 5), ("top_60m", MINUTES)):
            cursor.execute(TOP_SQL[kind], {**params, "since": now - timedelta(minutes=span - 1)})
            tops[name] = [{"video_id": video_id, "views": int(n)} for video_id, n in cursor.fetchall()]
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
