"""Analytics reads in-process, each beside the naive baseline (GROUP BY over the raw events) in the same run.

    make bench            # seeds BENCH_VIDEOS videos and BENCH_EVENTS events first, then runs every suite

Each group holds ours and the baseline for one read; the HTTP side (p95, ingestion rate) is in
benchmarks.http_bench.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from analytics import params as analytics_params
from analytics import reports, selectors
from benchmarks import baselines
from benchmarks.scenarios import MODEL_DAYS, MODEL_SHAPES, analytics_subjects, api_request

ROUNDS_OURS, ROUNDS_NAIVE = 30, 3


@pytest.fixture(scope="module")
def subjects():
    found = analytics_subjects()
    if found is None:
        pytest.skip("no view events seeded")
    return found


def today():
    return datetime.now(UTC).date()


@pytest.mark.parametrize("window", selectors.WINDOWS)
def test_trending_ours(benchmark, window, subjects):
    benchmark.group = f"trending:{window}"
    benchmark.extra_info.update(kind="ours", scenario=window)
    rows = benchmark.pedantic(
        selectors.trending, kwargs={"window": window, "limit": 20}, rounds=ROUNDS_OURS, warmup_rounds=2
    )
    assert len(rows) == 20


@pytest.mark.parametrize("window", selectors.WINDOWS)
def test_trending_naive(benchmark, window, subjects):
    benchmark.group = f"trending:{window}"
    benchmark.extra_info.update(kind="naive_group_by_raw", scenario=window)
    benchmark.pedantic(baselines.naive_trending, args=(window,), rounds=ROUNDS_NAIVE, warmup_rounds=1)


# group: (the naive baseline's SQL of the videos, the subject whose id it takes, days of the daily report)
REPORTS = {
    "report:video_daily_1y": ("SELECT %s::bigint AS id", "video", 365),
    "report:channel_daily_90d": ("SELECT id FROM api_video WHERE channel_id = %s", "channel", 90),
}


def last_days(days: int):
    return analytics_params.report_request(
        api_request({"start": (today() - timedelta(days=days - 1)).isoformat(), "end": today().isoformat()}),
        today=today(),
    )


@pytest.mark.parametrize("group", list(REPORTS))
def test_report_ours(benchmark, subjects, group):
    _, subject, days = REPORTS[group]
    benchmark.group = group
    benchmark.extra_info.update(
        kind="ours", subject=subjects[subject], channel_videos=subjects["channel_videos"]
    )
    report = benchmark.pedantic(
        reports.video_report,
        kwargs={
            f"{subject}_id": subjects[subject],
            "request": last_days(days),
        },
        rounds=ROUNDS_OURS,
        warmup_rounds=2,
    )
    assert len(report["rows"]) == days and report["totals"]["views"] > 0


@pytest.mark.parametrize("group", list(REPORTS))
def test_report_naive(benchmark, subjects, group):
    ids_sql, subject, days = REPORTS[group]
    benchmark.group = group
    benchmark.extra_info.update(kind="naive_group_by_raw", subject=subjects[subject])
    benchmark.pedantic(
        baselines.naive_daily_report,
        args=(ids_sql, [subjects[subject]], days),
        rounds=ROUNDS_NAIVE,
        warmup_rounds=1,
    )


def top_category_request():
    return reports.TopRequest(
        start=today() - timedelta(days=29),
        end=today(),
        metric="views",
        dimension="category",
        limit=20,
        filters={},
    )


def test_top_category_ours(benchmark, subjects):
    benchmark.group = "report:top_category_30d"
    benchmark.extra_info.update(kind="ours")
    report = benchmark.pedantic(
        reports.top_report, kwargs={"request": top_category_request()}, rounds=ROUNDS_OURS, warmup_rounds=2
    )
    assert report["rows"]


def test_top_category_naive(benchmark, subjects):
    benchmark.group = "report:top_category_30d"
    benchmark.extra_info.update(kind="naive_group_by_raw")
    benchmark.pedantic(baselines.naive_top_category, args=(30,), rounds=ROUNDS_NAIVE, warmup_rounds=1)


# Every documented shape of `top` (API.md): each dimension by each metric it offers, over the default 28
# days, beside the GROUP BY over raw rows. Fewer rounds: some shapes take seconds.
TOP_SHAPES = [
    (dimension, metric)
    for dimension in ("video", "channel", "category", "tag", "country", "language")
    for metric in ("views", "watch_seconds", "likes", "comments")
    if not (dimension == "country" and metric in ("likes", "comments"))  # a 400: no viewer country
]
ROUNDS_TOP, ROUNDS_TOP_NAIVE = 5, 1


def top_request(dimension: str, metric: str, days: int = 28) -> reports.TopRequest:
    return reports.TopRequest(
        start=today() - timedelta(days=days - 1),
        end=today(),
        metric=metric,
        dimension=dimension,
        limit=20,
        filters={},
    )


# every shape over the default 28 days and the documented longest range, 3 years (the naive baseline over
# 28 days only: over 3 years it reads every event)
TOP_RANGES = {"28d": 28, "3y": 1096}


@pytest.mark.parametrize("span", list(TOP_RANGES))
@pytest.mark.parametrize(("dimension", "metric"), TOP_SHAPES)
def test_top_shape_ours(benchmark, subjects, dimension, metric, span):
    benchmark.group = f"top:{dimension}:{metric}:{span}"
    benchmark.extra_info.update(kind="ours")
    benchmark.pedantic(
        reports.top_report,
        kwargs={"request": top_request(dimension, metric, TOP_RANGES[span])},
        rounds=ROUNDS_TOP,
        warmup_rounds=1,
    )


@pytest.mark.parametrize(("dimension", "metric"), TOP_SHAPES)
def test_top_shape_naive(benchmark, subjects, dimension, metric):
    benchmark.group = f"top:{dimension}:{metric}:28d"
    benchmark.extra_info.update(kind="naive_group_by_raw")
    benchmark.pedantic(
        baselines.naive_top, args=(dimension, metric, 28), rounds=ROUNDS_TOP_NAIVE, warmup_rounds=0
    )


# The largest channel (78k videos at 1M): each report shape an owner asks for.
LARGEST_CHANNEL_SHAPES = {
    "day_28d": ("day", ("views", "watch_seconds"), None, 28),
    "hour_30d": ("hour", ("views", "watch_seconds"), None, 30),
    "month_3y": ("month", ("views", "watch_seconds"), None, 1095),
    "day_28d_every_metric": (
        "day",
        ("views", "watch_seconds", "avg_view_seconds", "unique_viewers", "likes", "comments"),
        None,
        28,
    ),
    "day_3y_every_metric": (
        "day",
        ("views", "watch_seconds", "avg_view_seconds", "unique_viewers", "likes", "comments"),
        None,
        1096,
    ),
    "country_60d": ("day", ("views", "watch_seconds"), "country", 60),
    "country_3y": ("day", ("views", "watch_seconds"), "country", 1096),
    "device_28d": ("day", ("views", "watch_seconds"), "device", 28),
}


@pytest.mark.parametrize("shape", list(LARGEST_CHANNEL_SHAPES))
def test_largest_channel_report_ours(benchmark, subjects, shape):
    granularity, metrics, dimension, days = LARGEST_CHANNEL_SHAPES[shape]
    benchmark.group = f"report:largest_channel:{shape}"
    benchmark.extra_info.update(
        kind="ours", subject=subjects["largest_channel"], channel_videos=subjects["largest_channel_videos"]
    )
    request = reports.ReportRequest(
        start=today() - timedelta(days=days - 1),
        end=today(),
        granularity=granularity,
        metrics=metrics,
        dimension=dimension,
    )
    benchmark.pedantic(
        reports.video_report,
        kwargs={"channel_id": subjects["largest_channel"], "request": request},
        rounds=ROUNDS_TOP,
        warmup_rounds=1,
    )


def test_largest_channel_report_naive(benchmark, subjects):
    benchmark.group = "report:largest_channel:day_28d"
    benchmark.extra_info.update(kind="naive_group_by_raw", subject=subjects["largest_channel"])
    benchmark.pedantic(
        baselines.naive_daily_report,
        args=("SELECT id FROM api_video WHERE channel_id = %s", [subjects["largest_channel"]], 28),
        rounds=ROUNDS_TOP_NAIVE,
        warmup_rounds=0,
    )


def test_subjects_are_the_issue_scale(subjects):
    """The channel report is meant over a channel of about 1,000 videos (issue 4)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM api_video WHERE channel_id = %s", [subjects["channel"]])
        assert cursor.fetchone()[0] == subjects["channel_videos"]


@pytest.fixture(scope="module")
def ingest_bodies(subjects):
    import json

    from benchmarks.http_bench import ingest_batches

    return [json.loads(body)["events"] for body in ingest_batches(ROUNDS_INGEST + 1, 1_000)]


ROUNDS_INGEST = 8


def test_ingest_ours(benchmark, ingest_bodies):
    """One batch of 1,000 events through validation, storage and every rollup (stored for good)."""
    from analytics.services import events_ingest

    batches = iter(ingest_bodies)
    benchmark.group = "ingest:batch_of_1000"
    benchmark.extra_info.update(kind="ours", events=1_000)
    result = benchmark.pedantic(
        lambda: events_ingest(raw_events=next(batches)), rounds=ROUNDS_INGEST, warmup_rounds=1
    )
    assert result.accepted == 1_000


def test_ingest_naive(benchmark, ingest_bodies):
    from analytics.services import events_validate

    batches = iter(ingest_bodies)
    benchmark.group = "ingest:batch_of_1000"
    benchmark.extra_info.update(kind="naive_row_by_row", events=1_000)
    benchmark.pedantic(
        lambda: baselines.naive_ingest([e.model_dump() for _, e in events_validate(next(batches))[0]]),
        rounds=3,
        warmup_rounds=1,
    )


# The report query model (issue 20): every shape of scenarios.MODEL_SHAPES, ours as the views answer it,
# beside a GROUP BY of the raw events of the same range, dimensions and filters (baselines.naive_model).
ROUNDS_MODEL, ROUNDS_MODEL_NAIVE = 20, 2


def model_report(scope: str, scope_id: int | None, params: dict[str, str]) -> dict:
    from analytics import export, query

    query_params = dict(params)
    if scope != "top" and params:
        query_params = {"start": str(today() - timedelta(days=MODEL_DAYS - 1)), "end": str(today()), **params}
    # the views' defaults: top's video by views, 20 rows; every other report's daily series
    defaults = (
        {"dimensions": ("video",), "metrics": ("views",), "max_results": 20}
        if scope == "top"
        else {"dimensions": ("day",)}
    )
    kind = "catalogue" if scope == "top" else scope
    model = analytics_params.report_query(
        api_request(query_params), scope=query.Scope(kind, scope_id), today=today(), **defaults
    )
    report = query.report(model)
    if params.get("format") == "csv":
        "".join(export.lines(report))
    return report


def model_subject(subjects, scope: str) -> int | None:
    return subjects[scope] if scope in ("video", "channel") else None


@pytest.mark.parametrize("shape", list(MODEL_SHAPES))
def test_model_ours(benchmark, subjects, shape):
    scope, params = MODEL_SHAPES[shape]
    benchmark.group = f"model:{shape}"
    benchmark.extra_info.update(kind="ours", scope=scope, params=params)
    report = benchmark.pedantic(
        model_report,
        args=(scope, model_subject(subjects, scope), params),
        rounds=ROUNDS_MODEL,
        warmup_rounds=1,
    )
    assert report["columns"]


@pytest.mark.parametrize("shape", list(MODEL_SHAPES))
def test_model_naive(benchmark, subjects, shape):
    scope, params = MODEL_SHAPES[shape]
    benchmark.group = f"model:{shape}"
    benchmark.extra_info.update(kind="naive_group_by_raw", scope=scope)
    days = 28 if scope == "top" or not params else MODEL_DAYS
    benchmark.pedantic(
        baselines.naive_model,
        args=(scope, model_subject(subjects, scope), params, days),
        rounds=ROUNDS_MODEL_NAIVE,
        warmup_rounds=0,
    )
