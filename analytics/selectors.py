"""Reads for analytics: trending lists and the report queries over the rollups."""

from __future__ import annotations

from django.db import connection
from django.db.models import F, FloatField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from analytics.models import VideoTrending
from analytics.services import DECAY_PER_HOUR, TRENDING_EPOCH
from api import selectors as catalogue
from api.models import Video
from api.pagination import KeysetPagination

TRENDING_PAGINATION = KeysetPagination(
    name="trending", keys=[("trend", F("trend"), float), ("id", "id", int)]
)


def trending_ordered_videos() -> tuple[QuerySet[Video], KeysetPagination]:
    """Videos by their decayed trending score (videos never viewed last), for search's order=trending."""
    score = Subquery(VideoTrending.objects.filter(video_id=OuterRef("pk")).values("score_log")[:1])
    videos = catalogue.videos_base().annotate(trend=Coalesce(score, Value(-1e308), output_field=FloatField()))
    return videos.order_by("-trend", "-id"), TRENDING_PAGINATION


WINDOWS = ("now", "24h", "7d")
WINDOW_HOURS = {"24h": 24, "7d": 168}


def trending(
    *,
    window: str,
    limit: int,
    region: list[str] | None = None,
    category: list[str] | None = None,
    language: list[str] | None = None,
) -> list[dict]:
    """Top videos of a window: `now` by decayed score (index order on score_log), `24h`/`7d` by views
    summed from the hourly rollups. Each row: video id, score, views in the window (24 hours for `now`)."""
    filters, params = [], {"limit": limit, "decay": DECAY_PER_HOUR, "epoch": TRENDING_EPOCH}
    for column, values in (("region", region), ("category", category), ("language", language)):
        if values:
            filters.append(f"v.{column} = ANY(%({column})s)")
            params[column] = values
    where = " AND ".join(filters) or "TRUE"
    if window == "now":
        sql = f"""
            SELECT t.video_id,
                   exp(t.score_log - %(decay)s * extract(epoch FROM now() - %(epoch)s::timestamptz) / 3600.0) AS score,
                   (SELECT coalesce(sum(h.views), 0) FROM analytics_video_hourly h
                    WHERE h.video_id = t.video_id AND h.hour > now() - interval '24 hours') AS views
            FROM analytics_video_trending t JOIN api_video v ON v.id = t.video_id
            WHERE {where}
            ORDER BY t.score_log DESC, t.video_id DESC LIMIT %(limit)s
        """
    else:
        params["hours"] = WINDOW_HOURS[window]
        sql = f"""
            SELECT h.video_id, sum(h.views)::float8 AS score, sum(h.views) AS views
            FROM analytics_video_hourly h JOIN api_video v ON v.id = h.video_id
            WHERE h.hour > date_trunc('hour', now()) - make_interval(hours => %(hours)s) AND {where}
            GROUP BY h.video_id ORDER BY sum(h.views) DESC, h.video_id DESC LIMIT %(limit)s
        """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    videos = catalogue.videos_base().in_bulk([video_id for video_id, _, _ in rows])
    return [
        {"video": videos[video_id], "rank": rank, "score": float(score), "views_in_window": int(views)}
        for rank, (video_id, score, views) in enumerate(rows, 1)
        if video_id in videos
    ]
