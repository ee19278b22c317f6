"""Report queries over the rollups, in the shape of a YouTube Analytics report:

    {"columns": [{"name": "day", "type": "dimension"}, {"name": "views", "type": "metric"}],
     "rows": [["2026-11-01", 120], ["2026-11-02", 0]], "totals": {"views": 120}}

Every bucket of the range is present (generate_series), reports never read raw events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Required, TypedDict

from api.exceptions import InvalidInputError
from config.replicas import read_connection

GRANULARITIES = ("hour", "day", "week", "month")
METRICS = ("views", "watch_seconds", "avg_view_seconds", "unique_viewers", "likes", "comments")
DIMENSIONS = ("country", "device")
DEFAULT_METRICS = ("views", "watch_seconds")
MAX_RANGE = timedelta(days=3 * 366)
MAX_HOURLY_RANGE = timedelta(days=31)
EARLIEST, LATEST = date(1970, 1, 1), date(2999, 12, 31)
LABELS = {"hour": 'YYYY-MM-DD"T"HH24:00:00"Z"', "day": "YYYY-MM-DD", "week": "YYYY-MM-DD", "month": "YYYY-MM"}


Number = int | float


class Column(TypedDict):
    name: str
    type: str  # dimension or metric


class Report(TypedDict, total=False):
    columns: Required[list[Column]]
    rows: Required[list[list[Any]]]  # each: the dimension's value, then the metrics in the columns' order
    totals: Required[dict[str, Number]]
    estimated: list[str]  # the metrics given as estimates, when any is


@dataclass(frozen=True)
class ReportRequest:
    start: date
    end: date
    granularity: str
    metrics: tuple[str, ...]
    dimension: str | None


def _shape(
    request: ReportRequest, first_column: str, rows: list[tuple[Any, ...]], totals: dict[str, Number]
) -> Report:
    metrics: list[Column] = [{"name": m, "type": "metric"} for m in request.metrics]
    columns: list[Column] = [{"name": first_column, "type": "dimension"}, *metrics]
    return {
        "columns": columns,
        "rows": [list(r) for r in rows],
        "totals": {m: totals[m] for m in request.metrics},
    }


def _metric_values(views: Any, watch: Any, uniques: Any, likes: Any, comments: Any) -> dict[str, Number]:
    views, watch = int(views or 0), float(watch or 0.0)
    return {
        "views": views,
        "watch_seconds": round(watch, 3),
        "avg_view_seconds": round(watch / views, 3) if views else 0.0,
        "unique_viewers": int(uniques or 0),
        "likes": int(likes or 0),
        "comments": int(comments or 0),
    }


# The statements of a video's or a channel's report, over the video's rollups or the channel's own (the
# other parameter is NULL), from %(start)s to %(end_excl)s (dates, the end excluded).

# Views and watch time by viewer country or device (%(dimension)s), from the video's cube (per day,
# country and device) or the channel's daily per-dimension rollup.
BREAKDOWN_SQL = """
SELECT CASE WHEN %(dimension)s = 'country' THEN country ELSE device END AS value, sum(views), sum(watch_seconds)
FROM analytics_video_cube
WHERE %(video_id)s::bigint IS NOT NULL AND video_id = %(video_id)s::bigint
  AND day >= %(start)s AND day < %(end_excl)s
GROUP BY 1
UNION ALL
SELECT value, sum(views), sum(watch_seconds) FROM analytics_channel_daily_dim
WHERE %(channel_id)s::bigint IS NOT NULL AND channel_id = %(channel_id)s::bigint AND dimension = %(dimension)s
  AND day >= %(start)s AND day < %(end_excl)s
GROUP BY value
ORDER BY 2 DESC, 1
"""

# Every bucket of %(granularity)s in the range (generate_series), labelled with %(label)s, each metric
# from its own rollup or table; a metric not asked for (%(uniques)s, %(engagement_days)s and
# %(engagement_hours)s false) is not read.
SERIES_SQL = """
WITH buckets AS (
    SELECT bucket
    FROM generate_series(date_trunc(%(granularity)s, %(start)s::timestamp AT TIME ZONE 'UTC', 'UTC'),
                         %(end_excl)s::timestamp AT TIME ZONE 'UTC' - interval '1 second',
                         ('1 ' || %(granularity)s)::interval) AS bucket
),
hourly AS (  -- a video's hours, or a channel's days (by day, week or month) or hours from its own rollups
    SELECT bucket, sum(views) AS views, sum(watch) AS watch
    FROM (
        SELECT date_trunc(%(granularity)s, hour, 'UTC') AS bucket, views, watch_seconds AS watch
        FROM analytics_video_hourly
        WHERE %(video_id)s::bigint IS NOT NULL AND video_id = %(video_id)s::bigint
          AND hour >= %(start)s::timestamp AT TIME ZONE 'UTC' AND hour < %(end_excl)s::timestamp AT TIME ZONE 'UTC'
        UNION ALL
        SELECT hour, views, watch_seconds
        FROM analytics_channel_hourly
        WHERE %(channel_hours)s AND channel_id = %(channel_id)s::bigint
          AND hour >= %(start)s::timestamp AT TIME ZONE 'UTC' AND hour < %(end_excl)s::timestamp AT TIME ZONE 'UTC'
        UNION ALL
        SELECT date_trunc(%(granularity)s, day::timestamp AT TIME ZONE 'UTC', 'UTC'), views, watch_seconds
        FROM analytics_channel_daily
        WHERE %(channel_days)s AND channel_id = %(channel_id)s::bigint AND day >= %(start)s AND day < %(end_excl)s
    ) AS rows
    GROUP BY 1
),
viewers AS (  -- by day each row is a viewer; by week or month they are counted apart (_sampled_viewers)
    SELECT day::timestamp AT TIME ZONE 'UTC' AS bucket, count(*) AS n FROM analytics_video_daily_viewer
    WHERE %(uniques)s AND %(granularity)s = 'day' AND video_id = %(video_id)s::bigint
      AND day >= %(start)s AND day < %(end_excl)s
    GROUP BY day
    UNION ALL
    SELECT day::timestamp AT TIME ZONE 'UTC', count(*) FROM analytics_channel_daily_viewer
    WHERE %(uniques)s AND %(granularity)s = 'day' AND channel_id = %(channel_id)s::bigint
      AND day >= %(start)s AND day < %(end_excl)s
    GROUP BY day
),
engagement_videos AS MATERIALIZED (  -- by hour: the videos with likes or comments in the range
    SELECT DISTINCT video_id FROM analytics_video_daily_engagement
    WHERE %(engagement_hours)s AND (video_id = %(video_id)s::bigint OR channel_id = %(channel_id)s::bigint)
      AND day >= %(start)s AND day < %(end_excl)s
),
engagement AS (  -- likes and comments per day of the video or of the channel's videos; by hour, their rows
    SELECT date_trunc(%(granularity)s, day::timestamp AT TIME ZONE 'UTC', 'UTC') AS bucket, sum(likes) AS likes,
           sum(comments) AS comments
    FROM (
        SELECT day, likes, comments FROM analytics_video_daily_engagement
        WHERE %(engagement_days)s AND video_id = %(video_id)s::bigint AND day >= %(start)s AND day < %(end_excl)s
        UNION ALL
        SELECT day, likes, comments FROM analytics_video_daily_engagement
        WHERE %(engagement_days)s AND channel_id = %(channel_id)s::bigint AND day >= %(start)s AND day < %(end_excl)s
    ) AS rows
    GROUP BY 1
    UNION ALL
    SELECT date_trunc('hour', created_at, 'UTC'), count(*) FILTER (WHERE kind = 'like'), 0 FROM api_reaction
    WHERE video_id IN (SELECT video_id FROM engagement_videos)
      AND created_at >= %(start)s::timestamp AT TIME ZONE 'UTC' AND created_at < %(end_excl)s::timestamp AT TIME ZONE 'UTC'
    GROUP BY 1
    UNION ALL
    SELECT date_trunc('hour', created_at, 'UTC'), 0, count(*) FROM api_comment
    WHERE video_id IN (SELECT video_id FROM engagement_videos) AND deleted_at IS NULL
      AND created_at >= %(start)s::timestamp AT TIME ZONE 'UTC' AND created_at < %(end_excl)s::timestamp AT TIME ZONE 'UTC'
    GROUP BY 1
),
engagement_buckets AS (SELECT bucket, sum(likes) AS likes, sum(comments) AS comments FROM engagement GROUP BY 1)
SELECT to_char(buckets.bucket AT TIME ZONE 'UTC', %(label)s), hourly.views, hourly.watch, viewers.n,
       engagement_buckets.likes, engagement_buckets.comments
FROM buckets LEFT JOIN hourly USING (bucket) LEFT JOIN viewers USING (bucket) LEFT JOIN engagement_buckets USING (bucket)
ORDER BY buckets.bucket
"""

# A video's or a channel's distinct viewers in each span of days of %(firsts)s and %(afters)s (its first
# day and the day after its last: a bucket, or the whole range), numbered in that order: among the viewers
# whose hash is 0 modulo VIEWER_SAMPLE (a partial index holds just those rows: migrations_sql/0026 and
# 0034), among those whose hash is below %(below)s (a share of the hash range: each day's range of the
# primary key, whose last column is the hash, read down to the bound), or among all of them. Each span is
# counted apart: grouped by an expression of the day, the rows were sorted by it and then by hash (a week
# of the most viewed video, 50,000 rows of a quarter of the hash range: 25 ms, 10 ms apart).
VIEWERS_SQL = {
    (table, key, rows): f"""
    SELECT b.n, (SELECT count(DISTINCT viewer_hash) FROM {table} WHERE {key} = %({key})s::bigint AND {condition})
    FROM unnest(%(firsts)s::date[], %(afters)s::date[]) WITH ORDINALITY AS b(first, after, n)
    """
    for table, key in (
        ("analytics_video_daily_viewer", "video_id"),
        ("analytics_channel_daily_viewer", "channel_id"),
    )
    for rows, condition in (
        ("sample", "day >= b.first AND day < b.after AND (viewer_hash & 15) = 0"),
        (
            "below",
            "day = ANY(ARRAY(SELECT generate_series(b.first, b.after - 1, interval '1 day')::date)) "
            "AND viewer_hash < %(below)s",
        ),
        ("all", "day >= b.first AND day < b.after"),
    )
}
VIEWER_SAMPLE = 16  # the partial indexes' modulo (migrations_sql/0026, 0034)
# A count from a sample is given (divided by the sample's share of the hash range) once the sample holds
# this many viewers: its standard error is then at most 1% (1/sqrt(10,000)), so that it is within the 2%
# API.md allows 19 times in 20; below, the viewers are counted exactly.
VIEWER_SAMPLE_ENOUGH = 10_000
# Where the sixteenth holds too few, a bucket's viewers are counted in the smallest of these shares of the
# hash range expected to hold VIEWER_SAMPLE_ENOUGH with a tenth to spare (its sixteenth's count times 16
# times the share), read day by day from the primary key, and exactly where none is: a week of 49,000
# viewers of the most viewed video, exactly in 89 ms, is 12,400 in a quarter of the range in 25 ms.
VIEWER_SHARES = (1 / 8, 1 / 4, 1 / 2)
HASH_SPAN = 2**64


def _viewer_share(sampled: int) -> float | None:
    """The share of the hash range to count a bucket's viewers in, from its sixteenth's count; None:
    count them all."""
    for share in VIEWER_SHARES:
        if sampled * VIEWER_SAMPLE * share >= 1.1 * VIEWER_SAMPLE_ENOUGH:
            return share
    return None


def _sampled_viewers(
    request: ReportRequest, params: dict[str, Any], *, buckets: bool
) -> tuple[dict[str | None, int], bool]:
    """A video's or a channel's distinct viewers over the range (key None) and, with `buckets`, per bucket
    label, and whether any is an estimate: from the sixteenth sample where it holds enough viewers, from
    a larger share of the hash range where that holds enough, exactly elsewhere."""
    table, key = (
        ("analytics_video_daily_viewer", "video_id")
        if params["video_id"] is not None
        else ("analytics_channel_daily_viewer", "channel_id")
    )
    # each bucket's span of days (within the range), and the whole range's (None)
    spans: dict[str | None, tuple[date, date]] = {None: (request.start, request.end + timedelta(days=1))}
    for day in _days(request) if buckets else []:
        bucket = _label(request, day)
        first, after = spans.get(bucket, (day, day))
        spans[bucket] = (min(first, day), max(after, day + timedelta(days=1)))
    with read_connection().cursor() as cursor:

        def count(rows: str, labels: list[str | None], below: int = 0) -> dict[str | None, int]:
            spanned = {
                "firsts": [spans[label][0] for label in labels],
                "afters": [spans[label][1] for label in labels],
            }
            cursor.execute(VIEWERS_SQL[table, key, rows], {**params, **spanned, "below": below})
            return {labels[n - 1]: int(found) for n, found in cursor.fetchall()}

        wanted = list(spans)
        sampled = count("sample", wanted)
        counts: dict[str | None, int] = {}
        estimated: set[str | None] = set()
        by_share: dict[float | None, list[str | None]] = {}
        for label in wanted:
            if sampled.get(label, 0) >= VIEWER_SAMPLE_ENOUGH:
                counts[label] = sampled[label] * VIEWER_SAMPLE
                estimated.add(label)
            else:
                by_share.setdefault(_viewer_share(sampled.get(label, 0)), []).append(label)
        for share, labels in by_share.items():
            left = labels
            if share is not None:
                found = count("below", labels, below=int(-(2**63) + share * HASH_SPAN))
                enough = [label for label in labels if found.get(label, 0) >= VIEWER_SAMPLE_ENOUGH]
                counts.update((label, round(found[label] / share)) for label in enough)
                estimated.update(enough)
                left = [label for label in labels if label not in enough]  # held fewer than expected
            if left:
                exact = count("all", left)
                counts.update((label, exact.get(label, 0)) for label in left)
    return counts, bool(estimated)


def _days(request: ReportRequest) -> list[date]:
    return [request.start + timedelta(days=i) for i in range((request.end - request.start).days + 1)]


def _label(request: ReportRequest, day: date) -> str:
    if request.granularity == "month":
        return day.strftime("%Y-%m")
    if request.granularity == "week":
        return (day - timedelta(days=day.weekday())).isoformat()
    return day.isoformat()


def video_report(
    *, request: ReportRequest, video_id: int | None = None, channel_id: int | None = None
) -> Report:
    """A report over one video or a channel's videos: a breakdown by the request's dimension, or a time
    series."""
    if (video_id is None) == (channel_id is None):
        raise TypeError("a report is over one video or one channel")
    params: dict[str, Any] = {
        "video_id": video_id,
        "channel_id": channel_id,
        "start": request.start,
        "end_excl": request.end + timedelta(days=1),
        "granularity": request.granularity,
        "label": LABELS[request.granularity],
    }
    if request.dimension:
        return _breakdown_report(request, request.dimension, params)
    return _series_report(request, params)


def _breakdown_report(request: ReportRequest, dimension: str, params: dict[str, Any]) -> Report:
    """Views and watch time by viewer country or device."""
    rows = _run(BREAKDOWN_SQL, {**params, "dimension": dimension})
    values = [(value, _metric_values(v, w, 0, 0, 0)) for value, v, w in rows]
    totals = _metric_values(sum(r[1] for r in rows), sum(r[2] for r in rows), 0, 0, 0)
    return _shape(
        request,
        dimension,
        [(value, *[m[k] for k in request.metrics]) for value, m in values],
        totals,
    )


def _series_report(request: ReportRequest, params: dict[str, Any]) -> Report:
    """Every bucket of the range, each metric asked for."""
    engagement = bool({"likes", "comments"} & set(request.metrics))
    params = {
        **params,
        "channel_days": params["channel_id"] is not None and request.granularity != "hour",
        "channel_hours": params["channel_id"] is not None and request.granularity == "hour",
        "uniques": "unique_viewers" in request.metrics,
        "engagement_days": engagement and request.granularity != "hour",
        "engagement_hours": engagement and request.granularity == "hour",
    }
    rows = _run(SERIES_SQL, params)
    series = [(label, _metric_values(v, w, u, lk, cm)) for label, v, w, u, lk, cm in rows]
    uniques, estimated = 0, False
    if "unique_viewers" in request.metrics:
        viewers, estimated = _sampled_viewers(request, params, buckets=request.granularity != "day")
        uniques = viewers[None]
        if request.granularity != "day":
            for label, metrics in series:
                metrics["unique_viewers"] = viewers.get(label, 0)
    totals = _metric_values(
        sum(m["views"] for _, m in series),
        sum(m["watch_seconds"] for _, m in series),
        uniques,
        sum(m["likes"] for _, m in series),
        sum(m["comments"] for _, m in series),
    )
    report = _shape(
        request,
        request.granularity,
        [(label, *[m[k] for k in request.metrics]) for label, m in series],
        totals,
    )
    if estimated:
        report["estimated"] = ["unique_viewers"]
    return report


def _run(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


TOP_METRICS = ("views", "watch_seconds", "likes", "comments")
TOP_DIMENSIONS = ("video", "channel", "category", "tag", "country", "language")
GLOBAL_DIMENSIONS = ("category", "language", "country")
DIMENSION_SQL = {
    "video": "v.id::text",
    "channel": "v.channel_id::text",
    "category": "v.category",
    "language": "v.language",
    "tag": "t.tag",
}
TAG_JOIN = "CROSS JOIN LATERAL (SELECT DISTINCT tag FROM unnest(v.tags) AS tag) AS t"  # a tag given twice counts once


@dataclass(frozen=True)
class TopRequest:
    start: date
    end: date
    metric: str
    dimension: str
    limit: int
    filters: dict[str, list[Any] | None]


def top_report(*, request: TopRequest) -> Report:
    """The top values of a dimension by a metric over a date range, rows sorted by the metric, and the
    total over every value. Unfiltered category, language and country totals come from the daily
    catalogue-wide rollup, channels' from the daily channel rollup, tags' from the daily tag rollup; the
    rest from per-video rollups joined to the catalogue."""
    params: dict[str, Any] = {
        "start": request.start,
        "end_excl": request.end + timedelta(days=1),
        "limit": request.limit,
    }
    if request.metric in ("likes", "comments"):
        if request.dimension == "country" or "country" in request.filters:
            raise InvalidInputError({"metric": ["Likes and comments carry no viewer country."]})
        return _top_shape(request, _top_engagement(request, params))
    return _top_shape(request, _top_views(request, params))


def _top_views(request: TopRequest, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The rows of `top` by views or watch time: (value, metric, total over every value)."""
    value_column = "watch_seconds" if request.metric == "watch_seconds" else "views"
    if request.dimension in GLOBAL_DIMENSIONS and not request.filters:
        sql = f"""
            SELECT value, sum({value_column}) AS m, sum(sum({value_column})) OVER () AS total
            FROM analytics_daily_dim WHERE dimension = %(dimension)s AND day >= %(start)s AND day < %(end_excl)s
            GROUP BY value ORDER BY m DESC, value LIMIT %(limit)s
        """
        return _run(sql, {**params, "dimension": request.dimension})
    if request.dimension == "tag" and not request.filters:
        sql = f"""
            SELECT tag, sum({value_column}) AS m, sum(sum({value_column})) OVER () AS total
            FROM analytics_tag_daily WHERE day >= %(start)s AND day < %(end_excl)s
            GROUP BY tag ORDER BY m DESC, tag LIMIT %(limit)s
        """
        return _run(sql, params)
    if request.dimension == "video" and not request.filters:
        rows = _top_videos_by_totals(request, params, value_column)
        if rows is not None:
            return rows
    if request.dimension == "channel" and set(request.filters) <= {"channel"}:
        if not request.filters:
            rows = _top_channels_by_totals(request, params, value_column)
            if rows is not None:
                return rows
        # channels from their own daily rollup: at most one row per channel and day, not one per video and hour
        channel_filter = "AND channel_id = ANY(%(channel)s)" if "channel" in request.filters else ""
        params["channel"] = request.filters.get("channel")
        sql = f"""
            SELECT channel_id::text AS value, sum({value_column}) AS m, sum(sum({value_column})) OVER () AS total
            FROM analytics_channel_daily
            WHERE day >= %(start)s AND day < %(end_excl)s {channel_filter}
            GROUP BY channel_id ORDER BY m DESC, value LIMIT %(limit)s
        """
        return _run(sql, params)
    source, dimension_sql = _top_source(request, params, value_column)
    joins = TAG_JOIN if request.dimension == "tag" else ""
    sql = f"""
        SELECT {dimension_sql} AS value, sum(s.m) AS m, sum(sum(s.m)) OVER () AS total
        FROM ({source}) s JOIN api_video v ON v.id = s.video_id {joins}
        WHERE {" AND ".join(_catalogue_conditions(request, params))}
        GROUP BY 1 ORDER BY m DESC, value LIMIT %(limit)s
    """
    return _run(sql, params)


def _top_engagement(request: TopRequest, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The rows of `top` by likes or comments: (value, metric, total over every value)."""
    if (
        request.dimension == "video"
        and not request.filters
        and (request.end - request.start).days > TOP_WALK_ENGAGEMENT_DAYS
    ):
        rows = _top_videos_by_totals(request, params, request.metric)
        if rows is not None:
            return rows
    # from the likes and comments per video and day, which carry the video's channel, category, language
    # and tags (the catalogue's columns, under the catalogue's alias `v`)
    joins = "CROSS JOIN LATERAL unnest(v.tags) AS t(tag)" if request.dimension == "tag" else ""  # each once
    dimension_sql = "v.video_id::text" if request.dimension == "video" else DIMENSION_SQL[request.dimension]
    sql = f"""
        SELECT {dimension_sql} AS value, sum(v.{request.metric}) AS m, sum(sum(v.{request.metric})) OVER () AS total
        FROM analytics_video_daily_engagement v {joins}
        WHERE v.day >= %(start)s AND v.day < %(end_excl)s AND v.{request.metric} > 0
          AND {" AND ".join(_catalogue_conditions(request, params))}
        GROUP BY 1 ORDER BY m DESC, value LIMIT %(limit)s
    """
    return _run(sql, params)


# `top` by video: videos walked down the level of their totals over every hour (analytics_video_totals: a
# level L means a total under 1.25^L, an upper bound of the video's views or watch time in any range), or
# down their all-time likes or comments, in
# growing batches, each batch's exact sums over the range read from the hourly rollup; the walk stops once
# the `limit`-th best exceeds the bound of every video not yet walked. Past TOP_WALK_MAX videos (a range
# holding a small share of long histories) the plain aggregate answers.
TOP_WALK_FIRST, TOP_WALK_MAX = 200, 40_000
LEVEL_BASE = 1.25
# Likes and comments are walked down the videos' own counts (api_video's like_count and comment_count,
# each video's likes and comments of all time), for ranges of more than TOP_WALK_ENGAGEMENT_DAYS days:
# over a shorter range the aggregate of its rows is cheaper than a walk that finds the range's best far
# down the all-time counts.
TOP_WALK_ENGAGEMENT_DAYS = 180
TOTALS_WALK_SQL = {  # (video id, its bound), the videos that still exist (a deleted video's rollups stay)
    **{
        metric: f"""
        SELECT t.video_id, CASE WHEN t.{level} > 0 THEN power({LEVEL_BASE}::float8, t.{level}) ELSE 0 END
        FROM analytics_video_totals t
        WHERE EXISTS (SELECT FROM api_video v WHERE v.id = t.video_id)
        ORDER BY t.{level} DESC, t.video_id DESC LIMIT %(batch)s OFFSET %(walked)s
        """
        for metric, level in (("views", "views_level"), ("watch_seconds", "watch_level"))
    },
    **{
        metric: f"SELECT id, {count} FROM api_video ORDER BY {count} DESC, id DESC LIMIT %(batch)s OFFSET %(walked)s"
        for metric, count in (("likes", "like_count"), ("comments", "comment_count"))
    },
}
RANGE_SUMS_SQL = {
    **{
        metric: f"""
        SELECT video_id, sum({metric}) FROM analytics_video_hourly
        WHERE video_id = ANY(%(ids)s) AND hour >= %(start)s::timestamp AT TIME ZONE 'UTC'
          AND hour < %(end_excl)s::timestamp AT TIME ZONE 'UTC'
        GROUP BY video_id HAVING sum({metric}) > 0
        """
        for metric in ("views", "watch_seconds")
    },
    **{
        metric: f"""
        SELECT video_id, sum({metric}) FROM analytics_video_daily_engagement
        WHERE video_id = ANY(%(ids)s) AND day >= %(start)s AND day < %(end_excl)s
        GROUP BY video_id HAVING sum({metric}) > 0
        """
        for metric in ("likes", "comments")
    },
}
# The channels' walk (`top` by channel, and the query model's top channels: analytics.query): channels
# down the level of their totals over all time (analytics_channel_totals), each batch's sums over the
# range from the channels' daily rollup (a channel's deleted videos' views included, as in its rollups).
CHANNEL_TOTALS_WALK_SQL = {
    metric: f"""
    SELECT channel_id, CASE WHEN {level} > 0 THEN power({LEVEL_BASE}::float8, {level}) ELSE 0 END
    FROM analytics_channel_totals ORDER BY {level} DESC, channel_id DESC LIMIT %(batch)s OFFSET %(walked)s
    """
    for metric, level in (("views", "views_level"), ("watch_seconds", "watch_level"))
}
CHANNEL_RANGE_SUMS_SQL = """
    SELECT channel_id, sum({metric}) FROM analytics_channel_daily
    WHERE channel_id = ANY(%(ids)s) AND day >= %(start)s AND day < %(end_excl)s
    GROUP BY channel_id HAVING sum({metric}) > 0
"""
RANGE_TOTAL_SQL = {
    # every view of the range, once (each event is in the category rollup once)
    **{
        metric: f"SELECT coalesce(sum({metric}), 0) FROM analytics_daily_dim "
        "WHERE dimension = 'category' AND day >= %(start)s AND day < %(end_excl)s"
        for metric in ("views", "watch_seconds")
    },
    **{
        metric: f"SELECT coalesce(sum({metric}), 0) FROM analytics_video_daily_engagement "
        "WHERE day >= %(start)s AND day < %(end_excl)s"
        for metric in ("likes", "comments")
    },
}


def _top_videos_by_totals(
    request: TopRequest, params: dict[str, Any], metric: str
) -> list[tuple[Any, ...]] | None:
    """The top videos of the range, as the aggregate would give them (value, metric, total); None when the
    walk would pass TOP_WALK_MAX videos."""
    return _top_by_totals(request, params, metric, TOTALS_WALK_SQL[metric], RANGE_SUMS_SQL[metric])


def _top_channels_by_totals(
    request: TopRequest, params: dict[str, Any], metric: str
) -> list[tuple[Any, ...]] | None:
    """The top channels of the range by views or watch time, as the aggregate of the channels' daily
    rollup would give them (value, metric, total); None when the walk would pass TOP_WALK_MAX channels."""
    return _top_by_totals(
        request, params, metric, CHANNEL_TOTALS_WALK_SQL[metric], CHANNEL_RANGE_SUMS_SQL.format(metric=metric)
    )


def _top_by_totals(
    request: TopRequest, params: dict[str, Any], metric: str, walk_sql: str, sums_sql: str
) -> list[tuple[Any, ...]] | None:
    """The top ids of the range walked down `walk_sql` ((id, bound)), each batch's sums over the range read
    by `sums_sql` ((id, metric) of `%(ids)s`); rows (id as text, metric, total over every id)."""
    with read_connection().cursor() as cursor:

        def range_sums(ids: list[int]) -> list[tuple[Any, ...]]:
            cursor.execute(sums_sql, {**params, "ids": ids})
            return [(float(m), str(key)) for key, m in cursor.fetchall()]

        # (metric, id as text), in the aggregate's order: metric desc, text
        best = walk_down_totals(
            cursor,
            walk_sql,
            range_sums,
            value=lambda row: row[0],
            order=lambda row: (-row[0], row[1]),
            wanted=request.limit,
        )
        if best is None:
            return None
        cursor.execute(RANGE_TOTAL_SQL[metric], params)
        (total,) = cursor.fetchone()
    return [(value, m, total) for m, value in best]


def walk_down_totals(
    cursor: Any,
    walk_sql: str,
    read: Callable[[list[int]], list[tuple[Any, ...]]],
    *,
    value: Callable[[tuple[Any, ...]], float],
    order: Callable[[tuple[Any, ...]], Any],
    wanted: int,
) -> list[tuple[Any, ...]] | None:
    """The `wanted` best rows of videos walked down `walk_sql` ((video id, an upper bound of its value),
    highest first) in growing batches: `read` gives each batch's rows, `value` a row's value and `order`
    the rows' order. Stops once the last row wanted is above the bound of every video not walked; None
    past TOP_WALK_MAX videos."""
    best: list[tuple[Any, ...]] = []
    walked, batch = 0, TOP_WALK_FIRST
    while True:
        cursor.execute(walk_sql, {"batch": batch, "walked": walked})
        candidates = cursor.fetchall()
        if not candidates:
            return best
        walked += len(candidates)
        best.extend(read([video_id for video_id, _ in candidates]))
        best.sort(key=order)
        del best[wanted:]
        bound = float(candidates[-1][1])  # no video further down has more in all its hours
        if len(candidates) < batch or (len(best) == wanted and value(best[-1]) > bound * (1 + 1e-9) + 1e-6):
            return best
        if walked >= TOP_WALK_MAX:
            return None
        batch = min(batch * 4, TOP_WALK_MAX - walked)


def _catalogue_conditions(request: TopRequest, params: dict[str, Any]) -> list[str]:
    """The conditions on the videos (`v`) of the request's catalogue filters; their values go in `params`."""
    where = ["TRUE"]
    for column in ("category", "language"):
        if column in request.filters:
            where.append(f"v.{column} = ANY(%({column})s)")
            params[column] = request.filters[column]
    if "channel" in request.filters:
        where.append("v.channel_id = ANY(%(channel)s)")
        params["channel"] = request.filters["channel"]
    return where


def _top_source(request: TopRequest, params: dict[str, Any], value_column: str) -> tuple[str, str]:
    """The per-video source of the metric (`video_id`, `m`, and `country` where the viewers' country
    counts) and the SQL of the dimension's value over it; parameters go in `params`."""
    if request.dimension == "country" or "country" in request.filters:
        country_filter = "AND country = ANY(%(country)s)" if "country" in request.filters else ""
        params["country"] = request.filters.get("country")
        source = (
            f"SELECT video_id, country, sum({value_column}) AS m FROM analytics_video_cube "
            f"WHERE day >= %(start)s AND day < %(end_excl)s {country_filter} GROUP BY 1, 2"
        )
        return source, "s.country" if request.dimension == "country" else DIMENSION_SQL[request.dimension]
    source = (
        f"SELECT video_id, sum({value_column}) AS m FROM analytics_video_hourly "
        f"WHERE hour >= %(start)s::timestamp AT TIME ZONE 'UTC' "
        f"AND hour < %(end_excl)s::timestamp AT TIME ZONE 'UTC' GROUP BY video_id"
    )
    return source, DIMENSION_SQL[request.dimension]


def _top_shape(request: TopRequest, rows: list[tuple[Any, ...]]) -> Report:
    def number(value: Any) -> Number:
        return round(float(value), 3) if request.metric == "watch_seconds" else int(value)

    total = number(rows[0][2]) if rows else number(0)
    return {
        "columns": [
            {"name": request.dimension, "type": "dimension"},
            {"name": request.metric, "type": "metric"},
        ],
        "rows": [[value, number(m)] for value, m, _ in rows],
        "totals": {request.metric: total},
    }
