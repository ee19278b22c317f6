"""Video and channel reports: every bucket present, checked against plain SQL over the raw events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from analytics.services import events_ingest
from analytics.tests.checks import ROLLUP_FINGERPRINTS
from analytics.tests.test_ingest import event
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db
TODAY = datetime.now(UTC).date()


@pytest.fixture(autouse=True)
def today_when_the_test_runs():
    """The date each test starts on (the reports' default range ends today): a run across midnight UTC
    must not compare against the day the module was imported."""
    global TODAY  # noqa: PLW0603 - read by the tests and helpers of this module
    TODAY = datetime.now(UTC).date()


@pytest.fixture
def watched(make_video, owner):
    first, second = make_video(title="one"), make_video(title="two")
    now = datetime.now(UTC).replace(minute=30, second=0, microsecond=0) - timedelta(hours=1)
    events = []
    for days_ago, count in ((0, 3), (2, 5), (9, 2), (20, 4)):
        for i in range(count):
            events.append(
                event(
                    first,
                    at=now - timedelta(days=days_ago),
                    watch=10.0 * (i + 1),
                    viewer_id=f"viewer-{i % 2}",
                    country="KR" if i % 2 else "US",
                    device="tv" if i == 0 else "mobile",
                )
            )
    events += [event(second, at=now - timedelta(days=2), watch=5.0, viewer_id="viewer-9") for _ in range(7)]
    assert events_ingest(raw_events=events).accepted == len(events)
    return first, second


def sql_daily(video_ids: list[int], start, end) -> dict[str, tuple[int, float]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT to_char((occurred_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD'), count(*), sum(watch_seconds)
               FROM analytics_view_event WHERE video_id = ANY(%s)
                 AND (occurred_at AT TIME ZONE 'UTC')::date BETWEEN %s AND %s GROUP BY 1""",
            [video_ids, start, end],
        )
        return {day: (n, float(w)) for day, n, w in cursor.fetchall()}


def test_daily_series_is_gap_free_and_matches_raw_events(owner_client, watched):
    first, _ = watched
    body = owner_client.get(f"/api/v1/analytics/videos/{first.pk}").json()
    assert body["columns"] == [
        {"name": "day", "type": "dimension"},
        {"name": "views", "type": "metric"},
        {"name": "watch_seconds", "type": "metric"},
    ]
    assert len(body["rows"]) == 28
    assert body["rows"][-1][0] == TODAY.isoformat()
    expected = sql_daily([first.pk], TODAY - timedelta(days=27), TODAY)
    for day, views, watch in body["rows"]:
        assert (views, watch) == expected.get(day, (0, 0.0)), day
    assert body["totals"] == {"views": 14, "watch_seconds": sum(w for _, w in expected.values())}


@pytest.mark.parametrize(("granularity", "buckets"), [("week", None), ("month", None), ("hour", 24 * 3)])
def test_other_granularities_sum_to_the_same_totals(owner_client, watched, granularity, buckets):
    first, _ = watched
    start = TODAY - timedelta(days=2) if granularity == "hour" else TODAY - timedelta(days=27)
    body = owner_client.get(
        f"/api/v1/analytics/videos/{first.pk}",
        {"granularity": granularity, "start": start.isoformat(), "end": TODAY.isoformat()},
    ).json()
    expected = sql_daily([first.pk], start, TODAY)
    assert sum(row[1] for row in body["rows"]) == sum(n for n, _ in expected.values())
    if buckets:
        assert len(body["rows"]) == buckets
    labels = [row[0] for row in body["rows"]]
    assert labels == sorted(labels) and len(set(labels)) == len(labels)


def test_week_buckets_match_sql(owner_client, watched):
    first, _ = watched
    start = TODAY - timedelta(days=27)
    body = owner_client.get(f"/api/v1/analytics/videos/{first.pk}", {"granularity": "week"}).json()
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT to_char(date_trunc('week', occurred_at, 'UTC') AT TIME ZONE 'UTC', 'YYYY-MM-DD'), count(*)
               FROM analytics_view_event WHERE video_id = %s AND (occurred_at AT TIME ZONE 'UTC')::date >= %s
               GROUP BY 1""",
            [first.pk, start],
        )
        expected = dict(cursor.fetchall())
    assert {label: views for label, views, _ in body["rows"] if views} == expected


def test_metrics_and_breakdowns(owner_client, watched):
    first, _ = watched
    body = owner_client.get(
        f"/api/v1/analytics/videos/{first.pk}",
        {"metrics": "views,avg_view_seconds,unique_viewers,likes,comments"},
    ).json()
    assert body["totals"]["unique_viewers"] == 2
    assert body["totals"]["views"] == 14
    countries = owner_client.get(f"/api/v1/analytics/videos/{first.pk}", {"dimension": "country"}).json()
    assert countries["columns"][0] == {"name": "country", "type": "dimension"}
    assert {row[0]: row[1] for row in countries["rows"]} == {"US": 8, "KR": 6}
    devices = owner_client.get(f"/api/v1/analytics/videos/{first.pk}", {"dimension": "device"}).json()
    assert {row[0]: row[1] for row in devices["rows"]} == {"mobile": 10, "tv": 4}


def test_channel_report_sums_its_videos(owner_client, watched, channel):
    body = owner_client.get(f"/api/v1/analytics/channels/{channel.pk}").json()
    assert body["totals"]["views"] == 21
    expected = sql_daily([v.pk for v in watched], TODAY - timedelta(days=27), TODAY)
    assert {row[0]: row[1] for row in body["rows"] if row[1]} == {d: n for d, (n, _) in expected.items()}


@pytest.mark.parametrize("granularity", ["hour", "day", "week", "month"])
def test_a_channel_series_is_the_sum_of_its_videos_series(owner_client, watched, channel, granularity):
    """By day, week and month a channel's series comes from its daily rollup, by hour from its videos':
    either way, bucket by bucket, the sum of its videos' series."""
    params = {"granularity": granularity, "metrics": "views,watch_seconds"}
    body = owner_client.get(f"/api/v1/analytics/channels/{channel.pk}", params).json()
    expected: dict[str, list[float]] = {}
    for video in watched:
        for label, views, watch in owner_client.get(f"/api/v1/analytics/videos/{video.pk}", params).json()[
            "rows"
        ]:
            sums = expected.setdefault(label, [0, 0.0])
            sums[0] += views
            sums[1] += watch
    assert [row[0] for row in body["rows"]] == list(expected)
    assert {label: (views, round(watch, 3)) for label, views, watch in body["rows"]} == {
        label: (views, round(watch, 3)) for label, (views, watch) in expected.items()
    }
    assert body["totals"]["views"] == 21


def test_a_channel_breakdown_and_its_viewers_are_those_of_its_videos(owner_client, watched, channel):
    """A channel's breakdowns and distinct viewers come from its own rollups: each equals its videos'
    (a viewer who watched two of its videos counts once)."""
    for dimension in ("country", "device"):
        params = {"dimension": dimension, "metrics": "views,watch_seconds"}
        expected: dict[str, list[float]] = {}
        for video in watched:
            rows = owner_client.get(f"/api/v1/analytics/videos/{video.pk}", params).json()["rows"]
            for value, views, watch in rows:
                sums = expected.setdefault(value, [0, 0.0])
                sums[0] += views
                sums[1] += watch
        body = owner_client.get(f"/api/v1/analytics/channels/{channel.pk}", params).json()
        assert {value: (views, round(watch, 3)) for value, views, watch in body["rows"]} == {
            value: (views, round(watch, 3)) for value, (views, watch) in expected.items()
        }
        assert [row[1] for row in body["rows"]] == sorted((row[1] for row in body["rows"]), reverse=True)
    # viewer-0 and viewer-1 watched the first video, viewer-9 the second; viewer-0 watches the second too
    assert events_ingest(raw_events=[event(watched[1], viewer_id="viewer-0")]).accepted == 1
    params = {"metrics": "unique_viewers", "granularity": "month"}
    body = owner_client.get(f"/api/v1/analytics/channels/{channel.pk}", params).json()
    assert body["totals"]["unique_viewers"] == 3
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT viewer_id) FROM analytics_view_event WHERE video_id = ANY(%s)"
            " AND occurred_at >= now() - interval '26 days'",
            [[v.pk for v in watched]],
        )
        assert cursor.fetchone()[0] == 3
        cursor.execute(ROLLUP_FINGERPRINTS["channel_hourly_match"])
        assert cursor.fetchone()[0] == 0


def test_top_tags_come_from_the_tag_rollup_and_match_the_catalogue(make_user, client_for, make_video):
    """`top` by tag reads the daily tag rollup, unfiltered; filtered, the per-video rollups joined to the
    videos' tags: both equal plain SQL over the events, a tag given twice counting once."""
    soup = make_video(title="soup", tags=["kimchi", "soup", "kimchi"])
    stew = make_video(title="stew", tags=["kimchi", "stew"])
    make_video(title="unwatched", tags=["kimchi"])
    now = datetime.now(UTC) - timedelta(hours=1)
    events = [event(soup, at=now - timedelta(days=d), watch=2.0) for d in (0, 1, 1, 29)]
    events += [event(stew, at=now - timedelta(days=3), watch=4.5) for _ in range(3)]
    assert events_ingest(raw_events=events).accepted == 7
    analyst = client_for(make_user(groups=("analysts",)))
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT t.tag, count(*), sum(x.watch_seconds) FROM analytics_view_event x
               JOIN api_video v ON v.id = x.video_id CROSS JOIN LATERAL (SELECT DISTINCT unnest(v.tags)) AS t(tag)
               WHERE (x.occurred_at AT TIME ZONE 'UTC')::date >= %s GROUP BY 1""",
            [TODAY - timedelta(days=27)],
        )
        expected = {tag: (views, watch) for tag, views, watch in cursor.fetchall()}
        cursor.execute(ROLLUP_FINGERPRINTS["tags_match"])
        assert cursor.fetchone()[0] == 0
    assert expected == {"kimchi": (6, 19.5), "soup": (3, 6.0), "stew": (3, 13.5)}
    for filters in ({}, {"category": "howto"}):
        views = analyst.get("/api/v1/analytics/top", {"dimension": "tag", **filters}).json()
        assert views["rows"] == [["kimchi", 6], ["soup", 3], ["stew", 3]]
        assert views["totals"] == {"views": 12}
        watch = analyst.get(
            "/api/v1/analytics/top", {"dimension": "tag", "metric": "watch_seconds", "limit": 2, **filters}
        ).json()
        assert watch["rows"] == [["kimchi", 19.5], ["stew", 13.5]]
        assert watch["totals"] == {"watch_seconds": 39.0}
    everything = analyst.get(
        "/api/v1/analytics/top", {"dimension": "tag", "start": (TODAY - timedelta(days=60)).isoformat()}
    )
    assert everything.json()["rows"][0] == ["kimchi", 7]


def test_top_channels_come_from_the_channel_rollup_and_match_their_videos(
    make_user, client_for, watched, channel
):
    analyst = client_for(make_user(groups=("analysts",)))
    for metric in ("views", "watch_seconds"):
        by_channel = analyst.get("/api/v1/analytics/top", {"dimension": "channel", "metric": metric}).json()
        by_video = analyst.get("/api/v1/analytics/top", {"dimension": "video", "metric": metric}).json()
        assert by_channel["rows"] == [[str(channel.pk), by_video["totals"][metric]]]
        assert by_channel["totals"] == by_video["totals"]
    filtered = analyst.get("/api/v1/analytics/top", {"dimension": "channel", "channel": channel.pk}).json()
    assert filtered["rows"] == [[str(channel.pk), 21]]
    assert (
        analyst.get("/api/v1/analytics/top", {"dimension": "channel", "channel": 999999}).json()["rows"] == []
    )


def test_permissions(anon, watched, make_user, client_for, owner_client):
    first, _ = watched
    url = f"/api/v1/analytics/videos/{first.pk}"
    assert_error(anon.get(url), 401, "not_authenticated")
    assert_error(client_for(make_user()).get(url), 403, "permission_denied")
    assert client_for(make_user(groups=("analysts",))).get(url).status_code == 200
    assert client_for(make_user(is_staff=True)).get(url).status_code == 200
    assert owner_client.get(url).status_code == 200
    assert_error(owner_client.get("/api/v1/analytics/videos/99999999"), 404, "not_found")


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-13-01"},
        {"start": "2026-11-10", "end": "2026-11-01"},
        {"start": "2020-01-01", "end": "2026-11-01"},
        {"granularity": "hour", "start": "2026-10-01", "end": "2026-11-15"},
        {"granularity": "year"},
        {"metrics": "views,clicks"},
        {"dimension": "city"},
        {"dimension": "country", "metrics": "likes"},
        {"granularity": "hour", "metrics": "unique_viewers", "start": "2026-11-01", "end": "2026-11-02"},
    ],
)
def test_bad_parameters(owner_client, watched, params):
    first, _ = watched
    assert_error(owner_client.get(f"/api/v1/analytics/videos/{first.pk}", params), 400, "invalid_parameter")


def test_top_by_dimension_matches_sql(make_user, client_for, watched, make_video):
    first, second = watched
    analyst = client_for(make_user(groups=("analysts",)))
    body = analyst.get("/api/v1/analytics/top", {"dimension": "video"}).json()
    assert body["rows"] == [[str(first.pk), 14], [str(second.pk), 7]]
    assert body["totals"] == {"views": 21}
    assert analyst.get("/api/v1/analytics/top", {"dimension": "category"}).json()["rows"] == [["howto", 21]]
    assert analyst.get("/api/v1/analytics/top", {"dimension": "country"}).json()["rows"] == [
        ["KR", 13],
        ["US", 8],
    ]
    by_country_filter = analyst.get("/api/v1/analytics/top", {"dimension": "video", "country": "kr"}).json()
    assert by_country_filter["rows"] == [[str(second.pk), 7], [str(first.pk), 6]]
    assert analyst.get("/api/v1/analytics/top", {"dimension": "channel"}).json()["rows"] == [
        [str(first.channel_id), 21]
    ]
    watch = analyst.get(
        "/api/v1/analytics/top", {"dimension": "video", "metric": "watch_seconds", "limit": 1}
    ).json()
    assert len(watch["rows"]) == 1
    assert watch["totals"]["watch_seconds"] == pytest.approx(
        sum(
            sql_daily([first.pk, second.pk], TODAY - timedelta(days=27), TODAY)[d][1]
            for d in sql_daily([first.pk, second.pk], TODAY - timedelta(days=27), TODAY)
        )
    )
    assert (
        analyst.get("/api/v1/analytics/top", {"dimension": "video", "category": "music"}).json()["rows"] == []
    )


def test_top_permissions_and_validation(owner_client, make_user, client_for, watched):
    assert_error(owner_client.get("/api/v1/analytics/top"), 403, "permission_denied")
    analyst = client_for(make_user(groups=("analysts",)))
    for params in (
        {"metric": "clicks"},
        {"dimension": "city"},
        {"limit": "0"},
        {"metric": "likes", "dimension": "country"},
        {"category": "cooking"},
        {"start": "nope"},
    ):
        assert_error(analyst.get("/api/v1/analytics/top", params), 400, "invalid_parameter")


@pytest.mark.parametrize(("first_batch", "walk_max"), [(1, 40_000), (2, 40_000), (200, 40_000), (1, 2)])
def test_top_videos_and_channels_walked_by_their_totals_equal_the_aggregate(
    make_video, owner, monkeypatch, first_batch, walk_max
):
    """`top` by video walks videos by their all-time totals (analytics_video_totals, kept by triggers), and
    `top` by channel the channels by theirs (analytics_channel_totals), and each stops once nothing further
    down can reach the rows: the same rows, ties and totals as the aggregate, whatever the batch size, with
    views old and new so that the totals order differs from the range's (and past TOP_WALK_MAX, the
    aggregate itself). Seven channels, one of them with two videos."""
    from analytics import reports
    from api import services

    monkeypatch.setattr(reports, "TOP_WALK_FIRST", first_batch)
    monkeypatch.setattr(reports, "TOP_WALK_MAX", walk_max)
    channels = [
        services.channel_create(owner=owner, handle=f"walker{n}", name=f"Walker {n}", country="kr")
        for n in range(7)
    ]
    videos = [make_video(title=f"walk {n}", channel=channels[min(n, 6)]) for n in range(8)]
    now = datetime.now(UTC).replace(minute=10, second=0, microsecond=0) - timedelta(hours=1)
    # (days ago, views) per video: some heavy long ago and light lately, two tied in the range
    plan = [
        [(20, 9), (1, 1)],
        [(1, 5)],
        [(0, 5)],
        [(25, 2), (2, 3)],
        [(3, 7)],
        [(27, 30)],
        [(0, 1)],
        [(5, 2)],
    ]
    events = [
        event(video, at=now - timedelta(days=days_ago), watch=3.0 + n)
        for video, visits in zip(videos, plan, strict=True)
        for days_ago, count in visits
        for n in range(count)
    ]
    assert events_ingest(raw_events=events).accepted == len(events)
    with connection.cursor() as cursor:
        cursor.execute(ROLLUP_FINGERPRINTS["totals_match_hourly"])
        assert cursor.fetchone()[0] == 0  # the triggers kept the totals
    walks = []
    for name in ("_top_videos_by_totals", "_top_channels_by_totals"):
        walk = getattr(reports, name)
        monkeypatch.setattr(
            reports, name, lambda *args, _walk=walk, _name=name: walks.append(_name) or _walk(*args)
        )
    shapes = ((7, "views", 3), (7, "watch_seconds", 2), (28, "views", 5), (1, "views", 10), (28, "views", 1))
    for dimension in ("video", "channel"):
        for days, metric, limit in shapes:
            request = reports.TopRequest(
                start=TODAY - timedelta(days=days - 1),
                end=TODAY,
                metric=metric,
                dimension=dimension,
                limit=limit,
                filters={},
            )
            walked = reports.top_report(request=request)
            params = {"start": request.start, "end_excl": request.end + timedelta(days=1), "limit": limit}
            source, value = reports._top_source(request, params, metric)
            expected = reports._run(
                f"SELECT {value} AS value, sum(s.m) AS m, sum(sum(s.m)) OVER () FROM ({source}) s "
                "JOIN api_video v ON v.id = s.video_id GROUP BY 1 ORDER BY m DESC, value LIMIT %(limit)s",
                params,
            )
            assert walked == reports._top_shape(request, expected), (dimension, days, metric, limit)
    assert walks == ["_top_videos_by_totals"] * len(shapes) + ["_top_channels_by_totals"] * len(shapes)


def test_likes_and_comments_follow_every_write_and_match_the_catalogue(
    make_user, client_for, make_video, owner_client, owner, monkeypatch
):
    """The likes and comments per video and day follow reactions set, switched and cleared, comments
    written, edited, emptied to placeholders and deleted, and a reaction backdated by a plain UPDATE: each
    `top` shape and each report over them equals plain SQL over the reactions and comments."""
    from api import services

    other = services.channel_create(owner=owner, handle="othermama", name="Other Mama", country="us")
    soup = make_video(title="soup", tags=["kimchi", "soup", "kimchi"], category="howto", language="ko")
    song = make_video(title="song", tags=["kimchi", "music"], category="music", language="en", channel=other)
    users = [client_for(make_user(f"fan{i}")) for i in range(4)]
    for client, video, kind in (
        (users[0], soup, "like"),
        (users[1], soup, "like"),
        (users[2], soup, "like"),
        (users[0], soup, "dislike"),  # switched
        (users[1], song, "like"),
        (users[3], song, "like"),
    ):
        assert (
            client.put(f"/api/v1/videos/{video.pk}/reaction", {"kind": kind}, format="json").status_code
            == 200
        )
    assert users[2].delete(f"/api/v1/videos/{soup.pk}/reaction").status_code == 200  # cleared
    first = users[0].post(f"/api/v1/videos/{soup.pk}/comments/", {"text": "one"}, format="json").json()
    users[1].post(f"/api/v1/videos/{soup.pk}/comments/", {"text": "re", "parent": first["id"]}, format="json")
    third = users[2].post(f"/api/v1/videos/{song.pk}/comments/", {"text": "three"}, format="json").json()
    users[2].post(f"/api/v1/videos/{song.pk}/comments/", {"text": "four"}, format="json")
    assert users[0].delete(f"/api/v1/comments/{first['id']}/").status_code == 204  # a placeholder now
    users[2].patch(f"/api/v1/comments/{third['id']}/", {"text": "edited"}, format="json")
    with connection.cursor() as cursor:  # a like moved back three days
        cursor.execute(
            "UPDATE api_reaction SET created_at = created_at - interval '3 days' WHERE video_id = %s AND kind = 'like'"
            " AND id = (SELECT min(id) FROM api_reaction WHERE video_id = %s AND kind = 'like')",
            [song.pk, song.pk],
        )
        cursor.execute(ROLLUP_FINGERPRINTS["engagement_match"])
        assert cursor.fetchone()[0] == 0
    analyst = client_for(make_user("analyst", groups=("analysts",)))
    expected = {
        ("video", "likes"): [[str(song.pk), 2], [str(soup.pk), 1]],
        ("channel", "likes"): [[str(other.pk), 2], [str(soup.channel_id), 1]],
        ("category", "likes"): [["music", 2], ["howto", 1]],
        ("language", "likes"): [["en", 2], ["ko", 1]],
        ("tag", "likes"): [["kimchi", 3], ["music", 2], ["soup", 1]],
        ("video", "comments"): [[str(song.pk), 2], [str(soup.pk), 1]],
        ("tag", "comments"): [["kimchi", 3], ["music", 2], ["soup", 1]],
    }
    for (dimension, metric), rows in expected.items():
        body = analyst.get("/api/v1/analytics/top", {"dimension": dimension, "metric": metric}).json()
        assert body["rows"] == rows, (dimension, metric)
    # over a long range the top videos are walked down their all-time counts: the same rows
    from analytics import reports

    walks = []
    walk = reports._top_videos_by_totals
    monkeypatch.setattr(reports, "_top_videos_by_totals", lambda *args: walks.append(args[2]) or walk(*args))
    year = (TODAY - timedelta(days=365)).isoformat()
    for metric in ("likes", "comments"):
        body = analyst.get("/api/v1/analytics/top", {"metric": metric, "start": year}).json()
        assert body["rows"] == expected[("video", metric)]
        assert body["totals"] == {metric: 3}
    assert walks == ["likes", "comments"]
    filtered = analyst.get(
        "/api/v1/analytics/top", {"dimension": "tag", "metric": "likes", "category": "music"}
    ).json()
    assert filtered["rows"] == [["kimchi", 2], ["music", 2]]
    recent = analyst.get(
        "/api/v1/analytics/top", {"metric": "likes", "start": TODAY.isoformat(), "channel": other.pk}
    ).json()
    assert recent["rows"] == [[str(song.pk), 1]]  # the backdated like is outside today
    for video, likes, comments in ((soup, 1, 1), (song, 2, 2)):
        body = owner_client.get(f"/api/v1/analytics/videos/{video.pk}", {"metrics": "likes,comments"}).json()
        assert body["totals"] == {"likes": likes, "comments": comments}
    body = owner_client.get(f"/api/v1/analytics/channels/{other.pk}", {"metrics": "likes,comments"}).json()
    assert body["totals"] == {"likes": 2, "comments": 2}
    assert [row[1] for row in body["rows"] if row[1]] == [1, 1]  # the backdated like three days before
    hourly = owner_client.get(
        f"/api/v1/analytics/channels/{other.pk}",
        {
            "metrics": "likes,comments",
            "granularity": "hour",
            "start": (TODAY - timedelta(days=4)).isoformat(),
        },
    ).json()
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT to_char(date_trunc('hour', created_at, 'UTC') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:00:00"Z"'),
                      count(*) FROM api_reaction WHERE video_id = %s AND kind = 'like' GROUP BY 1""",
            [song.pk],
        )
        likes_by_hour = dict(cursor.fetchall())
    assert {row[0]: row[1] for row in hourly["rows"] if row[1]} == likes_by_hour
    assert hourly["totals"] == {"likes": 2, "comments": 2} and len(likes_by_hour) == 2


@pytest.mark.parametrize("kind", ["video", "channel"])
def test_many_viewers_are_estimated_from_a_sample(owner_client, make_video, channel, monkeypatch, kind):
    """A video's or a channel's distinct viewers are exact while few; past VIEWER_SAMPLE_ENOUGH in the
    sample of hashes 0 modulo 16 they are the sample's count times 16 over the range and in each week or
    month; where that sample holds fewer but an eighth, a quarter or a half of the hash range holds
    enough, that share's count divided by the share; and the report and the query model say `estimated`.
    By day each bucket stays exact."""
    from analytics import reports

    videos = [make_video(title="a"), make_video(title="b")]
    watched, subject, table = (
        (videos[:1], videos[0], "analytics_video_daily_viewer")
        if kind == "video"
        else (videos, channel, "analytics_channel_daily_viewer")
    )
    now = datetime.now(UTC) - timedelta(hours=1)
    events = [
        event(watched[i % len(watched)], at=now - timedelta(days=i % 10), viewer_id=f"person-{i}")
        for i in range(800)
    ]
    events += [event(watched[-1], at=now, viewer_id=f"person-{i}") for i in range(0, 800, 7)]  # come back
    assert events_ingest(raw_events=events).accepted == len(events)
    url = f"/api/v1/analytics/{kind}s/{subject.pk}"
    for granularity in ("day", "week", "month"):
        exact = owner_client.get(url, {"metrics": "unique_viewers", "granularity": granularity}).json()
        assert exact["totals"] == {"unique_viewers": 800} and "estimated" not in exact
        with connection.cursor() as cursor:  # each bucket's, its first and last days included
            label = {"day": "YYYY-MM-DD", "week": "YYYY-MM-DD", "month": "YYYY-MM"}[granularity]
            cursor.execute(
                f"SELECT to_char(date_trunc(%s, day), %s), count(DISTINCT viewer_hash) FROM {table} GROUP BY 1",
                [granularity, label],
            )
            assert {row[0]: row[1] for row in exact["rows"] if row[1]} == dict(cursor.fetchall())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(DISTINCT viewer_hash) FROM {table} WHERE (viewer_hash & 15) = 0")
        in_sample = cursor.fetchone()[0]
    assert 20 <= in_sample <= 90  # about 800 / 16
    monkeypatch.setattr(reports, "VIEWER_SAMPLE_ENOUGH", 10)
    monthly = owner_client.get(url, {"metrics": "unique_viewers", "granularity": "month"}).json()
    assert monthly["estimated"] == ["unique_viewers"]
    assert monthly["totals"]["unique_viewers"] == in_sample * 16
    daily = owner_client.get(url, {"metrics": "unique_viewers,views"}).json()
    assert daily["estimated"] == ["unique_viewers"] and daily["totals"]["unique_viewers"] == in_sample * 16
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT to_char(day, 'YYYY-MM-DD'), count(*) FROM {table} GROUP BY 1")
        per_day = dict(cursor.fetchall())
    assert {row[0]: row[1] for row in daily["rows"] if row[1]} == per_day  # exact by day
    # each week from the sixteenth where it holds VIEWER_SAMPLE_ENOUGH, else from the smallest share of
    # the hash range expected to hold it with a tenth to spare where it does, else exact (which weeks
    # take which depends on the weekday the test runs on: a sum over the weeks is no bound)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT to_char(date_trunc('week', day), 'YYYY-MM-DD'), count(DISTINCT viewer_hash),"
            f" count(DISTINCT viewer_hash) FILTER (WHERE (viewer_hash & 15) = 0),"
            " ARRAY[count(DISTINCT viewer_hash) FILTER (WHERE viewer_hash < -(2^63)::numeric + 2^64 / 8),"
            " count(DISTINCT viewer_hash) FILTER (WHERE viewer_hash < -(2^63)::numeric + 2^64 / 4),"
            " count(DISTINCT viewer_hash) FILTER (WHERE viewer_hash < 0)]"
            f" FROM {table} GROUP BY ROLLUP (1)"
        )
        weeks = {week: (n, sixteenth, below) for week, n, sixteenth, below in cursor.fetchall()}

    def by_rule(enough: int, n: int, sixteenth: int, below: list[int]) -> tuple[int, str]:
        if sixteenth >= enough:
            return sixteenth * 16, "sixteenth"
        for share, held in zip((1 / 8, 1 / 4, 1 / 2), below, strict=True):
            if sixteenth * 16 * share >= 1.1 * enough:
                return (round(held / share), f"share {share}") if held >= enough else (n, "exact")
        return n, "exact"

    ways = set()
    for enough in (10, 60):  # 60: the range's sixteenth (~50) holds too few, an eighth of the range enough
        monkeypatch.setattr(reports, "VIEWER_SAMPLE_ENOUGH", enough)
        weekly = owner_client.get(url, {"metrics": "unique_viewers", "granularity": "week"}).json()
        expected = {week: by_rule(enough, *counts) for week, counts in weeks.items()}
        ways |= {way for _, way in expected.values()}
        assert weekly["totals"]["unique_viewers"] == expected[None][0], enough
        assert {row[0]: row[1] for row in weekly["rows"] if row[1]} == {
            week: n for week, (n, _) in expected.items() if week is not None
        }, enough
        assert weekly.get("estimated") == (
            ["unique_viewers"] if any(way != "exact" for _, way in expected.values()) else None
        )
    assert {"sixteenth", "share 0.125"} <= ways, ways
    monkeypatch.setattr(reports, "VIEWER_SAMPLE_ENOUGH", 10)
    model = owner_client.get(url, {"metrics": "views,unique_viewers", "dimensions": "week"}).json()
    assert model["estimated"] == ["unique_viewers"]
    assert model["totals"]["unique_viewers"] == in_sample * 16
