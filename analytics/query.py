"""The report query model (API.md, Analytics), in the shape of YouTube Analytics' `reports.query`: metrics,
up to two dimensions, filters, sort and paging over a date range, optionally compared with an earlier range.

A query is answered from the rollups, never from raw events, by metric group:
- views, watch time and their averages: the catalogue's cube (analytics_cube: day, country, device,
  category, language) when the query neither names nor filters a video or a channel; the channels' cube
  (analytics_channel_cube: category, day, language, channel) for the catalogue by channel with no other
  field than category and language; else the videos' cube (analytics_video_cube: video, day, country,
  device, with the video's channel, category and language);
  by hour, the video's or the channel's hourly rollup;
- likes and comments: the likes and comments per video and day (analytics_video_daily_engagement);
- unique viewers: the viewers per video or channel and day, counted as the series reports count them
  (analytics.reports).

Each group is one GROUP BY over its rollup; the rows are the dimension values the sort metric's group
holds (sorted and cut in SQL, so a top of a million videos reads no more than it sends), the other
groups' metrics read for those values. The catalogue's top videos, and its top channels unfiltered or by
a country or a device, are walked down their totals over all time instead (_top_videos_walk,
_top_channels_walk). A time dimension is gap-free: every bucket of the range is a row,
for each value of the second dimension (its SERIES_VALUES values with the most of the sort metric).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from analytics import reports
from api.exceptions import InvalidInputError
from config.replicas import read_connection

TIME_DIMENSIONS = ("hour", "day", "week", "month")
VALUE_DIMENSIONS = ("country", "device", "video", "channel", "category", "language")
RETENTION_DIMENSION = "elapsed_ratio"  # a video's audience retention, at each tenth of the video
DIMENSIONS = (*TIME_DIMENSIONS, *VALUE_DIMENSIONS, RETENTION_DIMENSION)
FILTER_FIELDS = ("video", "channel", "country", "device", "category", "language")
VIEW_METRICS = (
    "views",
    "watch_seconds",
    "avg_view_seconds",
    "average_view_seconds",
    "average_view_percentage",
)
ENGAGEMENT_METRICS = ("likes", "comments")
RETENTION_METRICS = ("audience_watch_ratio", "views")
METRICS = (*VIEW_METRICS, "unique_viewers", *ENGAGEMENT_METRICS, "audience_watch_ratio")
COMPARE = ("previous_period", "previous_year")
MAX_DIMENSIONS = 2
MAX_RESULTS = 1000
SERIES_VALUES = 100  # a time series' second dimension: its values with the most of the sort metric
VIEWER_FIELDS = ("country", "device")  # known from view events only: not of likes, comments, viewers

Key = tuple[Any, ...]


@dataclass(frozen=True)
class Scope:
    """What a report is over: one video, one channel, or the catalogue (`kind` is video|channel|catalogue)."""

    kind: str
    id: int | None = None


@dataclass(frozen=True)
class Query:
    scope: Scope
    start: date
    end: date  # inclusive
    metrics: tuple[str, ...]
    dimensions: tuple[str, ...] = ()
    filters: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    sort: tuple[tuple[str, bool], ...] = ()  # (name, descending)
    max_results: int = MAX_RESULTS
    start_index: int = 1
    compare: str | None = None

    @property
    def time_dimension(self) -> str | None:
        return self.dimensions[0] if self.dimensions and self.dimensions[0] in TIME_DIMENSIONS else None

    @property
    def value_dimensions(self) -> tuple[str, ...]:
        return tuple(d for d in self.dimensions if d not in TIME_DIMENSIONS)


def check(query: Query) -> None:
    """The combinations the rollups cannot answer, each a 400 naming its parameter."""
    dims = query.dimensions
    if len(dims) > MAX_DIMENSIONS:
        raise InvalidInputError({"dimensions": [f"At most {MAX_DIMENSIONS} dimensions."]})
    if len(set(dims)) != len(dims):
        raise InvalidInputError({"dimensions": ["A dimension is named twice."]})
    times = [d for d in dims if d in TIME_DIMENSIONS]
    if len(times) > 1:
        raise InvalidInputError({"dimensions": ["At most one of hour, day, week and month."]})
    if times and dims[0] not in TIME_DIMENSIONS:
        raise InvalidInputError({"dimensions": ["The time dimension comes first."]})
    if RETENTION_DIMENSION in dims:
        _check_retention(query)
        return
    if "audience_watch_ratio" in query.metrics:
        raise InvalidInputError(
            {"metrics": ["audience_watch_ratio is by elapsed_ratio (dimensions=elapsed_ratio)."]}
        )
    _check_metrics(query)
    if query.time_dimension == "hour":
        _check_hours(query)
    sortable = set(dims) | set(query.metrics)
    for name, _ in query.sort:
        if name not in sortable:
            raise InvalidInputError(
                {"sort": [f"{name!r} is neither a dimension nor a metric of the report."]}
            )


def _check_retention(query: Query) -> None:
    if query.scope.kind != "video":
        raise InvalidInputError({"dimensions": ["elapsed_ratio is a video's: /analytics/videos/{id}."]})
    if len(query.dimensions) > 1 or query.filters:
        raise InvalidInputError({"dimensions": ["elapsed_ratio takes no other dimension and no filter."]})
    if set(query.metrics) - set(RETENTION_METRICS):
        raise InvalidInputError({"metrics": [f"By elapsed_ratio: {', '.join(RETENTION_METRICS)}."]})
    for name, _ in query.sort:
        if name not in (RETENTION_DIMENSION, *query.metrics):
            raise InvalidInputError(
                {"sort": [f"{name!r} is neither a dimension nor a metric of the report."]}
            )


def _check_metrics(query: Query) -> None:
    dims, metrics = query.dimensions, set(query.metrics)
    viewer_fields = {d for d in dims if d in VIEWER_FIELDS} | {f for f in query.filters if f in VIEWER_FIELDS}
    if viewer_fields and metrics & set(ENGAGEMENT_METRICS):
        raise InvalidInputError(
            {"metrics": [f"Likes and comments carry no viewer {' or '.join(sorted(viewer_fields))}."]}
        )
    if "unique_viewers" in metrics:
        if query.scope.kind == "catalogue" or query.value_dimensions or query.filters:
            raise InvalidInputError(
                {"metrics": ["unique_viewers is counted per video or channel: no other dimension or filter."]}
            )
        if query.time_dimension == "hour":
            raise InvalidInputError(
                {"metrics": ["unique_viewers is counted per day: use day, week or month."]}
            )


def _check_hours(query: Query) -> None:
    dims, metrics = query.dimensions, set(query.metrics)
    if query.end - query.start >= reports.MAX_HOURLY_RANGE:
        raise InvalidInputError({"dimensions": ["Hourly reports span at most 31 days."]})
    if len(dims) > 1 or metrics - {"views", "watch_seconds", "avg_view_seconds", "average_view_seconds"}:
        raise InvalidInputError(
            {
                "dimensions": [
                    "hour gives views and watch time alone: use day for other dimensions and metrics."
                ]
            }
        )
    scoped = query.scope.kind != "catalogue" or (
        len(query.filters) == 1 and set(query.filters) < {"video", "channel"}
    )
    if not scoped or (query.scope.kind != "catalogue" and query.filters):
        raise InvalidInputError(
            {
                "filters": [
                    "hour is by one video or one channel: the report's, or one filter on video or channel."
                ]
            }
        )


# -- the rollups' columns ---------------------------------------------------------------------------------

TIME_SQL = {"day": "day", "week": "date_trunc('week', day)::date", "month": "date_trunc('month', day)::date"}
VALUE_SQL = {
    "video": "video_id",
    "channel": "channel_id",
    "country": "country",
    "device": "device",
    "category": "category",
    "language": "language",
}
ENGAGEMENT_VALUE_SQL = {**VALUE_SQL, "language": "coalesce(nullif(language, ''), 'zz')"}


@dataclass(frozen=True)
class Source:
    table: str
    time: str  # its time column: day or hour
    values: dict[str, str]  # the SQL of each dimension and filter field it holds
    sums: tuple[str, ...]  # the columns it sums, in order
    rows: str = "TRUE"  # which of the table's rows (a set of the catalogue's cube)


# The sets of the catalogue's cube (migrations_sql/0032): the fields each holds, and its rows.
CUBE_SETS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset(), "country = '*' AND category = '*'"),
    (frozenset({"country", "device"}), "country <> '*' AND category = '*'"),
    (frozenset({"category", "language"}), "country = '*' AND category <> '*'"),
    (frozenset({"country", "device", "category", "language"}), "country <> '*' AND category <> '*'"),
)


# The channels' cube (migrations_sql/0035): a catalogue report by channel, filtered by category and language
# at most, reads a category's or a language's day range in one of its indexes, not the videos' cube.
CHANNEL_CUBE_FIELDS = frozenset({"channel", "category", "language"})


def _view_source(query: Query) -> Source:
    sums = ("views", "watch_seconds", "duration_seconds")
    if query.time_dimension == "hour":
        per_video = query.scope.kind == "video" or (
            query.scope.kind == "catalogue" and "video" in query.filters
        )
        if per_video:
            return Source("analytics_video_hourly", "hour", {"video": "video_id"}, ("views", "watch_seconds"))
        return Source(
            "analytics_channel_hourly", "hour", {"channel": "channel_id"}, ("views", "watch_seconds")
        )
    names = set(query.dimensions) | set(query.filters)
    if query.scope.kind == "catalogue" and not names & {"video", "channel"}:
        fields, rows = next((f, r) for f, r in CUBE_SETS if names - set(TIME_DIMENSIONS) <= f)
        return Source("analytics_cube", "day", {k: VALUE_SQL[k] for k in fields}, sums, rows)
    if (
        query.scope.kind == "catalogue"
        and "channel" in query.dimensions
        and "channel" not in query.filters  # the videos' cube has an index by channel and day
        and names - set(TIME_DIMENSIONS) <= CHANNEL_CUBE_FIELDS
    ):
        return Source("analytics_channel_cube", "day", {k: VALUE_SQL[k] for k in CHANNEL_CUBE_FIELDS}, sums)
    return Source("analytics_video_cube", "day", VALUE_SQL, sums)


ENGAGEMENT_SOURCE = Source(
    "analytics_video_daily_engagement",
    "day",
    {k: v for k, v in ENGAGEMENT_VALUE_SQL.items() if k not in VIEWER_FIELDS},
    ("likes", "comments"),
)


def _conditions(query: Query, source: Source, start: date, end: date, params: dict[str, Any]) -> list[str]:
    """The WHERE of a group: the scope, the range and the filters (values in `params`)."""
    if source.time == "hour":
        where = [
            "hour >= %(start)s::timestamp AT TIME ZONE 'UTC'",
            "hour < %(end_excl)s::timestamp AT TIME ZONE 'UTC'",
        ]
    else:
        where = ["day >= %(start)s", "day < %(end_excl)s"]
    params.update(start=start, end_excl=end + timedelta(days=1))
    if source.rows != "TRUE":
        where.append(source.rows)
    if query.scope.kind != "catalogue":
        where.append(f"{query.scope.kind}_id = %(scope_id)s")
        params["scope_id"] = query.scope.id
    for name, values in query.filters.items():
        where.append(f"{source.values[name]} = ANY(%(filter_{name})s)")
        params[f"filter_{name}"] = list(values)
    return where


# -- answering --------------------------------------------------------------------------------------------


@dataclass
class Groups:
    """Each metric's value per key (a tuple of the dimensions' values), the totals, and the estimated."""

    values: dict[Key, dict[str, float]] = field(default_factory=dict)
    totals: dict[str, float] = field(default_factory=dict)
    keys: list[Key] = field(default_factory=list)  # the rows' keys in SQL's order (no time dimension)
    estimated: set[str] = field(default_factory=set)


def _metric_group(metric: str, query: Query) -> str:
    if RETENTION_DIMENSION in query.dimensions:
        return "retention"
    if metric in ENGAGEMENT_METRICS:
        return "engagement"
    if metric == "unique_viewers":
        return "viewers"
    return "views"


def _sort_metric(query: Query) -> tuple[str, bool]:
    """The metric whose group decides the rows (and the top values of a series' second dimension)."""
    for name, descending in query.sort:
        if name in query.metrics:
            return name, descending
    return query.metrics[0], True


def _group_sql(
    query: Query, source: Source, start: date, end: date, *, ordered: bool, keys: Iterable[Key] | None = None
) -> tuple[str, dict[str, Any]]:
    """The GROUP BY of one source over the query's dimensions: `ordered` sorts and cuts it by the sort
    metric (with each column's total over every group, before the cut, as window sums); `keys` restricts
    it to those values of the value dimensions."""
    params: dict[str, Any] = {}
    where = _conditions(query, source, start, end, params)
    dims = []
    for d in query.dimensions:
        if d in TIME_DIMENSIONS:
            dims.append("hour" if d == "hour" else TIME_SQL[d])
        else:
            dims.append(source.values[d])
    sums = [f"sum({c})" for c in source.sums]
    value_dims = [source.values[d] for d in query.value_dimensions]
    if keys is not None and value_dims:
        key_list = list(keys)
        for i, expression in enumerate(value_dims):
            where.append(f"{expression} = ANY(%(key_{i})s)")
            params[f"key_{i}"] = sorted({k[-len(value_dims) + i] for k in key_list})
    if ordered and query.time_dimension and len(query.dimensions) == 2:
        # the second dimension's values with the most of the sort metric
        metric, _ = _sort_metric(query)
        where.append(
            f"{value_dims[0]} IN (SELECT {value_dims[0]} FROM {source.table} WHERE {' AND '.join(where)} "
            f"GROUP BY 1 ORDER BY {_metric_sql(metric)} DESC NULLS LAST, 1 LIMIT {SERIES_VALUES})"
        )
    select = ", ".join([*dims, *sums])
    group = f"GROUP BY {', '.join(str(i + 1) for i in range(len(dims)))}" if dims else ""
    if ordered and not query.time_dimension and dims:
        totals = ", ".join(f"sum(sum({c})) OVER ()" for c in source.sums)
        order = _order_sql(query, len(dims))
        limit = query.start_index - 1 + query.max_results
        sql = f"SELECT {select}, {totals} FROM {source.table} WHERE {' AND '.join(where)} {group} {order} LIMIT {limit}"
    else:
        sql = f"SELECT {select} FROM {source.table} WHERE {' AND '.join(where)} {group}"
    return sql, params


def _metric_sql(metric: str) -> str:
    """A metric over a group's rows, in SQL."""
    if metric == "average_view_percentage":
        return "sum(watch_seconds) / nullif(sum(duration_seconds), 0)"
    if metric in ("avg_view_seconds", "average_view_seconds"):
        return "sum(watch_seconds) / nullif(sum(views), 0)"
    return f"sum({metric})"


def _order_sql(query: Query, ndims: int) -> str:
    terms = []
    for name, descending in query.sort or ((query.metrics[0], True),):
        if name in query.dimensions:
            position = query.dimensions.index(name) + 1
        elif _metric_group(name, query) == _metric_group(_sort_metric(query)[0], query):
            terms.append(f"{_metric_sql(name)} {'DESC' if descending else 'ASC'} NULLS LAST")
            continue
        else:
            continue  # another group's metric: sorted in Python, among these rows
        terms.append(f"{position} {'DESC' if descending else 'ASC'}")
    terms += [str(i + 1) for i in range(ndims)]  # ties by the dimensions' values
    return "ORDER BY " + ", ".join(terms)


def _run(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _views_metrics(views: Any, watch: Any, duration: Any) -> dict[str, float]:
    views, watch = int(views or 0), float(watch or 0.0)
    average = round(watch / views, 3) if views else 0.0
    return {
        "views": views,
        "watch_seconds": round(watch, 3),
        "avg_view_seconds": average,
        "average_view_seconds": average,
        "average_view_percentage": round(100.0 * watch / float(duration), 2) if duration else 0.0,
    }


def _answer_group(
    query: Query, group: str, start: date, end: date, *, ordered: bool, keys: list[Key] | None
) -> Groups:
    """One metric group's values per key, its totals, and (`ordered`) the keys in the sort's order."""
    if group == "viewers":
        return _viewers(query, start, end)
    if group == "retention":
        return _retention(query, start, end)
    if ordered and group == "views" and _walks_videos(query):
        walked = _top_videos_walk(query, start, end)
        if walked is not None:
            return walked
    if ordered and group == "views" and _walks_channels(query):
        walked = _top_channels_walk(query, start, end)
        if walked is not None:
            return walked
    source = ENGAGEMENT_SOURCE if group == "engagement" else _view_source(query)
    sql, params = _group_sql(query, source, start, end, ordered=ordered, keys=keys)
    rows = _run(sql, params)
    ndims, nsums = len(query.dimensions), len(source.sums)
    result = Groups()
    sums_total = [0.0] * nsums
    top = bool(ordered and not query.time_dimension and ndims)
    converted = [d in ("hour", "video", "channel") for d in query.dimensions]
    for row in rows:
        key = tuple(
            _dimension_value(d, v) if c else v
            for d, v, c in zip(query.dimensions, row, converted, strict=False)
        )
        sums = row[ndims : ndims + nsums]
        result.values[key] = _group_metrics(group, sums)
        result.keys.append(key)
        if top:
            sums_total = [float(v or 0) for v in row[ndims + nsums :]]
        else:
            sums_total = [a + float(b or 0) for a, b in zip(sums_total, sums, strict=True)]
    if not top and query.value_dimensions and (keys is not None or query.time_dimension):
        # the rows hold some values only (a series' top values, or another group's rows): the totals are
        # over every one
        sql, params = _group_sql(replace(query, dimensions=()), source, start, end, ordered=False)
        sums_total = [float(v or 0) for v in _run(sql, params)[0]]
    result.totals = _group_metrics(group, sums_total)
    return result


# The catalogue's top videos by views or watch time, filtered or not, without summing every video of the
# range: videos are walked down the level of their totals over all time (analytics_video_totals, an upper
# bound of what a video has in any range under any filter), each batch's sums over the range and filters
# read from the videos' cube (reports.walk_down_totals, as `top` walks). Past reports.TOP_WALK_MAX videos
# the aggregate answers. Deleted videos are walked too: the cube's aggregate counts their views (`top`
# joins the catalogue, so its walk skips them).
WALK_SQL = {
    metric: f"""
    SELECT video_id, CASE WHEN {level} > 0 THEN power({reports.LEVEL_BASE}::float8, {level}) ELSE 0 END
    FROM analytics_video_totals ORDER BY {level} DESC, video_id DESC LIMIT %(batch)s OFFSET %(walked)s
    """
    for metric, level in (("views", "views_level"), ("watch_seconds", "watch_level"))
}


def _walks(query: Query, dimension: str) -> bool:
    """Whether the query is the catalogue's top of `dimension` by views or watch time, most first."""
    metric, descending = _sort_metric(query)
    return (
        query.scope.kind == "catalogue"
        and query.dimensions == (dimension,)
        and descending
        and metric in ("views", "watch_seconds")
        and all(name == metric for name, _ in query.sort)
    )


def _walks_videos(query: Query) -> bool:
    return _walks(query, "video")


def _top_videos_walk(query: Query, start: date, end: date) -> Groups | None:
    metric, _ = _sort_metric(query)
    source = Source("analytics_video_cube", "day", VALUE_SQL, ("views", "watch_seconds", "duration_seconds"))
    params: dict[str, Any] = {}
    where = _conditions(query, source, start, end, params)
    sums_sql = (
        "SELECT video_id, sum(views), sum(watch_seconds), sum(duration_seconds) FROM analytics_video_cube "
        f"WHERE video_id = ANY(%(ids)s) AND {' AND '.join(where)} GROUP BY video_id HAVING sum({metric}) > 0"
    )
    return _walked_top(query, start, end, walk_sql=WALK_SQL[metric], sums_sql=sums_sql, params=params)


def _walked_top(
    query: Query, start: date, end: date, *, walk_sql: str, sums_sql: str, params: dict[str, Any]
) -> Groups | None:
    """The top rows of the query walked down `walk_sql` ((id, bound), highest first: reports.walk_down_totals),
    each batch's sums read by `sums_sql` ((id, views, watch seconds, duration) of `%(ids)s`, with `params`),
    and the totals over every value; None where the walk would go too far."""
    metric, _ = _sort_metric(query)
    with read_connection().cursor() as cursor:

        def range_sums(ids: list[int]) -> list[tuple[Any, ...]]:
            cursor.execute(sums_sql, {**params, "ids": ids})
            return [
                (float(views if metric == "views" else watch), int(key), (views, watch, duration))
                for key, views, watch, duration in cursor.fetchall()
            ]

        # (metric, id, sums), in the SQL's order: metric desc, id
        best = reports.walk_down_totals(
            cursor,
            walk_sql,
            range_sums,
            value=lambda row: row[0],
            order=lambda row: (-row[0], row[1]),
            wanted=query.start_index - 1 + query.max_results,
        )
    if best is None:
        return None
    result = Groups()
    for _, key, sums in best:
        result.values[(str(key),)] = _group_metrics("views", sums)
        result.keys.append((str(key),))
    whole = replace(query, dimensions=())
    sql, total_params = _group_sql(whole, _view_source(whole), start, end, ordered=False)
    result.totals = _group_metrics("views", _run(sql, total_params)[0])
    return result


# The catalogue's top channels by views or watch time, unfiltered or by a country or a device, walked down
# the level of the channels' totals over all time (analytics_channel_totals), each batch's sums over the
# range read from the channels' daily rollup, or the daily rollup of the filtered field (the channels'
# cube sums a whole category's or language's range faster than a walk could bound it). Not for
# average_view_percentage: those rollups hold no watched duration.
CHANNEL_SUMS_SQL = {
    "": """
    SELECT channel_id, sum(views), sum(watch_seconds), 0 FROM analytics_channel_daily
    WHERE channel_id = ANY(%(ids)s) AND day >= %(start)s AND day < %(end_excl)s
    GROUP BY channel_id HAVING sum({metric}) > 0
    """,
    "dimension": """
    SELECT channel_id, sum(views), sum(watch_seconds), 0 FROM analytics_channel_daily_dim
    WHERE channel_id = ANY(%(ids)s) AND dimension = %(dimension)s AND value = ANY(%(values)s)
      AND day >= %(start)s AND day < %(end_excl)s
    GROUP BY channel_id HAVING sum({metric}) > 0
    """,
}


def _walks_channels(query: Query) -> bool:
    return (
        _walks(query, "channel")
        and "average_view_percentage" not in query.metrics
        and (not query.filters or set(query.filters) in ({"country"}, {"device"}))
    )


def _top_channels_walk(query: Query, start: date, end: date) -> Groups | None:
    metric, _ = _sort_metric(query)
    params: dict[str, Any] = {"start": start, "end_excl": end + timedelta(days=1)}
    for name, values in query.filters.items():
        params.update(dimension=name, values=list(values))
    sums_sql = CHANNEL_SUMS_SQL["dimension" if query.filters else ""].format(metric=metric)
    return _walked_top(
        query, start, end, walk_sql=reports.CHANNEL_TOTALS_WALK_SQL[metric], sums_sql=sums_sql, params=params
    )


def _group_metrics(group: str, sums: Iterable[Any]) -> dict[str, float]:
    values = list(sums)
    if group == "engagement":
        return {"likes": int(values[0] or 0), "comments": int(values[1] or 0)}
    return _views_metrics(values[0], values[1], values[2] if len(values) > 2 else None)


def _dimension_value(dimension: str, value: Any) -> Any:
    if dimension == "hour" and isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    if dimension in ("video", "channel"):
        return str(value)
    return value


def _viewers(query: Query, start: date, end: date) -> Groups:
    """A video's or a channel's distinct viewers per bucket and over the range, as the series count them."""
    granularity = query.time_dimension or "day"
    request = reports.ReportRequest(
        start=start, end=end, granularity=granularity, metrics=("unique_viewers",), dimension=None
    )
    scope = {f"{query.scope.kind}_id": query.scope.id}
    report = reports.video_report(request=request, **scope)
    result = Groups(totals={"unique_viewers": report["totals"]["unique_viewers"]})
    result.estimated = set(report.get("estimated", []))
    if query.time_dimension:
        for label, n in report["rows"]:
            result.values[(_parse_label(granularity, label),)] = {"unique_viewers": n}
    else:
        result.values[()] = {"unique_viewers": report["totals"]["unique_viewers"]}
    return result


RETENTION_SQL = """
SELECT reached, sum(views) FROM analytics_video_retention
WHERE video_id = %(video_id)s AND day >= %(start)s AND day < %(end_excl)s
GROUP BY reached
"""


def _retention(query: Query, start: date, end: date) -> Groups:
    """The share of a video's views still watching at each tenth of it (elapsed_ratio 0.0 to 1.0), and
    how many; the total's share is the mean over the ten tenths after the start."""
    reached = dict.fromkeys(range(11), 0)
    params = {"video_id": query.scope.id, "start": start, "end_excl": end + timedelta(days=1)}
    for tenth, views in _run(RETENTION_SQL, params):
        reached[int(tenth)] = int(views)
    total = sum(reached.values())
    result = Groups()
    still = total
    for tenth in range(11):
        key = (round(tenth / 10, 1),)
        result.values[key] = {
            "views": still,
            "audience_watch_ratio": round(still / total, 4) if total else 0.0,
        }
        result.keys.append(key)
        still -= reached[tenth]
    shares = [result.values[(round(t / 10, 1),)]["audience_watch_ratio"] for t in range(1, 11)]
    result.totals = {"views": total, "audience_watch_ratio": round(sum(shares) / 10, 4)}
    return result


def _parse_label(granularity: str, label: str) -> Any:
    if granularity == "month":
        return date.fromisoformat(label + "-01")
    return date.fromisoformat(label)


# -- buckets ----------------------------------------------------------------------------------------------


def buckets(time: str, start: date, end: date) -> list[Any]:
    """Every bucket of the range: days, Mondays, first days of months, or hours (naive UTC datetimes)."""
    if time == "hour":
        midnight = datetime(start.year, start.month, start.day)
        return [midnight + timedelta(hours=i) for i in range(((end - start).days + 1) * 24)]
    if time == "day":
        return [start + timedelta(days=i) for i in range((end - start).days + 1)]
    if time == "week":
        first = start - timedelta(days=start.weekday())
        return [first + timedelta(weeks=i) for i in range((end - first).days // 7 + 1)]
    result, current = [], start.replace(day=1)
    while current <= end:
        result.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    return result


def label(dimension: str, value: Any) -> Any:
    if dimension == "hour":
        return value.strftime("%Y-%m-%dT%H:00:00Z")
    if dimension == "month":
        return value.strftime("%Y-%m")
    if dimension in ("day", "week"):
        return value.isoformat()
    return value


def compared_range(query: Query) -> tuple[date, date]:
    """The earlier range of `compare`: the period just before (whole weeks back for a weekly report, so that
    weekdays match), or the same dates a year before (52 weeks for a weekly report)."""
    days = (query.end - query.start).days + 1
    if query.compare == "previous_year":
        if query.time_dimension == "week":
            return query.start - timedelta(weeks=52), query.end - timedelta(weeks=52)
        return _year_before(query.start), _year_before(query.end)
    shift = math.ceil(days / 7) * 7 if query.time_dimension == "week" else days
    return query.start - timedelta(days=shift), query.end - timedelta(days=shift)


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


# -- the report -------------------------------------------------------------------------------------------


@dataclass
class Answer:
    keys: list[Key]
    values: dict[Key, dict[str, float]]
    totals: dict[str, float]
    estimated: set[str]


def _answer(query: Query, start: date, end: date, restrict: list[Key] | None = None) -> Answer:
    """Every group's values over the range; with `restrict` (the rows of the range compared with), those
    values of the value dimensions only, none of them cut to a top of its own."""
    groups_needed = list(dict.fromkeys(_metric_group(m, query) for m in query.metrics))
    sort_group = _metric_group(_sort_metric(query)[0], query)
    groups_needed.sort(key=lambda g: g != sort_group)  # the sort metric's group first
    values: dict[Key, dict[str, float]] = {}
    totals: dict[str, float] = {}
    estimated: set[str] = set()
    keys: list[Key] | None = restrict
    for group in groups_needed:
        ordered = group == sort_group and restrict is None
        result = _answer_group(query, group, start, end, ordered=ordered, keys=None if ordered else keys)
        if ordered:
            keys = result.keys
        for key, metrics in result.values.items():
            values.setdefault(key, {}).update(metrics)
        totals.update(result.totals)
        estimated |= result.estimated
    time = query.time_dimension
    all_keys: list[Key]
    if time:
        times = buckets(time, start, end)
        if len(query.dimensions) == 2:
            seconds = sorted({key[1] for key in values}, key=_value_order)
            all_keys = [(t, v) for t in times for v in seconds]
        else:
            all_keys = [(t,) for t in times]
    elif query.dimensions:
        all_keys = keys or []
    else:
        all_keys = [()]
    return Answer(all_keys, values, totals, estimated)


def _value_order(value: Any) -> tuple[int, Any]:
    return (0, int(value)) if isinstance(value, str) and value.isdigit() else (1, value)


def report(query: Query) -> reports.Report:
    """The report of `query`, in the shape of reports.Report, with `compare` when asked."""
    check(query)
    answer = _answer(query, query.start, query.end)
    previous: Answer | None = None
    if query.compare:
        previous_start, previous_end = compared_range(query)
        # the earlier values of this range's rows (not the earlier range's own top values)
        previous = _answer(query, previous_start, previous_end, restrict=answer.keys)
    metric_names = list(query.metrics)
    rows = []
    previous_keys = _aligned_keys(query, answer, previous) if previous else {}
    labels: list[dict[Any, Any]] = [{} for _ in query.dimensions]  # each value labelled once
    for key in answer.keys:
        metrics = answer.values.get(key, {})
        row: list[Any] = []
        for dimension, value, labelled in zip(query.dimensions, key, labels, strict=True):
            text = labelled.get(value)
            if text is None:
                text = labelled[value] = label(dimension, value)
            row.append(text)
        for m in metric_names:
            value = metrics.get(m, 0)
            row.append(value)
            if previous is not None:
                before = previous.values.get(previous_keys.get(key, key), {}).get(m, 0)
                row += [before, _change(value, before)]
        rows.append(row)
    rows = _sorted(query, rows, metric_names, previous is not None)
    first = query.start_index - 1
    page = rows[first : first + query.max_results]
    columns: list[reports.Column] = [{"name": d, "type": "dimension"} for d in query.dimensions]
    totals: dict[str, Any] = {}
    for m in metric_names:
        columns.append({"name": m, "type": "metric"})
        totals[m] = answer.totals.get(m, 0)
        if previous is not None:
            columns += [
                {"name": f"{m}_previous", "type": "metric"},
                {"name": f"{m}_change", "type": "metric"},
            ]
            totals[f"{m}_previous"] = previous.totals.get(m, 0)
            totals[f"{m}_change"] = _change(totals[m], totals[f"{m}_previous"])
    result: dict[str, Any] = {"columns": columns, "rows": page, "totals": totals}
    if query.time_dimension:
        result["total_rows"] = len(rows)
    if previous is not None:
        previous_start, previous_end = compared_range(query)
        result["compare"] = {"kind": query.compare, "start": previous_start, "end": previous_end}
    estimated = answer.estimated | (previous.estimated if previous else set())
    if estimated:
        result["estimated"] = sorted(estimated)
    return result  # type: ignore[return-value]


def _aligned_keys(query: Query, answer: Answer, previous: Answer) -> dict[Key, Key]:
    """Each key of the report and the earlier range's key it is compared with: the bucket at the same
    position (and the same second value), or the same values."""
    if not query.time_dimension:
        return {}
    current = buckets(query.time_dimension, query.start, query.end)
    earlier = buckets(query.time_dimension, *compared_range(query))
    by_position = dict(zip(current, earlier, strict=False))
    return {key: (by_position.get(key[0]), *key[1:]) for key in answer.keys}


def _change(value: float, before: float) -> float | None:
    return None if not before else round((value - before) / before, 4)


def _sorted(query: Query, rows: list[list[Any]], metrics: list[str], compared: bool) -> list[list[Any]]:
    """Rows in the order of `sort` (stable, last key first); a top's rows are already in the sort
    metric's order from SQL, re-sorted here when the sort names more."""
    if not query.sort:
        return rows
    positions: dict[str, int] = {d: i for i, d in enumerate(query.dimensions)}
    width = 3 if compared else 1
    for i, m in enumerate(metrics):
        positions[m] = len(query.dimensions) + i * width
    for name, descending in reversed(query.sort):
        position = positions[name]
        rows.sort(key=lambda r: _sort_value(r[position]), reverse=descending)
    return rows


def _sort_value(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, 0)
    if isinstance(value, int | float):
        return (1, value)
    return _value_order(value)
