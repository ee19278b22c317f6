"""Trending: `now` against the decayed-score formula computed in Python; 24h and 7d windows; filters."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta

import pytest

from analytics.services import DECAY_PER_HOUR, events_ingest
from analytics.tests.test_ingest import event
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db


def ingest(video, hours_ago: list[float]) -> None:
    now = datetime.now(UTC)
    result = events_ingest(raw_events=[event(video, at=now - timedelta(hours=h)) for h in hours_ago])
    assert result.accepted == len(hours_ago)


def decayed(hours_ago: list[float]) -> float:
    return sum(math.exp(-DECAY_PER_HOUR * h) for h in hours_ago)


@pytest.fixture
def scene(make_video):
    views = {
        "fresh": [0.1, 0.2, 0.3],  # 3 views in the last hour
        "yesterday": [20] * 6,  # 6 views a day ago
        "week": [100] * 40,  # 40 views four days ago
        "steady": [1, 5, 10, 15, 30, 60, 150],  # spread out
    }
    videos = {
        name: make_video(
            title=name,
            region="KR" if name != "week" else "US",
            category="music" if name in ("fresh", "week") else "howto",
        )
        for name in views
    }
    for name, hours in views.items():
        # in two batches: the log-space running sum must fold batches exactly
        ingest(videos[name], hours[: len(hours) // 2])
        ingest(videos[name], hours[len(hours) // 2 :])
    return videos, views


def test_now_orders_by_decayed_score(anon, scene):
    videos, views = scene
    body = anon.get("/api/v1/trending/videos").json()
    assert body["window"] == "now"
    expected = sorted(views, key=lambda name: decayed(views[name]), reverse=True)
    by_id = {v.pk: name for name, v in videos.items()}
    assert [by_id[hit["id"]] for hit in body["results"]] == expected
    for hit in body["results"]:
        assert hit["score"] == pytest.approx(decayed(views[by_id[hit["id"]]]), rel=1e-3)
    assert [hit["rank"] for hit in body["results"]] == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("window", "expected"),
    [("24h", ["steady", "fresh", "yesterday"]), ("7d", ["week", "steady", "yesterday", "fresh"])],
)
def test_windows_count_views_inside(anon, scene, window, expected):
    videos, views = scene
    body = anon.get("/api/v1/trending/videos", {"window": window}).json()
    by_id = {v.pk: name for name, v in videos.items()}
    hours = {"24h": 24, "7d": 168}[window]
    names = [by_id[hit["id"]] for hit in body["results"]]
    assert sorted(names) == sorted(expected)
    for hit in body["results"]:
        assert hit["views_in_window"] == sum(1 for h in views[by_id[hit["id"]]] if h < hours - 1)
    counts = [hit["views_in_window"] for hit in body["results"]]
    assert counts == sorted(counts, reverse=True)


def test_filters_and_limit(anon, scene):
    videos, _ = scene
    body = anon.get("/api/v1/trending/videos", {"region": "us", "window": "7d"}).json()
    assert [hit["id"] for hit in body["results"]] == [videos["week"].pk]
    body = anon.get("/api/v1/trending/videos", {"category": "music"}).json()
    assert {hit["id"] for hit in body["results"]} == {videos["fresh"].pk, videos["week"].pk}
    assert len(anon.get("/api/v1/trending/videos", {"limit": 2}).json()["results"]) == 2


@pytest.mark.parametrize(
    "params",
    [
        {"window": "1h"},
        {"limit": "0"},
        {"limit": "101"},
        {"region": "KOR"},
        {"category": "cooking"},
        {"language": "korean"},
    ],
)
def test_bad_parameters(anon, params):
    assert_error(anon.get("/api/v1/trending/videos", params), 400, "invalid_parameter")


def test_search_order_trending(anon, scene):
    videos, views = scene
    body = anon.get("/api/v1/search/videos", {"order": "trending", "page_size": 2}).json()
    expected = sorted(views, key=lambda name: decayed(views[name]), reverse=True)
    by_id = {v.pk: name for name, v in videos.items()}
    seen = [by_id[hit["id"]] for hit in body["results"]]
    page = anon.get(body["next"]).json()
    seen += [by_id[hit["id"]] for hit in page["results"]]
    assert seen == expected


def test_window_snapshot_is_reused_within_its_age(anon, scene, settings):
    videos, _ = scene
    first = anon.get("/api/v1/trending/videos", {"window": "24h"}).json()["results"]
    ingest(videos["week"], [0.5] * 50)  # now the top of the last 24 hours
    cached = anon.get("/api/v1/trending/videos", {"window": "24h"}).json()["results"]
    assert [hit["id"] for hit in cached] == [hit["id"] for hit in first]
    settings.ANALYTICS_TRENDING_MAX_AGE = 0
    fresh = anon.get("/api/v1/trending/videos", {"window": "24h"}).json()["results"]
    assert fresh[0]["id"] == videos["week"].pk and fresh[0]["views_in_window"] == 50


def test_filtered_window_falls_back_to_the_rollups_past_the_snapshot(anon, scene, monkeypatch):
    from analytics import selectors

    videos, _ = scene
    monkeypatch.setattr(selectors, "TRENDING_TOP", 1)  # the snapshot holds only "week"
    top = anon.get("/api/v1/trending/videos", {"window": "7d", "limit": 1}).json()["results"]
    assert [hit["id"] for hit in top] == [videos["week"].pk]
    howto = anon.get("/api/v1/trending/videos", {"window": "7d", "category": "howto"}).json()["results"]
    assert [hit["id"] for hit in howto] == [videos["steady"].pk, videos["yesterday"].pk]
    every = anon.get("/api/v1/trending/videos", {"window": "7d"}).json()["results"]
    assert [hit["id"] for hit in every] == [videos[n].pk for n in ("week", "steady", "yesterday", "fresh")]


def test_responses_are_cached_for_a_few_seconds(anon, scene, settings):
    videos, _ = scene
    settings.ANALYTICS_TRENDING_CACHE_SECONDS = 5
    first = anon.get("/api/v1/trending/videos", {"window": "now", "limit": 3})
    assert first["Cache-Control"] == "public, max-age=5"
    ingest(videos["week"], [0.01] * 50)  # now the top of `now`
    again = anon.get("/api/v1/trending/videos", {"window": "now", "limit": 3})
    assert again.json() == first.json()  # the same answer, from the cache
    other = anon.get("/api/v1/trending/videos", {"window": "now", "limit": 4})  # another request: computed
    assert other.json()["results"][0]["id"] == videos["week"].pk
    settings.ANALYTICS_TRENDING_CACHE_SECONDS = 0
    assert anon.get("/api/v1/trending/videos", {"window": "now", "limit": 3})["Cache-Control"] == "no-cache"


def test_now_walks_the_trending_order_index_and_skips_the_never_viewed(anon, scene, make_video):
    """`now` reads analytics_video_trending_order (migrations_sql/0037) from the top, bounded above the
    never-viewed videos' NULL scores: an index condition and no sort, whatever the table's size (the
    planner is kept off the sequential scan and the sort it would take on a few rows)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    videos, _ = scene
    never = make_video(title="never viewed", region="KR")
    with CaptureQueriesContext(connection) as captured:
        body = anon.get("/api/v1/trending/videos", {"window": "now", "limit": 100}).json()
    listed = [row["id"] for row in body["results"]]
    assert never.pk not in listed and sorted(listed) == sorted(v.pk for v in videos.values())
    (statement,) = [q["sql"] for q in captured.captured_queries if "analytics_video_trending t" in q["sql"]]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + statement)
        raw = cursor.fetchone()[0]
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    nodes = list(_nodes(plan))
    scans = [n for n in nodes if n.get("Index Name") == "analytics_video_trending_order"]
    assert scans and "-1e+308" in scans[0].get("Index Cond", ""), nodes
    assert not any(n["Node Type"] in ("Sort", "Incremental Sort") for n in nodes)


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)
