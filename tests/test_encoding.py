"""Encodings no client should send, generated (issue 18): strings holding lone UTF-16 surrogates (as JSON
escapes in bodies and `meta.` filters, and as their CESU-8 bytes in query strings), invalid UTF-8, NUL and
other control characters, in every text field of every writing endpoint and in the search and list
parameters. Each answer is a 2xx or a 4xx in the error envelope, never a 5xx, and a refused write leaves
nothing behind."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.models import Channel, Comment, Video

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)

# text with lone surrogates, NULs and controls among ordinary letters (Hangul included)
hostile_text = st.text(
    alphabet=st.one_of(
        st.characters(categories=["Cs"]),  # lone surrogates
        st.sampled_from(["\x00", "\x01", "\x1b", "\u2028", "\ufeff", "\uffff"]),
        st.characters(categories=["L", "N", "Zs"]),
    ),
    min_size=1,
    max_size=30,
)


@pytest.fixture
def no_throttling(monkeypatch):
    """Every example reaches validation, not a 429 (throttling has its own tests)."""
    from api.throttling import ScopedUserOrAnonThrottle

    monkeypatch.setattr(ScopedUserOrAnonThrottle, "allow_request", lambda self, request, view: True)


def escaped_json(data: dict) -> str:
    """JSON as a client would send it: surrogates as \\uXXXX escapes (json.dumps' ensure_ascii)."""
    return json.dumps(data)


def assert_not_a_server_error(response) -> None:
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"} and body["error"]["status"] == response.status_code, body


@pytest.mark.django_db
@SETTINGS
@given(text=hostile_text)
def test_hostile_text_in_every_writing_body(owner_client, channel, video, no_throttling, text):
    writes = [
        ("post", "/api/v1/channels/", {"handle": "enc_test", "name": text}),
        ("patch", f"/api/v1/channels/{channel.pk}/", {"description": text}),
        ("post", "/api/v1/videos/", {"channel": channel.pk, "title": text, "category": "howto"}),
        ("patch", f"/api/v1/videos/{video.pk}/", {"title": text, "tags": [text], "metadata": {text: text}}),
        ("post", f"/api/v1/videos/{video.pk}/comments/", {"text": text}),
        ("post", "/auth/register", {"username": text, "password": text}),
    ]
    hostile = any("\ud800" <= ch <= "\udfff" or ch == "\x00" for ch in text)
    counts_before = (Video.objects.count(), Comment.objects.count(), Channel.objects.count())
    title_before = Video.objects.get(pk=video.pk).title
    for method, path, body in writes:
        url = path if path.startswith("/api") else f"/api/v1{path}"
        response = getattr(owner_client, method)(url, escaped_json(body), content_type="application/json")
        assert_not_a_server_error(response)
        if hostile:
            assert response.status_code == 400, (path, text, response.status_code)
    if hostile:  # nothing half-written
        assert (Video.objects.count(), Comment.objects.count(), Channel.objects.count()) == counts_before
        assert Video.objects.get(pk=video.pk).title == title_before


@pytest.mark.django_db
@SETTINGS
@given(text=hostile_text)
def test_hostile_text_in_every_reading_parameter(anon, no_throttling, text):
    raw = text.encode("utf-8", "surrogatepass")  # lone surrogates as the (invalid) bytes a client may send
    for path, key in (
        ("/api/v1/search/videos", "q"),
        ("/api/v1/search/suggest", "q"),
        ("/api/v1/videos/", "tags"),
        ("/api/v1/videos/", "language"),
        ("/api/v1/search/videos", "region"),
    ):
        response = anon.generic("GET", path, QUERY_STRING=f"{key}={_percent(raw)}")
        assert_not_a_server_error(response)
    # a `meta.` filter's value is JSON: surrogates as escapes there
    response = anon.get("/api/v1/videos/", {"meta.key": json.dumps(text)})
    assert_not_a_server_error(response)
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        assert response.status_code == 400


def _percent(raw: bytes) -> str:
    return "".join(f"%{byte:02X}" for byte in raw)
