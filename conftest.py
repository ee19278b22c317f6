"""Shared fixtures. Every test runs against a real PostgreSQL (config.testdb starts an embedded one when
DATABASE_URL is unset)."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from api import services
from api.models import Channel, Video

_counter = itertools.count(1)


@pytest.fixture
def anon() -> APIClient:
    return APIClient()


@pytest.fixture
def make_user(db):
    def make(username: str | None = None, *, groups: tuple[str, ...] = (), is_staff: bool = False) -> User:
        user = User.objects.create_user(
            username=username or f"user{next(_counter)}", password="pw-Long-enough-42", is_staff=is_staff
        )
        for name in groups:
            user.groups.add(Group.objects.get_or_create(name=name)[0])
        return user

    return make


@pytest.fixture
def client_for():
    def make(user: User) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def owner(make_user) -> User:
    return make_user("owner")


@pytest.fixture
def owner_client(owner, client_for) -> APIClient:
    return client_for(owner)


@pytest.fixture
def channel(owner) -> Channel:
    return services.channel_create(owner=owner, handle="cookingmama", name="Cooking Mama", country="kr")


@pytest.fixture
def make_video(channel):
    def make(**fields) -> Video:
        defaults = {
            "title": f"Video {next(_counter)}",
            "category": "howto",
            "language": "en",
            "region": "US",
            "duration_s": 300,
        }
        target = fields.pop("channel", channel)
        return services.video_create(channel=target, **{**defaults, **fields})

    return make


@pytest.fixture
def video(make_video) -> Video:
    return make_video(
        title="김치찌개 끓이는 법",
        tags=["Korean Food", "recipe"],
        language="ko",
        region="KR",
        metadata={"definition": "hd", "captions": ["ko", "en"], "made_for_kids": False},
    )


@pytest.fixture(autouse=True)
def _no_response_cache(settings):
    """Tests see every write at once: no trending response cache unless a test turns it on; and each test
    starts with fresh throttle counters (and no bucket remembered as refused)."""
    from django.core.cache import cache

    from api import throttling

    settings.ANALYTICS_TRENDING_CACHE_SECONDS = 0
    cache.clear()
    throttling._refused.clear()


@pytest.fixture(autouse=True)
def _truncate_analytics_after_transactional_tests(request):
    """A transactional test's flush empties the models' tables only: the raw-SQL tables (events, rollups,
    suggestion changes, throttle counters) are emptied here, so no test sees another's."""
    yield
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        from django.db import connection

        from analytics.services import ENGAGEMENT_TABLE, ROLLUPS_TABLES

        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE analytics_view_event, analytics_trending_window, analytics_trending_snapshot, "
                "search_suggestion_change, api_rate_counter, "
                + ", ".join((*ROLLUPS_TABLES, ENGAGEMENT_TABLE))
            )


@pytest.fixture(autouse=True)
def _fresh_search_caches():
    """Each test reads the catalogue's stemmed languages and the synonym sets afresh (search caches them
    per process)."""
    from search.query import catalogue_languages
    from search.synonyms import synonym_sets

    catalogue_languages.clear()
    synonym_sets.clear()


@pytest.fixture(autouse=True)
def _search_log_in_the_test(settings):
    """Search records stay in the buffer until a test flushes them on its own connection (no writer
    thread outside the test's transaction)."""
    from search.querylog import recorder

    settings.SEARCH_LOG_FLUSH_S = 0
    recorder.clear()
    yield
    recorder.clear()
