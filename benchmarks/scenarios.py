"""The queries every benchmark measures, chosen by how much of a seeded catalogue they match."""

from __future__ import annotations

SEARCH_SCENARIOS = {
    # name: (query parameters, what it stands for)
    "selective": ({"q": "kimchi stew"}, "a phrase in well under 1% of videos"),
    "broad": (
        {"q": "subscribe", "order": "relevance", "facets": "category,language"},
        "a word in more than 10% of videos, ranked, with facets",
    ),
    "korean_2_syllable": ({"q": "제주"}, "a 2-syllable Korean word inside longer words"),
    "filter_meta": (
        {"category": "music", "meta.captions": "ko", "facets": "language"},
        "filter-only browsing with a jsonb filter",
    ),
}
SUGGEST_SCENARIOS = {
    "suggest": ({"q": "kim"}, "as-you-type prefix"),
    "suggest_korean": ({"q": "김치"}, "Korean prefix"),
    "suggest_typo": ({"q": "gutiarra"}, "a misspelt prefix (swapped letters) of a seeded word"),
    "suggest_typo_korean": ({"q": "김치찌게"}, "a common Korean misspelling (찌게 for 찌개)"),
}

# Related videos: the endpoint's default shape and one per kind of search filter (a column in the tier
# indexes, one outside them, and two that most sources' words seldom meet), each over RELATED_SOURCES
# videos spread evenly over the catalogue's ids (related_sources).
RELATED_SCENARIOS = {
    "related": ({}, "a video page's related videos (limit 10)"),
    "related_filtered": ({"language": "en", "duration": "medium"}, "related videos with search filters"),
    "related_language": ({"language": "ko"}, "related videos in a language most sources are not in"),
    "related_category": ({"category": "music"}, "related videos in a category"),
    "related_region": ({"region": "KR"}, "related videos from a region"),
    "related_duration": ({"duration": "long"}, "related videos of a length (a filter outside the indexes)"),
    "related_category_language": (
        {"category": "gaming", "language": "es"},
        "related videos of a category and a language that few sources' words meet",
    ),
}
RELATED_SOURCES = 60

CHANNEL_VIDEOS = 1_000  # issue 4: a channel's report over about this many videos


def api_request(params: dict):
    """A GET request with the query parameters `params`, as a view receives it: the in-process
    benchmarks parse it with the views' own parameter readers (search.params, analytics.params)."""
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    return Request(APIRequestFactory().get("/", params))


def related_sources(count: int = RELATED_SOURCES) -> list[int]:
    """`count` video ids spread evenly over the catalogue (every n-th id): the pages whose related videos
    the benchmarks ask for, the same in every run on the same data."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n, count(*) OVER () AS total "
            "FROM api_video) AS v WHERE n %% greatest(1, total / %s) = 0 ORDER BY id LIMIT %s",
            [count, count],
        )
        return [video_id for (video_id,) in cursor.fetchall()]


def analytics_subjects() -> dict | None:
    """What the analytics benchmarks read: the video trending most (`now`) and the channel
    whose number of videos is nearest CHANNEL_VIDEOS; None when no events are stored."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT video_id FROM analytics_video_trending WHERE score_log IS NOT NULL ORDER BY score_log DESC LIMIT 1"
        )
        row = cursor.fetchone()
        if row is None:
            return None
        cursor.execute(
            "SELECT channel_id, count(*) FROM api_video GROUP BY channel_id "
            "ORDER BY abs(count(*) - %s), channel_id LIMIT 1",
            [CHANNEL_VIDEOS],
        )
        channel, videos = cursor.fetchone()
        cursor.execute("SELECT channel_id, count(*) FROM api_video GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1")
        largest, largest_videos = cursor.fetchone()
    return {
        "video": row[0],
        "channel": channel,
        "channel_videos": videos,
        "largest_channel": largest,
        "largest_channel_videos": largest_videos,
    }


def analytics_paths(subjects: dict) -> dict[str, str]:
    """The analytics reads measured over HTTP (issue 4's targets)."""
    from datetime import UTC, datetime, timedelta

    today = datetime.now(UTC).date()
    year = f"start={today - timedelta(days=364)}&end={today}"
    quarter = f"start={today - timedelta(days=89)}&end={today}"
    month = f"start={today - timedelta(days=29)}&end={today}"
    three_years = today - timedelta(days=1095)
    largest = f"/api/v1/analytics/channels/{subjects['largest_channel']}"
    every_metric = "views,watch_seconds,avg_view_seconds,unique_viewers,likes,comments"
    return {
        "trending:now": "/api/v1/trending/videos?window=now",
        "trending:24h": "/api/v1/trending/videos?window=24h",
        "trending:7d": "/api/v1/trending/videos?window=7d",
        "report:video_daily_1y": f"/api/v1/analytics/videos/{subjects['video']}?{year}",
        "report:channel_daily_90d": f"/api/v1/analytics/channels/{subjects['channel']}?{quarter}",
        "report:top_category_30d": f"/api/v1/analytics/top?dimension=category&{month}",
        # an analyst's default report (video by views, the last 28 days) and its other metric
        "report:top_default": "/api/v1/analytics/top",
        "report:top_video_watch_28d": "/api/v1/analytics/top?dimension=video&metric=watch_seconds",
        "report:top_channel_28d": "/api/v1/analytics/top?dimension=channel",
        # the shapes that summed every video's rows before they had rollups of their own (issue 18)
        "report:top_tag_28d": "/api/v1/analytics/top?dimension=tag",
        "report:top_tag_likes_3y": f"/api/v1/analytics/top?dimension=tag&metric=likes&start={three_years}",
        "report:top_video_likes_3y": f"/api/v1/analytics/top?metric=likes&start={three_years}",
        "report:largest_channel_hour_30d": f"{largest}?granularity=hour&start={today - timedelta(days=29)}",
        "report:largest_channel_country_60d": f"{largest}?dimension=country&start={today - timedelta(days=59)}",
        "report:largest_channel_every_metric_28d": f"{largest}?metrics={every_metric}",
    }


# The report query model (issue 20): each shape an analyst or an owner asks for, over the last 90 days
# unless it says otherwise. name: (scope: video|channel|catalogue|top, query parameters). The video is the
# one trending most, the channel the one of about CHANNEL_VIDEOS videos (analytics_subjects). Every shape is
# measured over HTTP (benchmarks.http_bench) and in-process beside a naive GROUP BY of the raw events
# (benchmarks/test_analytics_bench.py, baselines.naive_model).
MODEL_DAYS = 90
MODEL_SHAPES: dict[str, tuple[str, dict[str, str]]] = {
    "video_day_country": ("video", {"dimensions": "day,country"}),
    "video_day_device_kr_compare": (
        "video",
        {"dimensions": "day,device", "filters": "country==KR", "compare": "previous_period"},
    ),
    "video_country_device_previous_year": (
        "video",
        {"dimensions": "country,device", "compare": "previous_year"},
    ),
    "video_week_engagement_compare": (
        "video",
        {
            "dimensions": "week",
            "metrics": "views,watch_seconds,average_view_percentage,likes,comments",
            "compare": "previous_period",
        },
    ),
    # distinct viewers are counted exactly for a video (the trending-most one has ~200,000 viewer-days)
    "video_week_unique_viewers": ("video", {"dimensions": "week", "metrics": "views,unique_viewers"}),
    "video_retention": ("video", {"dimensions": "elapsed_ratio"}),
    "video_day_country_csv": ("video", {"dimensions": "day,country", "format": "csv"}),
    "channel_day_country": ("channel", {"dimensions": "day,country"}),
    "channel_day_device_kr_compare": (
        "channel",
        {"dimensions": "day,device", "filters": "country==KR", "compare": "previous_period"},
    ),
    "channel_top_videos_mobile": (
        "channel",
        {"dimensions": "video", "filters": "device==mobile", "sort": "-views", "max_results": "25"},
    ),
    "channel_week_engagement_compare": (
        "channel",
        {
            "dimensions": "week",
            "metrics": "views,watch_seconds,average_view_percentage,likes,comments",
            "compare": "previous_period",
        },
    ),
    "catalogue_default": ("catalogue", {}),
    "catalogue_day_country_mobile_compare": (
        "catalogue",
        {"dimensions": "day,country", "filters": "device==mobile", "compare": "previous_period"},
    ),
    "catalogue_category_language": ("catalogue", {"dimensions": "category,language"}),
    "catalogue_country_device_previous_year": (
        "catalogue",
        {"dimensions": "country,device", "compare": "previous_year"},
    ),
    "catalogue_day_engagement_compare": (
        "catalogue",
        {"dimensions": "day", "metrics": "views,likes,comments", "compare": "previous_period"},
    ),
    "catalogue_top_videos_kr": (
        "catalogue",
        {"dimensions": "video", "filters": "country==KR", "max_results": "25"},
    ),
    # channels by a category or a language read the channels' cube (migrations_sql/0035); unfiltered or by
    # a country, they are walked down their totals (migrations_sql/0036)
    "catalogue_top_channels_music": (
        "catalogue",
        {"dimensions": "channel", "filters": "category==music", "max_results": "25"},
    ),
    "catalogue_top_channels_korean": (
        "catalogue",
        {"dimensions": "channel", "filters": "language==ko", "max_results": "25"},
    ),
    "catalogue_top_channels": ("catalogue", {"dimensions": "channel", "max_results": "25"}),
    "catalogue_top_channels_kr": (
        "catalogue",
        {"dimensions": "channel", "filters": "country==KR", "max_results": "25"},
    ),
    "top_videos_mobile_28d": ("top", {"dimensions": "video", "filters": "device==mobile"}),
}
# The HTTP p95 targets of issue 20: a video's report, and a channel's or the catalogue's.
MODEL_TARGETS_MS = {"video": 25, "channel": 60, "catalogue": 60, "top": 60}


def model_path(subjects: dict, scope: str, params: dict[str, str]) -> str:
    """The URL of a shape of the query model, over MODEL_DAYS days unless its parameters say otherwise."""
    from datetime import UTC, datetime, timedelta
    from urllib.parse import urlencode

    today = datetime.now(UTC).date()
    base = {
        "video": f"/api/v1/analytics/videos/{subjects['video']}",
        "channel": f"/api/v1/analytics/channels/{subjects['channel']}",
        "catalogue": "/api/v1/analytics/report",
        "top": "/api/v1/analytics/top",
    }[scope]
    query = dict(params)
    if scope != "top" and params:  # the catalogue's default report is its default range
        query = {"start": str(today - timedelta(days=MODEL_DAYS - 1)), "end": str(today), **query}
    return f"{base}?{urlencode(query)}" if query else base


def realtime_paths(subjects: dict) -> dict[str, str]:
    return {
        "realtime:catalogue": "/api/v1/analytics/realtime",
        "realtime:channel": f"/api/v1/analytics/realtime?channel={subjects['channel']}",
        "realtime:video": f"/api/v1/analytics/realtime?video={subjects['video']}",
    }
