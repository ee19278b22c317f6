"""Search analytics: every search is recorded off the request's path; clicks are ingested idempotently;
analysts see top, zero-result and corrected queries, click-through and the time searches took; old days
age out by partition."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from search.querylog import partitions_maintain, recorder
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db
REPORT = "/api/v1/analytics/search"
CLICKS = "/api/v1/events/search-clicks"


@pytest.fixture
def analyst(make_user, client_for):
    return client_for(make_user("analyst1", groups=("analysts",)))


@pytest.fixture
def catalogue(make_video):
    return [make_video(title="Kimchi stew for beginners"), make_video(title="Guitar lessons")]


def click(query: str, video_id: int, position: int, event_id: str | None = None, **extra) -> dict:
    return {
        "event_id": event_id or str(uuid.uuid4()),
        "query": query,
        "video_id": video_id,
        "position": position,
        "occurred_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
        **extra,
    }


def test_searches_are_recorded_and_reported(anon, analyst, catalogue):
    for q in ["Kimchi  Stew", "kimchi stew", "KIMCHI stew", "guitar", "kimchee", "zzzqqq", "zzzqqq"]:
        assert anon.get("/api/v1/search/videos", {"q": q}).status_code == 200
    anon.get("/api/v1/search/videos", {"q": "guitar", "category": "music"})
    anon.get("/api/v1/search/videos", {"category": "music"})  # no query: not recorded
    assert len(recorder.buffer) == 8
    assert recorder.flush() == 8
    kimchi = catalogue[0].pk
    posted = anon.post(
        CLICKS, {"clicks": [click("Kimchi Stew", kimchi, 1), click("kimchi stew", kimchi, 2)]}, format="json"
    )
    assert posted.status_code == 202 and posted.json() == {"accepted": 2, "duplicates": 0, "rejected": []}
    body = analyst.get(REPORT, {"window": "24h"}).json()
    assert body["searches"] == 8 and body["window"] == "24h"
    assert body["top_queries"][0] == {
        "query": "kimchi stew",
        "searches": 3,
        "clicks": 2,
        "click_through": 0.6667,
        "mean_click_position": 1.5,
    }
    assert {
        "query": "guitar",
        "searches": 2,
        "clicks": 0,
        "click_through": 0.0,
        "mean_click_position": None,
    } in (body["top_queries"])
    # `guitar` in music finds nothing: a search counts as made, with its filters
    assert body["zero_result_queries"] == [
        {"query": "zzzqqq", "searches": 2},
        {"query": "guitar", "searches": 1},
    ]
    assert body["corrected_queries"] == [{"query": "kimchee", "searches": 1, "corrected": "kimchi"}]
    assert body["took_ms"]["p50"] is not None and body["took_ms"]["p95"] >= body["took_ms"]["p50"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT filters FROM search_log WHERE filters <> '{}'")
        assert cursor.fetchall() == [(["category"],)]
    assert len(analyst.get(REPORT, {"window": "30d", "limit": 1}).json()["top_queries"]) == 1


def test_recording_costs_a_search_microseconds(anon, catalogue):
    """What the request pays: a tuple appended to a buffer (the write happens on another thread)."""
    started = time.perf_counter()
    for _ in range(1_000):
        recorder.record(q="kimchi stew", total=3, took_ms=4, corrected=None, filters=[])
    per_search_us = (time.perf_counter() - started) * 1e6 / 1_000
    assert per_search_us < 100, per_search_us
    assert recorder.flush() == 1_000


def test_clicks_are_idempotent_and_validated(anon, catalogue):
    sent = click("guitar", catalogue[1].pk, 1)
    first = anon.post(CLICKS, {"clicks": [sent]}, format="json")
    assert first.json() == {"accepted": 1, "duplicates": 0, "rejected": []}
    again = anon.post(
        CLICKS,
        {
            "clicks": [
                sent,  # sent again, as a client retries
                click("guitar", catalogue[1].pk, 0),
                click("guitar", catalogue[1].pk, 1, occurred_at="2020-01-01T00:00:00Z"),
                click(" ", catalogue[1].pk, 1),
                click("guitar", catalogue[1].pk, 1, event_id="not-a-uuid"),
                "nope",
            ]
        },
        format="json",
    )
    assert again.status_code == 202
    body = again.json()
    assert body["accepted"] == 0 and body["duplicates"] == 1
    assert [r["index"] for r in body["rejected"]] == [1, 2, 3, 4, 5]
    assert set(body["rejected"][0]["errors"]) == {"position"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_click")
        assert cursor.fetchone()[0] == 1


@pytest.mark.parametrize("body", [{}, {"clicks": []}, {"clicks": "x"}, [], {"clicks": [{}] * 1001}])
def test_bad_click_bodies_are_400(anon, body):
    assert_error(anon.post(CLICKS, body, format="json"), 400, "invalid_body")


def test_the_report_is_for_analysts_and_staff(anon, make_user, client_for):
    assert_error(anon.get(REPORT), 401, "not_authenticated")
    assert_error(client_for(make_user()).get(REPORT), 403, "permission_denied")
    assert client_for(make_user(is_staff=True)).get(REPORT).status_code == 200


@pytest.mark.parametrize("params", [{"window": "1y"}, {"limit": 0}, {"limit": 101}])
def test_bad_report_parameters_are_400(analyst, params):
    assert_error(analyst.get(REPORT, params), 400, "invalid_parameter")


def test_old_days_age_out_by_partition(db):
    today = datetime.now(UTC).date()
    with connection.cursor() as cursor:
        for day in (today - timedelta(days=40), today - timedelta(days=31), today - timedelta(days=30)):
            cursor.execute("SELECT vs_day_partition_ensure('search_log', %s)", [day])
        assert partitions_maintain(today=today) == 1  # the day 40 back; 31 back is the retention's edge
        cursor.execute(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = 'search_log'::regclass "
            "AND inhrelid::regclass::text = %s",
            [f"search_log_{(today - timedelta(days=40)):%Y%m%d}"],
        )
        assert cursor.fetchone()[0] == 0
        # the next week's partitions exist: the writer never waits for one
        cursor.execute("SELECT to_regclass(%s)", [f"search_click_{(today + timedelta(days=7)):%Y%m%d}"])
        assert cursor.fetchone()[0] is not None
