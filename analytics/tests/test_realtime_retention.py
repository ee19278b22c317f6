"""Realtime views (the last hour by minute, the top videos of 5 and 60 minutes) and audience retention."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from analytics.realtime import realtime_prune
from analytics.services import events_ingest
from analytics.tests.test_ingest import event
from api import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(make_user, client_for):
    return client_for(make_user(groups=("analysts",)))


@pytest.fixture
def live(make_video, make_user):
    """Video a: 3 views a minute ago; b: 2 views 10 minutes ago; c (another channel): 1 view 30 minutes
    ago and 4 views 90 minutes ago (past the hour)."""
    a, b = make_video(title="a"), make_video(title="b")
    other = services.channel_create(owner=make_user(), handle="elsewhere", name="Elsewhere", country="us")
    c = make_video(title="c", channel=other)
    now = datetime.now(UTC)
    events = [event(a, at=now - timedelta(minutes=1)) for _ in range(3)]
    events += [event(b, at=now - timedelta(minutes=10)) for _ in range(2)]
    events += [event(c, at=now - timedelta(minutes=30))]
    events += [event(c, at=now - timedelta(minutes=90)) for _ in range(4)]
    assert events_ingest(raw_events=events).accepted == 10
    return a, b, c


def test_catalogue_realtime(analyst, live):
    a, b, c = live
    body = analyst.get("/api/v1/analytics/realtime").json()
    assert len(body["minutes"]) == 60
    assert sum(m["views"] for m in body["minutes"]) == 6
    assert body["minutes"][-1]["minute"] == datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:00Z") or (
        body["minutes"][-1]["minute"]
        < datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:00Z")  # a minute just turned
    )
    minutes = [m["minute"] for m in body["minutes"]]
    assert minutes == sorted(minutes)
    assert body["top_5m"] == [{"video_id": a.pk, "views": 3}]
    assert body["top_60m"] == [
        {"video_id": a.pk, "views": 3},
        {"video_id": b.pk, "views": 2},
        {"video_id": c.pk, "views": 1},
    ]


def test_channel_and_video_realtime(owner_client, live):
    a, b, _ = live
    channel = owner_client.get(f"/api/v1/analytics/realtime?channel={a.channel_id}").json()
    assert sum(m["views"] for m in channel["minutes"]) == 5
    assert [t["video_id"] for t in channel["top_60m"]] == [a.pk, b.pk]
    video = owner_client.get(f"/api/v1/analytics/realtime?video={b.pk}").json()
    assert sum(m["views"] for m in video["minutes"]) == 2
    assert video["top_5m"] == [] and video["top_60m"] == [{"video_id": b.pk, "views": 2}]


def test_realtime_counts_an_event_as_soon_as_it_is_acknowledged(analyst, live):
    a, _, _ = live
    before = analyst.get("/api/v1/analytics/realtime").json()
    assert events_ingest(raw_events=[event(a, at=datetime.now(UTC))]).accepted == 1
    after = analyst.get("/api/v1/analytics/realtime").json()
    assert sum(m["views"] for m in after["minutes"]) == sum(m["views"] for m in before["minutes"]) + 1


def test_realtime_permissions_and_parameters(owner_client, anon, live, analyst):
    a, _, c = live
    assert anon.get("/api/v1/analytics/realtime").status_code == 401
    assert owner_client.get("/api/v1/analytics/realtime").status_code == 403
    assert owner_client.get(f"/api/v1/analytics/realtime?video={c.pk}").status_code == 403
    assert owner_client.get(f"/api/v1/analytics/realtime?channel={c.channel_id}").status_code == 403
    assert analyst.get(f"/api/v1/analytics/realtime?video={c.pk}").status_code == 200
    both = owner_client.get(f"/api/v1/analytics/realtime?video={a.pk}&channel={a.channel_id}")
    assert both.status_code == 400 and "video" in both.json()["error"]["details"]
    bad = owner_client.get("/api/v1/analytics/realtime?video=x")
    assert bad.status_code == 400 and "video" in bad.json()["error"]["details"]
    assert owner_client.get("/api/v1/analytics/realtime?video=999999999").status_code == 404


def test_realtime_rows_are_pruned_after_two_hours(live):
    a, _, _ = live
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO analytics_realtime_video VALUES (%s, now() - interval '3 hours', %s, 7)",
            [a.pk, a.channel_id],
        )
        cursor.execute("INSERT INTO analytics_realtime_total VALUES (now() - interval '3 hours', 7)")
    assert realtime_prune() == 2
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM analytics_realtime_video WHERE minute < now() - interval '2 hours'"
        )
        assert cursor.fetchone()[0] == 0


def test_audience_retention_at_each_tenth(owner_client, make_video):
    video = make_video(duration_s=100)
    at = datetime.now(UTC) - timedelta(hours=1)
    events = [
        event(video, at=at, watch=5.0, position_seconds=5.0),  # left in the first tenth
        event(video, at=at, watch=40.0, position_seconds=55.0),  # skipped ahead, left at 55%
        event(video, at=at, watch=100.0, position_seconds=100.0),  # to the end
        event(video, at=at, watch=30.0),  # no position: watched from the start for 30 s
    ]
    assert events_ingest(raw_events=events).accepted == 4
    body = owner_client.get(f"/api/v1/analytics/videos/{video.pk}?dimension=elapsed_ratio").json()
    assert [c["name"] for c in body["columns"]] == ["elapsed_ratio", "audience_watch_ratio", "views"]
    assert [row[0] for row in body["rows"]] == [i / 10 for i in range(11)]
    assert [row[2] for row in body["rows"]] == [4, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1]
    assert [row[1] for row in body["rows"]] == [n / 4 for n in (4, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1)]
    assert body["totals"]["views"] == 4
    again = owner_client.get(
        f"/api/v1/analytics/videos/{video.pk}?dimensions=elapsed_ratio&metrics=views"
    ).json()
    assert [row[1] for row in again["rows"]] == [4, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"dimensions": "elapsed_ratio,country"}, "dimensions"),
        ({"dimensions": "elapsed_ratio", "filters": "country==KR"}, "dimensions"),
        ({"dimensions": "elapsed_ratio", "metrics": "likes"}, "metrics"),
        ({"dimensions": "country", "metrics": "audience_watch_ratio"}, "metrics"),
    ],
)
def test_retention_bad_combinations(owner_client, video, params, parameter):
    response = owner_client.get(f"/api/v1/analytics/videos/{video.pk}", params)
    assert response.status_code == 400 and parameter in response.json()["error"]["details"]


def test_retention_is_a_videos(owner_client, channel):
    response = owner_client.get(f"/api/v1/analytics/channels/{channel.pk}?dimension=elapsed_ratio")
    assert response.status_code == 400 and "dimensions" in response.json()["error"]["details"]


def test_position_is_validated(video):
    result = events_ingest(
        raw_events=[event(video, position_seconds=-1.0), event(video, position_seconds="x")]
    )
    assert result.accepted == 0 and [r["errors"] for r in result.rejected] == [
        {"position_seconds": ["Input should be greater than or equal to 0"]},
        {"position_seconds": ["Input should be a valid number, unable to parse string as a number"]},
    ]


@pytest.mark.parametrize("first_chunk", [1, 2, 10])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_catalogue_top_read_down_each_minute_equals_the_aggregate(make_video, monkeypatch, first_chunk, seed):
    """Many videos over many minutes, skewed and tied: the threshold reading gives the aggregate's top."""
    rng = random.Random(seed)
    views = {}
    for _ in range(600):
        key = (int(rng.paretovariate(1.1) * 10) % 300 + 1, rng.randrange(60))
        views[key] = views.get(key, 0) + rng.choice((1, 1, 2, 5))
    _assert_catalogue_top_is_the_aggregate(make_video, monkeypatch, first_chunk, views)


@pytest.mark.parametrize("first_chunk", [1, 2, 3])
@pytest.mark.parametrize("seed", range(20))
def test_catalogue_top_sums_every_video_that_may_tie(make_video, monkeypatch, first_chunk, seed):
    """A few videos, each with one or two views in many minutes: most sums tie, and a video met once is
    left unsummed only where what it may have is below the tenth best sum (a tie at the tenth sum goes
    to the lower id, so a video that may reach it exactly is summed)."""
    rng = random.Random(seed)
    views = {}
    for _ in range(400):
        key = (rng.randrange(1, 40), rng.randrange(60))
        views[key] = views.get(key, 0) + rng.choice((1, 2))
    _assert_catalogue_top_is_the_aggregate(make_video, monkeypatch, first_chunk, views)


def _assert_catalogue_top_is_the_aggregate(make_video, monkeypatch, first_chunk, views):
    """`views` by (video id, minutes ago), as the realtime rows: the top of the last 5 and 60 minutes."""
    from analytics import realtime

    monkeypatch.setattr(realtime, "FIRST_CHUNK", first_chunk)
    video = make_video()
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO analytics_realtime_video (video_id, minute, channel_id, views) VALUES (%s, %s, %s, %s)",
            [
                (video_id, now - timedelta(minutes=ago), video.channel_id, n)
                for (video_id, ago), n in views.items()
            ],
        )
        for span in (5, 60):
            since = now - timedelta(minutes=span - 1)
            cursor.execute(
                "SELECT video_id, sum(views) AS n FROM analytics_realtime_video WHERE minute >= %s AND minute <= %s"
                " GROUP BY video_id ORDER BY n DESC, video_id LIMIT 10",
                [since, now],
            )
            expected = [(video_id, int(n)) for video_id, n in cursor.fetchall()]
            assert realtime.catalogue_top(cursor, since, now) == expected
