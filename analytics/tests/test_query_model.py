"""The report query model (API.md, Analytics: dimensions, filters, sort, paging, compare, CSV), each answer
checked against plain SQL over the raw events."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics import query
from analytics.services import events_ingest
from analytics.tests.test_ingest import event
from api import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def today() -> date:
    return datetime.now(UTC).date()


@pytest.fixture
def analyst(make_user, client_for):
    return client_for(make_user(groups=("analysts",)))


@pytest.fixture
def watched(make_video, make_user, owner):
    """Three videos over the last 20 days: two of the owner's channel (howto/en, music/ko), one of
    another channel (music/en), seen from KR, US and JP on mobile, tv and desktop."""
    first = make_video(title="one", duration_s=100)
    second = make_video(title="two", category="music", language="ko", duration_s=200)
    other_channel = services.channel_create(owner=make_user(), handle="otherchan", name="Other", country="us")
    third = make_video(title="three", category="music", language="en", duration_s=50, channel=other_channel)
    # half past the last hour, but never yesterday: in the first hour of a day "0 days ago" is still today
    # (the tests' ranges end today; at 00:13 a range of the last 10 days lost the events of 9 days ago)
    current = datetime.now(UTC)
    now = max(
        current.replace(minute=30, second=0, microsecond=0) - timedelta(hours=1),
        current.replace(hour=0, minute=0, second=0, microsecond=0),
    )
    events = []
    plan = [
        (first, 0, "KR", "mobile", 3),
        (first, 1, "US", "tv", 2),
        (first, 9, "KR", "desktop", 4),
        (first, 15, "JP", "mobile", 1),
        (second, 0, "KR", "mobile", 5),
        (second, 2, "US", "mobile", 2),
        (second, 12, "KR", "tv", 3),
        (third, 0, "US", "mobile", 6),
        (third, 3, "KR", "mobile", 2),
        (third, 19, "JP", "desktop", 1),
    ]
    for video, days_ago, country, device, count in plan:
        for i in range(count):
            events.append(
                event(
                    video,
                    at=now - timedelta(days=days_ago),
                    watch=10.0 * (i + 1),
                    country=country,
                    device=device,
                    viewer_id=f"viewer-{i % 3}",
                )
            )
    assert events_ingest(raw_events=events).accepted == len(events)
    return first, second, third


def raw(group_by: str, where: str = "TRUE", params=None) -> dict[tuple, tuple[int, float]]:
    """Views and watch time per `group_by` (SQL over the events `x` and their videos `v`)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {group_by}, count(*), sum(x.watch_seconds) FROM analytics_view_event x "
            f"JOIN api_video v ON v.id = x.video_id WHERE {where} GROUP BY {group_by}",
            params or [],
        )
        return {tuple(r[:-2]): (r[-2], float(r[-1])) for r in cursor.fetchall()}


def rows_by_key(body: dict, ndims: int) -> dict[tuple, list]:
    return {tuple(row[:ndims]): row[ndims:] for row in body["rows"]}


def test_day_by_country_is_gap_free_for_every_country(owner_client, watched, today):
    first, _, _ = watched
    body = owner_client.get(
        f"/api/v1/analytics/videos/{first.pk}",
        {"dimensions": "day,country", "metrics": "views,watch_seconds"},
    ).json()
    assert [c["name"] for c in body["columns"]] == ["day", "country", "views", "watch_seconds"]
    assert len(body["rows"]) == 28 * 3  # every day, for each of KR, US and JP
    assert body["total_rows"] == 28 * 3
    expected = raw(
        "to_char((x.occurred_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD'), x.country",
        "x.video_id = %s",
        [first.pk],
    )
    for (day, country), (views, watch) in rows_by_key(body, 2).items():
        assert (views, watch) == expected.get((day, country), (0, 0.0)), (day, country)
    assert body["rows"][0][0] == (today - timedelta(days=27)).isoformat()
    assert body["totals"]["views"] == 10


def test_filters_combine_country_and_device(owner_client, channel, watched):
    body = owner_client.get(
        f"/api/v1/analytics/channels/{channel.pk}",
        {"dimensions": "video", "filters": "country==KR,US;device==mobile", "metrics": "views"},
    ).json()
    expected = raw(
        "x.video_id::text",
        "v.channel_id = %s AND x.country IN ('KR', 'US') AND x.device = 'mobile'",
        [channel.pk],
    )
    assert {k[0]: v[0] for k, v in rows_by_key(body, 1).items()} == {k[0]: v[0] for k, v in expected.items()}
    assert [row[1] for row in body["rows"]] == sorted((row[1] for row in body["rows"]), reverse=True)
    assert body["totals"]["views"] == sum(v[0] for v in expected.values())


@pytest.mark.parametrize(
    ("dimensions", "filters", "group_by", "where"),
    [
        ("category,country", "", "v.category, x.country", "TRUE"),
        ("category", "", "v.category", "TRUE"),
        ("country,device", "", "x.country, x.device", "TRUE"),
        ("language", "category==music", "v.language", "v.category = 'music'"),
        ("language", "device==mobile", "v.language", "x.device = 'mobile'"),
        ("device", "category==music;country==KR", "x.device", "v.category = 'music' AND x.country = 'KR'"),
        ("channel", "language==en", "v.channel_id::text", "v.language = 'en'"),
        ("channel", "category==music", "v.channel_id::text", "v.category = 'music'"),
        (
            "channel",
            "category==music;language==ko",
            "v.channel_id::text",
            "v.category = 'music' AND v.language = 'ko'",
        ),
        ("channel,category", "", "v.channel_id::text, v.category", "TRUE"),
        ("channel,language", "category==music", "v.channel_id::text, v.language", "v.category = 'music'"),
        (
            "channel",
            "category==music;country==KR",
            "v.channel_id::text",
            "v.category = 'music' AND x.country = 'KR'",
        ),
        ("video,device", "country==US", "x.video_id::text, x.device", "x.country = 'US'"),
    ],
)
def test_catalogue_report_matches_raw_events(analyst, watched, dimensions, filters, group_by, where):
    body = analyst.get(
        "/api/v1/analytics/report",
        {"dimensions": dimensions, "filters": filters, "metrics": "views,watch_seconds"},
    ).json()
    ndims = len(dimensions.split(","))
    got = {k: (v[0], v[1]) for k, v in rows_by_key(body, ndims).items()}
    assert got == raw(group_by, where)
    assert body["totals"]["views"] == sum(v[0] for v in got.values())


def test_catalogue_default_series_from_the_cube_of_every_sum(analyst, watched, today):
    body = analyst.get("/api/v1/analytics/report").json()
    assert len(body["rows"]) == 28 and body["rows"][-1][0] == today.isoformat()
    daily = raw("(x.occurred_at AT TIME ZONE 'UTC')::date")
    assert [row[1] for row in body["rows"]] == [
        daily.get((today - timedelta(days=27 - i),), (0, 0.0))[0] for i in range(28)
    ]
    assert body["totals"]["views"] == 29


def test_same_answer_from_the_catalogue_cube_and_the_video_cube(analyst, watched):
    """A report that filters on every video reads the videos' cube; without that filter the catalogue's."""
    ids = ",".join(str(v.pk) for v in watched)
    plain = analyst.get(
        "/api/v1/analytics/report", {"dimensions": "day,device", "filters": "country==KR"}
    ).json()
    by_video = analyst.get(
        "/api/v1/analytics/report", {"dimensions": "day,device", "filters": f"country==KR;video=={ids}"}
    ).json()
    assert plain["rows"] == by_video["rows"] and plain["totals"] == by_video["totals"]


@pytest.mark.parametrize(
    ("filters", "table", "indexes"),
    [
        ("category==music", "analytics_channel_cube", {"analytics_channel_cube_pkey"}),
        ("language==ko", "analytics_channel_cube", {"analytics_channel_cube_language"}),
        (
            "category==music;language==ko",
            "analytics_channel_cube",
            {"analytics_channel_cube_pkey", "analytics_channel_cube_language"},
        ),
        # a field the channels' cube does not hold, or a channel filter (the videos' cube's channel index)
        ("category==music;country==KR", "analytics_video_cube", None),
        ("category==music;channel==1", "analytics_video_cube", None),
    ],
)
def test_channels_by_category_or_language_read_the_channel_cube(analyst, watched, filters, table, indexes):
    """The catalogue by channel, filtered by category or language, reads the channels' cube (migrations_sql/
    0035) through the index of the filtered field, the sums from the index alone."""
    params = {"dimensions": "channel", "filters": filters, "max_results": 25}
    with CaptureQueriesContext(connection) as captured:
        assert analyst.get("/api/v1/analytics/report", params).status_code == 200
    (statement,) = [q["sql"] for q in captured.captured_queries if "sum(views)" in q["sql"]][:1]
    cubes = {name for name in ("analytics_channel_cube", "analytics_video_cube") if name in statement}
    assert cubes == {table}
    if indexes is None:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: ask whether the index serves it
        cursor.execute("EXPLAIN (FORMAT JSON) " + statement)
        raw_plan = cursor.fetchone()[0]
    plan = (json.loads(raw_plan) if isinstance(raw_plan, str) else raw_plan)[0]["Plan"]
    scans = [node for node in plan_nodes(plan) if node.get("Relation Name") == table]
    assert [node["Node Type"] for node in scans] == ["Index Only Scan"] and scans[0]["Index Name"] in indexes
    assert "day >=" in scans[0]["Index Cond"]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/analytics/report", {"dimensions": "day", "metrics": "likes,comments"}),
        ("/api/v1/analytics/top", {"dimension": "channel", "metric": "likes"}),
    ],
)
def test_likes_and_comments_of_the_catalogue_are_read_from_the_index_alone(analyst, watched, path, params):
    """The catalogue's likes and comments by day, and its top channels by likes, sum the likes and
    comments per video and day from its primary key's index, which holds the channel and the sums
    (migrations_sql/0039), not from its rows."""
    with CaptureQueriesContext(connection) as captured:
        assert analyst.get(path, params).status_code == 200
    (statement,) = [
        q["sql"] for q in captured.captured_queries if "analytics_video_daily_engagement" in q["sql"]
    ]
    with connection.cursor() as cursor:
        # a tiny table: ask whether the index alone serves it (one that lacks a column is an Index Scan)
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + statement)
        raw_plan = cursor.fetchone()[0]
    plan = (json.loads(raw_plan) if isinstance(raw_plan, str) else raw_plan)[0]["Plan"]
    scans = [
        node for node in plan_nodes(plan) if node.get("Relation Name") == "analytics_video_daily_engagement"
    ]
    assert [(node["Node Type"], node.get("Index Name")) for node in scans] == [
        ("Index Only Scan", "analytics_video_daily_engagement_pkey")
    ]


def plan_nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


def test_average_view_percentage_is_watch_time_over_duration(owner_client, watched):
    first, _, _ = watched
    body = owner_client.get(
        f"/api/v1/analytics/videos/{first.pk}",
        {"dimensions": "country", "metrics": "views,average_view_seconds,average_view_percentage"},
    ).json()
    expected = raw("x.country", "x.video_id = %s", [first.pk])
    for (country,), (views, average, percentage) in rows_by_key(body, 1).items():
        n, watch = expected[(country,)]
        assert views == n and average == pytest.approx(watch / n, abs=1e-3)
        assert percentage == pytest.approx(100 * watch / (n * 100), abs=0.01)


def test_sort_and_paging(analyst, watched):
    everything = analyst.get("/api/v1/analytics/report", {"dimensions": "video", "sort": "-views"}).json()
    views = [row[1] for row in everything["rows"]]
    assert views == sorted(views, reverse=True) and len(views) == 3
    second = analyst.get(
        "/api/v1/analytics/report",
        {"dimensions": "video", "sort": "-views", "max_results": 1, "start_index": 2},
    ).json()
    assert second["rows"] == everything["rows"][1:2]
    assert second["totals"] == everything["totals"]  # totals are over every row, not the page
    ascending = analyst.get("/api/v1/analytics/report", {"dimensions": "country", "sort": "country"}).json()
    assert [row[0] for row in ascending["rows"]] == ["JP", "KR", "US"]


def test_likes_and_comments_beside_views(owner_client, channel, watched, make_user):
    first, second, _ = watched
    fan = make_user()
    services.reaction_set(user=fan, video_id=first.pk, kind="like")
    services.comment_create(author=fan, video_id=second.pk, text="nice")
    body = owner_client.get(
        f"/api/v1/analytics/channels/{channel.pk}", {"dimensions": "video", "metrics": "views,likes,comments"}
    ).json()
    rows = rows_by_key(body, 1)
    assert rows[(str(first.pk),)][1:] == [1, 0] and rows[(str(second.pk),)][1:] == [0, 1]
    assert body["totals"]["likes"] == 1 and body["totals"]["comments"] == 1


def test_compare_previous_period_day_by_day(owner_client, watched, today):
    first, _, _ = watched
    start, end = today - timedelta(days=9), today
    body = owner_client.get(
        f"/api/v1/analytics/videos/{first.pk}",
        {"start": start, "end": end, "dimensions": "day", "metrics": "views", "compare": "previous_period"},
    ).json()
    assert [c["name"] for c in body["columns"]] == ["day", "views", "views_previous", "views_change"]
    assert body["compare"] == {
        "kind": "previous_period",
        "start": (start - timedelta(days=10)).isoformat(),
        "end": (end - timedelta(days=10)).isoformat(),
    }
    daily = raw("(x.occurred_at AT TIME ZONE 'UTC')::date", "x.video_id = %s", [first.pk])
    for day, views, previous, change in body["rows"]:
        current = date.fromisoformat(day)
        assert views == daily.get((current,), (0, 0))[0]
        assert previous == daily.get((current - timedelta(days=10),), (0, 0))[0]
        assert change == (None if not previous else round((views - previous) / previous, 4))
    assert body["totals"]["views"] == 9 and body["totals"]["views_previous"] == 1
    assert body["totals"]["views_change"] == 8.0


def test_compare_by_week_keeps_weekdays(owner_client, watched, today):
    first, _, _ = watched
    body = owner_client.get(
        f"/api/v1/analytics/videos/{first.pk}",
        {
            "start": today - timedelta(days=9),
            "end": today,
            "dimensions": "week",
            "compare": "previous_period",
        },
    ).json()
    earlier = date.fromisoformat(body["compare"]["start"])
    assert (today - timedelta(days=9) - earlier).days % 7 == 0
    assert len(body["rows"]) in (2, 3)


def test_compare_previous_year_is_empty_before_the_events(owner_client, watched):
    first, _, _ = watched
    body = owner_client.get(
        f"/api/v1/analytics/videos/{first.pk}", {"dimensions": "country", "compare": "previous_year"}
    ).json()
    assert all(row[2] == 0 and row[3] is None for row in body["rows"])
    assert body["totals"]["views_change"] is None


def test_unique_viewers_in_the_model(owner_client, watched):
    first, _, _ = watched
    body = owner_client.get(
        f"/api/v1/analytics/videos/{first.pk}",
        {"dimensions": "week", "metrics": "views,unique_viewers", "sort": "week"},
    ).json()
    assert body["totals"]["unique_viewers"] == 3
    assert sum(row[1] for row in body["rows"]) == 10


def test_top_takes_the_query_model(analyst, watched):
    body = analyst.get(
        "/api/v1/analytics/top", {"dimensions": "country", "filters": "device==mobile", "metrics": "views"}
    ).json()
    assert {row[0]: row[1] for row in body["rows"]} == {
        k[0]: v[0] for k, v in raw("x.country", "x.device = 'mobile'").items()
    }
    legacy = analyst.get("/api/v1/analytics/top", {"dimension": "country", "limit": 2}).json()
    assert len(legacy["rows"]) == 2 and "start_index" not in legacy


def test_hourly_catalogue_report_of_one_channel(analyst, channel, watched):
    body = analyst.get(
        "/api/v1/analytics/report",
        {"dimensions": "hour", "filters": f"channel=={channel.pk}", "start": datetime.now(UTC).date()},
    ).json()
    assert len(body["rows"]) == 24
    assert (
        body["totals"]["views"]
        == raw("1", "v.channel_id = %s AND x.occurred_at >= %s", [channel.pk, datetime.now(UTC).date()]).get(
            (1,), (0, 0)
        )[0]
    )


@pytest.mark.parametrize("how", [{"format": "csv"}, {"HTTP_ACCEPT": "text/csv"}])
def test_csv(owner_client, watched, how):
    first, _, _ = watched
    extra = {k: v for k, v in how.items() if k.startswith("HTTP_")}
    query_params = {
        "dimensions": "day,country",
        **{k: v for k, v in how.items() if not k.startswith("HTTP_")},
    }
    response = owner_client.get(f"/api/v1/analytics/videos/{first.pk}", query_params, **extra)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="video-{first.pk}.csv"'
    table = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    assert table[0] == ["day", "country", "views", "watch_seconds"]
    body = owner_client.get(f"/api/v1/analytics/videos/{first.pk}", {"dimensions": "day,country"}).json()
    assert table[1:] == [[str(v) for v in row] for row in body["rows"]]


def test_csv_of_a_legacy_series_and_errors_stay_json(owner_client, watched):
    first, _, _ = watched
    series = owner_client.get(f"/api/v1/analytics/videos/{first.pk}", {"format": "csv"})
    lines = b"".join(series.streaming_content).decode().splitlines()
    assert lines[0] == "day,views,watch_seconds" and len(lines) == 29
    error = owner_client.get(f"/api/v1/analytics/videos/{first.pk}", {"format": "csv", "metrics": "nope"})
    assert error.status_code == 400 and error["Content-Type"] == "application/json"
    assert error.json()["error"]["code"] == "invalid_parameter"


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"metrics": "views,bogus", "dimensions": "day"}, "metrics"),
        ({"dimensions": "day,planet"}, "dimensions"),
        ({"dimensions": "day,country,device"}, "dimensions"),
        ({"dimensions": "country,day"}, "dimensions"),
        ({"dimensions": "day,week"}, "dimensions"),
        ({"filters": "planet==mars"}, "filters"),
        ({"filters": "country=KR"}, "filters"),
        ({"filters": "country==Korea"}, "filters"),
        ({"filters": "device==phone"}, "filters"),
        ({"filters": "video==abc"}, "filters"),
        ({"filters": "country==KR;country==JP"}, "filters"),
        ({"dimensions": "country", "metrics": "likes"}, "metrics"),
        ({"filters": "device==tv", "metrics": "comments"}, "metrics"),
        ({"dimensions": "country", "metrics": "unique_viewers"}, "metrics"),
        ({"dimensions": "hour,country"}, "dimensions"),
        ({"dimensions": "hour", "filters": "country==KR"}, "filters"),
        ({"dimensions": "day", "start": "2026-11-10", "end": "2026-11-01"}, "start"),
        ({"dimensions": "day", "start": "2020-01-01", "end": "2026-11-01"}, "start"),
        ({"dimensions": "day", "compare": "last_decade"}, "compare"),
        ({"dimensions": "day", "sort": "-likes"}, "sort"),
        ({"dimensions": "day", "max_results": 0}, "max_results"),
        ({"dimensions": "day", "max_results": 1001}, "max_results"),
        ({"dimensions": "day", "start_index": "x"}, "start_index"),
    ],
)
def test_bad_combinations_are_400s_naming_the_parameter(owner_client, watched, params, parameter):
    first, _, _ = watched
    response = owner_client.get(f"/api/v1/analytics/videos/{first.pk}", params)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_parameter" and parameter in error["details"], error


def test_catalogue_report_needs_no_video_or_channel_for_hours_only(analyst):
    response = analyst.get("/api/v1/analytics/report", {"dimensions": "hour"})
    assert response.status_code == 400 and "filters" in response.json()["error"]["details"]


def test_permissions(client_for, make_user, owner_client, watched, anon):
    _, _, third = watched
    assert anon.get("/api/v1/analytics/report").status_code == 401
    assert owner_client.get("/api/v1/analytics/report").status_code == 403
    assert (
        owner_client.get(f"/api/v1/analytics/videos/{third.pk}", {"dimensions": "country"}).status_code == 403
    )
    staff = client_for(make_user(is_staff=True))
    assert staff.get("/api/v1/analytics/report", {"dimensions": "country"}).status_code == 200


def test_buckets_of_each_time_dimension():
    start, end = date(2026, 1, 30), date(2026, 3, 2)
    assert query.buckets("month", start, end) == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    assert query.buckets("week", start, end)[0] == date(2026, 1, 26)  # a Monday
    assert len(query.buckets("day", start, end)) == 32
    assert len(query.buckets("hour", start, start)) == 24


@pytest.mark.parametrize("first_batch", [1, 2, 200])
@pytest.mark.parametrize(
    "params",
    [
        {"dimensions": "video"},
        {"dimensions": "video", "filters": "country==KR", "max_results": 2},
        {"dimensions": "video", "filters": "device==mobile;category==music", "sort": "-watch_seconds"},
        {"dimensions": "video", "max_results": 1, "start_index": 2, "metrics": "views,likes"},
    ],
)
def test_top_videos_walked_down_their_totals_equal_the_aggregate(
    analyst, watched, monkeypatch, first_batch, params
):
    assert_walk_equals_aggregate(analyst, monkeypatch, "videos", params, first_batch=first_batch)


def assert_walk_equals_aggregate(analyst, monkeypatch, kind: str, params: dict, *, first_batch: int) -> None:
    """The report of `params` answered by the walk of `kind` (videos or channels, batches from
    `first_batch`) is the one the aggregate gives, and has rows."""
    from analytics import reports

    monkeypatch.setattr(reports, "TOP_WALK_FIRST", first_batch)
    walks = []
    walk = getattr(query, f"_top_{kind}_walk")
    monkeypatch.setattr(query, f"_top_{kind}_walk", lambda *args: walks.append(1) or walk(*args))
    walked = analyst.get("/api/v1/analytics/report", params).json()
    assert walks, "the walk did not answer"
    monkeypatch.setattr(query, f"_walks_{kind}", lambda _query: False)
    aggregated = analyst.get("/api/v1/analytics/report", params).json()
    assert walked == aggregated and walked["rows"]


@pytest.mark.parametrize("first_batch", [1, 200])
@pytest.mark.parametrize(
    "params",
    [
        {"dimensions": "channel"},
        {"dimensions": "channel", "filters": "country==KR", "max_results": 1},
        {"dimensions": "channel", "filters": "device==mobile,tv", "sort": "-watch_seconds"},
        {
            "dimensions": "channel",
            "max_results": 1,
            "start_index": 2,
            "metrics": "views,likes,average_view_seconds",
        },
        {"dimensions": "channel", "compare": "previous_period", "start": "{ten_days_ago}"},
    ],
)
def test_top_channels_walked_down_their_totals_equal_the_aggregate(
    analyst, watched, monkeypatch, today, first_batch, params
):
    """The catalogue's top channels, unfiltered or by a country or a device, walked down the channels'
    totals over all time (analytics_channel_totals) from the channels' daily rollups, are the rows and
    totals the aggregate over the cubes gives."""
    ten_days_ago = str(today - timedelta(days=10))
    params = {k: v.format(ten_days_ago=ten_days_ago) if isinstance(v, str) else v for k, v in params.items()}
    assert_walk_equals_aggregate(analyst, monkeypatch, "channels", params, first_batch=first_batch)


@pytest.mark.parametrize(
    "params",
    [
        {"dimensions": "channel", "filters": "category==music"},  # the channels' cube
        {"dimensions": "channel", "filters": "country==KR;device==mobile"},  # two fields
        {"dimensions": "channel", "metrics": "views,average_view_percentage"},  # no duration in the rollups
    ],
)
def test_top_channels_not_walked(analyst, watched, monkeypatch, params):
    monkeypatch.setattr(query, "_top_channels_walk", lambda *args: pytest.fail("walked"))
    assert analyst.get("/api/v1/analytics/report", params).status_code == 200


def test_a_compared_top_gives_the_earlier_values_of_its_own_rows(analyst, make_video, today):
    """The earlier range's values are those of this range's rows, also of a row outside the earlier
    range's own top."""
    now = datetime.now(UTC).replace(minute=30, second=0, microsecond=0) - timedelta(hours=1)
    rising, fading = make_video(title="rising"), make_video(title="fading")
    events = [event(rising, at=now) for _ in range(5)] + [event(fading, at=now) for _ in range(2)]
    events += [event(rising, at=now - timedelta(days=9)) for _ in range(1)]
    events += [event(fading, at=now - timedelta(days=9)) for _ in range(6)]
    assert events_ingest(raw_events=events).accepted == len(events)
    body = analyst.get(
        "/api/v1/analytics/report",
        {
            "start": today - timedelta(days=6),
            "end": today,
            "dimensions": "video",
            "metrics": "views",
            "max_results": 1,
            "compare": "previous_period",
        },
    ).json()
    assert body["rows"] == [[str(rising.pk), 5, 1, 4.0]]
    assert body["totals"] == {"views": 7, "views_previous": 7, "views_change": 0.0}
