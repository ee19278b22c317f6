"""Reads for analytics: the trending lists (the reports are in analytics.reports)."""

from __future__ import annotations

from typing import Any, TypedDict

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, FloatField, QuerySet, Value
from django.db.models.functions import Coalesce

from analytics.services import DECAY_PER_HOUR, TRENDING_EPOCH
from api import selectors as catalogue
from api.models import Video
from api.pagination import KeysetPagination
from config.replicas import read_connection

TRENDING_PAGINATION = KeysetPagination(
    name="trending", keys=[("trend", F("trend"), float), ("id", F("counters__video_id"), int)]
)


def trending_ordered_videos() -> tuple[QuerySet[Video], KeysetPagination]:
    """Videos by their decayed trending score (videos never viewed last), for search's order=trending."""
    # An inner join (every video has its trending row), ordered by the expression that
    # analytics_video_trending_order indexes: a page walks the index instead of scoring every match.
    trend = Coalesce(F("counters__score_log"), Value(-1e308), output_field=FloatField())
    videos = catalogue.videos_base().filter(counters__video_id__gte=0).annotate(trend=trend)
    return videos.order_by("-trend", "-counters__video_id"), TRENDING_PAGINATION


WINDOWS = ("now", "24h", "7d")
WINDOW_HOURS = {"24h": 24, "7d": 168}
TRENDING_TOP = 5_000  # videos kept in each window's snapshot
REFRESH_TIMEOUT_S = 60


class TrendingHit(TypedDict):
    video: Video
    rank: int
    score: float
    views_in_window: int


def trending(
    *,
    window: str,
    limit: int,
    region: list[str] | None = None,
    category: list[str] | None = None,
    language: list[str] | None = None,
) -> list[TrendingHit]:
    """Top videos of a window: `now` by decayed score (in the order of analytics_video_trending_order, the
    index that also orders search by trending, bounded above the never-viewed videos' NULL: migrations_sql/0015,
    0037), `24h`/`7d` by views
    summed from the hourly rollups. Each row: video id, score, views in the window (24 hours for `now`)."""
    filters: list[str] = []
    params: dict[str, Any] = {"limit": limit, "decay": DECAY_PER_HOUR, "epoch": TRENDING_EPOCH}
    for column, values in (("region", region), ("category", category), ("language", language)):
        if values:
            filters.append(f"v.{column} = ANY(%({column})s)")
            params[column] = values
    where = " AND ".join(filters) or "TRUE"
    if window == "now":
        rows = _fetch(
            f"""
            SELECT t.video_id,
                   exp(t.score_log - %(decay)s * extract(epoch FROM now() - %(epoch)s::timestamptz) / 3600.0) AS score,
                   (SELECT coalesce(sum(h.views), 0) FROM analytics_video_hourly h
                    WHERE h.video_id = t.video_id AND h.hour > now() - interval '24 hours') AS views
            FROM analytics_video_trending t JOIN api_video v ON v.id = t.video_id
            WHERE coalesce(t.score_log, '-1e308'::float8) > '-1e308'::float8 AND {where}
            ORDER BY coalesce(t.score_log, '-1e308'::float8) DESC, t.video_id DESC LIMIT %(limit)s
            """,
            params,
        )
    else:
        rows = _window_top(window, where, params)
    videos = catalogue.videos_base().in_bulk([video_id for video_id, _, _ in rows])
    return [
        {"video": videos[video_id], "rank": rank, "score": float(score), "views_in_window": int(views)}
        for rank, (video_id, score, views) in enumerate(rows, 1)
        if video_id in videos
    ]


def _fetch(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _window_top(window: str, where: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Top videos by views in the window, from the window's snapshot (migrations_sql/0006), recomputed
    when older than ANALYTICS_TRENDING_MAX_AGE seconds; from the hourly rollups themselves when a filter
    leaves fewer than `limit` rows of an incomplete snapshot."""
    params = {**params, "window": window, "hours": WINDOW_HOURS[window]}
    if read_connection().alias == connection.alias:  # a replica reads the snapshot the worker keeps fresh
        with transaction.atomic(), connection.cursor() as cursor:
            # The one request that recomputes a stale snapshot may take seconds under load (the others
            # read the previous one meanwhile): it must not end at the request statement timeout.
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{REFRESH_TIMEOUT_S}s"])
            cursor.execute(
                "SELECT analytics_trending_refresh(%s, %s, %s, make_interval(secs => %s))",
                [window, WINDOW_HOURS[window], TRENDING_TOP, settings.ANALYTICS_TRENDING_MAX_AGE],
            )
    with read_connection().cursor() as cursor:
        cursor.execute(
            f"""
            SELECT w.video_id, w.views::float8, w.views
            FROM analytics_trending_window w JOIN api_video v ON v.id = w.video_id
            WHERE w.window_name = %(window)s AND {where}
            ORDER BY w.views DESC, w.video_id DESC LIMIT %(limit)s
            """,
            params,
        )
        rows = list(cursor.fetchall())
        if len(rows) == params["limit"]:
            return rows
        cursor.execute("SELECT complete FROM analytics_trending_snapshot WHERE window_name = %s", [window])
        snapshot = cursor.fetchone()
        if snapshot and snapshot[0]:
            return rows
    return _fetch(
        f"""
        SELECT h.video_id, sum(h.views)::float8 AS score, sum(h.views) AS views
        FROM analytics_video_hourly h JOIN api_video v ON v.id = h.video_id
        WHERE h.hour > date_trunc('hour', now()) - make_interval(hours => %(hours)s) AND {where}
        GROUP BY h.video_id ORDER BY sum(h.views) DESC, h.video_id DESC LIMIT %(limit)s
        """,
        params,
    )
