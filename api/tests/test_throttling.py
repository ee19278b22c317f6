"""Throttling (API.md: 429 `throttled` with `Retry-After`): per user and per anonymous client, with rates
from settings, on search, suggest, ingestion and the account endpoints."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings

from tests.helpers import assert_error

pytestmark = pytest.mark.django_db


def rates(**overrides) -> dict:
    return {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **overrides},
    }


def test_search_is_throttled_per_anonymous_client(anon):
    with override_settings(REST_FRAMEWORK=rates(search_anon="3/min")):
        for _ in range(3):
            assert anon.get("/api/v1/search/videos", {"q": "kimchi"}).status_code == 200
        throttled = anon.get("/api/v1/search/videos", {"q": "kimchi"})
        error = assert_error(throttled, 429, "throttled")
        assert 1 <= int(throttled["Retry-After"]) <= 61
        assert "available in" in error["message"]
        # the channel search shares the bucket; another address has its own; a spoofed
        # X-Forwarded-For does not open a new one (NUM_PROXIES=0)
        assert anon.get("/api/v1/search/channels", {"q": "x"}).status_code == 429
        assert anon.get("/api/v1/search/videos", REMOTE_ADDR="10.0.0.9").status_code == 200
        assert anon.get("/api/v1/search/videos", HTTP_X_FORWARDED_FOR="10.0.0.10").status_code == 429
        # endpoints without a scope are not throttled
        assert anon.get("/api/v1/videos/").status_code == 200


def test_signed_in_callers_have_their_own_bucket_and_rate(anon, make_user, client_for):
    alice, bob = client_for(make_user()), client_for(make_user())
    with override_settings(REST_FRAMEWORK=rates(search_anon="1/min", search_user="2/min")):
        assert anon.get("/api/v1/search/videos").status_code == 200
        assert anon.get("/api/v1/search/videos").status_code == 429
        assert [alice.get("/api/v1/search/videos").status_code for _ in range(3)] == [200, 200, 429]
        assert bob.get("/api/v1/search/videos").status_code == 200


def test_suggest_has_its_own_scope(anon):
    with override_settings(REST_FRAMEWORK=rates(search_anon="1/min", suggest_anon="2/min")):
        assert anon.get("/api/v1/search/videos").status_code == 200
        assert anon.get("/api/v1/search/videos").status_code == 429
        codes = [anon.get("/api/v1/search/suggest", {"q": "ki"}).status_code for _ in range(3)]
        assert codes == [200, 200, 429]


def test_ingestion_is_throttled_per_user(make_user, client_for):
    ingester = client_for(make_user(groups=("ingest",)))
    other = client_for(make_user(groups=("ingest",)))
    with override_settings(REST_FRAMEWORK=rates(ingest_user="2/min")):
        codes = [
            ingester.post("/api/v1/events/views", {"events": []}, format="json").status_code for _ in range(3)
        ]
        assert codes[2] == 429 and codes[:2] != [429, 429]
        assert other.post("/api/v1/events/views", {"events": []}, format="json").status_code != 429


def test_token_endpoint_is_throttled_against_password_guessing(anon, make_user):
    make_user("victim")
    with override_settings(REST_FRAMEWORK=rates(auth_anon="2/min")):
        body = {"username": "victim", "password": "guess"}
        codes = [anon.post("/api/v1/auth/token", body, format="json").status_code for _ in range(3)]
        assert codes == [400, 400, 429]


def test_a_rate_of_off_disables_a_scope(anon):
    with override_settings(REST_FRAMEWORK=rates(search_anon=None)):
        assert all(anon.get("/api/v1/search/videos").status_code == 200 for _ in range(5))


def test_every_public_read_is_throttled_per_client(anon, video):
    with override_settings(REST_FRAMEWORK=rates(read_anon="4/min")):
        paths = [
            "/api/v1/videos/",
            f"/api/v1/videos/{video.pk}/",
            "/api/v1/channels/",
            "/api/v1/trending/videos",
        ]
        assert [anon.get(path).status_code for path in paths] == [200, 200, 200, 200]
        assert_error(anon.get(f"/api/v1/videos/{video.pk}/comments/"), 429, "throttled")
        # another address has its own bucket
        assert anon.get("/api/v1/videos/", REMOTE_ADDR="10.1.2.3").status_code == 200


def test_a_refused_client_is_refused_again_without_asking_the_counters(anon, django_assert_num_queries):
    """A client that keeps sending through its 429s is answered from the process's memory of the refusal
    until its Retry-After has passed: no query for the counters (PostgreSQL, without REDIS_URL)."""
    with override_settings(REST_FRAMEWORK=rates(read_anon="2/min"), REDIS_URL=""):
        assert [anon.get("/api/v1/videos/").status_code for _ in range(3)] == [200, 200, 429]
        with django_assert_num_queries(0):
            again = anon.get("/api/v1/videos/")
        assert again.status_code == 429 and int(again["Retry-After"]) >= 1
