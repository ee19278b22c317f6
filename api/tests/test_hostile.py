"""Hostile input: SQL fragments and quotes in every parameter, huge and deeply nested JSON, invalid UTF-8
and NUL bytes, 100 repeated parameters. Each answer is a clear 4xx envelope or a sane 200, never a 500."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from django.test import Client

from tests.helpers import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def without_throttling(settings):
    """Hundreds of requests from one client here; the limits have their own tests."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {}}


FRAGMENTS = [
    "'",
    '"',
    "' OR '1'='1",
    "1; DROP TABLE api_video; --",
    "'); SELECT pg_sleep(10); --",
    "\\",
    "%' AND 1=1 --",
    "$$ $tag$",
    ") | ( ! & :*",
    "<script>alert(1)</script>",
    "\u202e\ufeff😀",
    "a" * 5000,
]

READ_PATHS = [
    "/api/v1/search/videos",
    "/api/v1/videos/",
    "/api/v1/search/channels",
    "/api/v1/search/suggest",
    "/api/v1/trending/videos",
    "/api/v1/channels/",
]
PARAMETERS = [
    "q",
    "order",
    "cursor",
    "page_size",
    "category",
    "language",
    "region",
    "channel",
    "tags",
    "tags_all",
    "duration",
    "duration_min",
    "published_after",
    "facets",
    "highlight",
    "limit",
    "window",
    "meta.x",
]


def sane(response) -> None:
    assert response.status_code in {200, 400, 404}, (response.status_code, response.content[:300])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"} and body["error"]["code"] in {"invalid_parameter", "not_found"}
    text = response.content.decode()
    for leak in ("Traceback", "psycopg", "syntax error at", "LINE 1:", "django.db"):
        assert leak not in text


@pytest.mark.parametrize("path", READ_PATHS)
def test_sql_fragments_in_every_parameter(anon, video, path):
    for fragment in FRAGMENTS:
        for name in PARAMETERS:
            sane(anon.get(path, {name: fragment}))
        sane(anon.get(path, {f"meta.{fragment}": "1"}))  # as a metadata key
        sane(anon.get(path, {"meta.made_for_kids": fragment}))
    assert anon.get("/api/v1/videos/").json()["results"]  # nothing was dropped


def test_nul_bytes_and_invalid_utf8_in_the_query_string(video):
    client = Client()
    for raw in (
        "q=%00",
        "q=kim%00chi",
        "category=%00",
        "meta.a%00b=1",
        "meta.made_for_kids=%00",
        "cursor=%00",
        "q=%FF%FE",
        "tags=%C3%28",
        "q=%ED%A0%80",
        "order=%E0%80%AF",
    ):
        for path in READ_PATHS:
            sane(client.get(f"{path}?{raw}"))


def test_a_hundred_repeated_parameters(anon, video):
    same = "&".join(["category=howto"] * 100)
    assert anon.get(f"/api/v1/search/videos?{same}").status_code == 200
    distinct = "&".join(f"tags=t{i}" for i in range(100))
    assert_error(anon.get(f"/api/v1/search/videos?{distinct}"), 400, "invalid_parameter")
    many_q = "&".join(f"q=w{i}" for i in range(100))
    sane(anon.get(f"/api/v1/search/videos?{many_q}"))
    many_meta = "&".join(f"meta.k{i}=v" for i in range(100))
    sane(anon.get(f"/api/v1/videos/?{many_meta}"))


def test_deeply_nested_json_bodies(owner_client, channel, make_user, client_for):
    deep = "[" * 100_000 + "]" * 100_000  # 200 KB, under the size limit
    for path in ("/api/v1/videos/", "/api/v1/channels/", "/api/v1/auth/register"):
        assert_error(
            owner_client.generic("POST", path, deep, content_type="application/json"), 400, "invalid_body"
        )
    ingester = client_for(make_user(groups=("ingest",)))
    assert_error(
        ingester.generic("POST", "/api/v1/events/views", deep, content_type="application/json"),
        400,
        "invalid_body",
    )
    # inside an otherwise valid video's metadata: too deep for the parser, and deep but parseable
    for depth in (3000, 100):
        nested = '{"a":' * depth + "{}" + "}" * depth
        body = f'{{"channel": {channel.pk}, "title": "deep", "category": "howto", "metadata": {nested}}}'
        response = owner_client.generic("POST", "/api/v1/videos/", body, content_type="application/json")
        error = assert_error(response, 400, "invalid_body")
    assert "nested more than 32 levels" in error["message"]


def test_huge_bodies(owner_client, channel, make_user, client_for):
    big = json.dumps({"channel": channel.pk, "title": "x", "description": "y" * 2_000_000})
    assert_error(
        owner_client.generic("POST", "/api/v1/videos/", big, content_type="application/json"),
        413,
        "payload_too_large",
    )
    wide = {
        "channel": channel.pk,
        "title": "wide",
        "category": "howto",
        "metadata": {f"k{i}": i for i in range(2000)},
    }
    assert_error(owner_client.post("/api/v1/videos/", wide, format="json"), 400, "invalid_body")
    ingester = client_for(make_user(groups=("ingest",)))
    now = datetime.now(UTC) - timedelta(minutes=1)
    events = [
        {
            "event_id": f"00000000-0000-4000-8000-{i:012d}",
            "video_id": 1,
            "occurred_at": now.isoformat(),
            "watch_seconds": 1,
        }
        for i in range(5000)
    ]
    response = ingester.post("/api/v1/events/views", {"events": events}, format="json")
    assert response.status_code in {400, 413}
    assert response.json()["error"]["code"] in {"invalid_body", "payload_too_large"}


def test_invalid_utf8_and_nul_in_bodies(owner_client, channel):
    for raw in (
        b'{"title": "\xff\xfe"}',
        b"\x00\x00",
        b'{"title": "a\\u0000b", "channel": 1}',
        '{"title": "\ud800"}'.encode("utf-8", "surrogatepass"),
    ):
        response = owner_client.generic("POST", "/api/v1/videos/", raw, content_type="application/json")
        assert_error(response, 400, "invalid_body")
    response = owner_client.patch(f"/api/v1/channels/{channel.pk}/", {"name": "a\x00b"}, format="json")
    assert_error(response, 400, "invalid_body")


@pytest.mark.django_db(transaction=True)
def test_a_query_past_the_statement_timeout_answers_503(anon, video, settings):
    """In autocommit, as requests run: the anonymous budget (1 ms here) set on the session by
    StatementBudgetMiddleware; a statement cancelled by it ends its own (implicit) transaction, so the
    connection stays usable."""
    from django.db import connection

    settings.STATEMENT_TIMEOUT_ANON_MS = 1
    try:
        response = anon.get("/api/v1/search/videos", {"q": "video", "facets": "category,tags"})
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "1ms"
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
        connection.session_budget_ms = None
    if response.status_code != 200:  # a 1 ms limit fires on any real query, unless it was instant
        assert_error(response, 503, "query_timeout")


def test_bad_path_ids_are_404(anon):
    for path in (
        "/api/v1/videos/99999999999999999999/",
        "/api/v1/videos/-1/",
        f"/api/v1/videos/{quote('1 OR 1=1')}/",
    ):
        assert_error(anon.get(path), 404, "not_found")


@pytest.mark.parametrize(
    ("value", "publishable"),
    [
        ("6622-06-19T10:31:25+19:30", False),  # a time PostgreSQL stores, past the publication bound
        ("2020-06-19T10:31:25+15:30", True),  # the largest offset PostgreSQL takes, inside the bound
        ("0001-01-01T00:00:00+05:00", False),  # year 0 in UTC
        ("9999-12-31T23:59:59-05:00", False),  # year 10000 in UTC
        ("2026-13-01", False),
    ],
)
def test_times_with_offsets_postgresql_refuses(
    anon, owner_client, channel, video, value, publishable, make_user, client_for
):
    """Found by the fuzzer: offsets past ±15:59 and times that leave years 1-9999 in UTC."""
    for path in ("/api/v1/videos/", "/api/v1/search/videos"):
        sane(anon.get(path, {"published_after": value}))
        sane(anon.get(path, {"published_before": value}))
    body = {"channel": channel.pk, "title": "t", "category": "howto", "published_at": value}
    response = owner_client.post("/api/v1/videos/", body, format="json")
    if publishable:
        assert response.status_code == 201, response.content
    else:
        assert_error(response, 400, "invalid_body")
    staff = client_for(make_user(is_staff=True))
    sane(staff.get("/api/v1/analytics/top", {"start": value}))
    sane(staff.get(f"/api/v1/analytics/videos/{video.pk}", {"end": value}))
    sane(anon.get("/api/v1/trending/videos", {"window": value}))
