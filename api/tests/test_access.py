"""Access, table-driven: every endpoint of API.md by (anonymous, another user, the owner, an analyst, an
ingest user, staff), against the permissions of API.md. Catalogue, search and trending reads are public;
writes need a token and catalogue writes the owner (staff included: staff are not owners); channel and
video reports need the owner, `analysts` or staff; `top` needs `analysts` or staff; ingestion needs
`ingest` or staff."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from api import services

pytestmark = pytest.mark.django_db

ROLES = ("anon", "other", "owner", "analyst", "ingest", "staff")
PUBLIC = dict.fromkeys(ROLES, 200)


def signed_in(code: int) -> dict[str, int]:
    return {"anon": 401, **dict.fromkeys(ROLES[1:], code)}


def owner_only(code: int) -> dict[str, int]:
    return {"anon": 401, "other": 403, "owner": code, "analyst": 403, "ingest": 403, "staff": 403}


REPORT = {"anon": 401, "other": 403, "owner": 200, "analyst": 200, "ingest": 403, "staff": 200}
TOP = {"anon": 401, "other": 403, "owner": 403, "analyst": 200, "ingest": 403, "staff": 200}
INGEST = {"anon": 401, "other": 403, "owner": 403, "analyst": 403, "ingest": 202, "staff": 202}


def event_batch(world) -> dict:
    at = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    return {
        "events": [
            {
                "event_id": str(uuid.uuid4()),
                "video_id": world["video"],
                "occurred_at": at,
                "watch_seconds": 10,
            }
        ]
    }


CASES = [
    ("GET", "/healthz", None, PUBLIC),
    ("GET", "/api/schema/", None, PUBLIC),
    ("GET", "/api/v1/auth/me", None, signed_in(200)),
    (
        "POST",
        "/api/v1/auth/register",
        lambda w: {"username": f"new-{uuid.uuid4().hex[:8]}", "password": "A-long-enough-pw-42"},
        dict.fromkeys(ROLES, 201),
    ),
    ("POST", "/api/v1/auth/token", lambda w: {"username": "owner", "password": "pw-Long-enough-42"}, PUBLIC),
    ("GET", "/api/v1/channels/", None, PUBLIC),
    (
        "POST",
        "/api/v1/channels/",
        lambda w: {"handle": f"h{uuid.uuid4().hex[:10]}", "name": "New"},
        signed_in(201),
    ),
    ("GET", "/api/v1/channels/{channel}/", None, PUBLIC),
    ("PATCH", "/api/v1/channels/{channel}/", lambda w: {"name": "Renamed"}, owner_only(200)),
    ("DELETE", "/api/v1/channels/{channel}/", None, owner_only(204)),
    ("PUT", "/api/v1/channels/{channel}/subscription", None, {**signed_in(200), "owner": 400}),
    ("DELETE", "/api/v1/channels/{channel}/subscription", None, signed_in(200)),  # idempotent
    ("GET", "/api/v1/me/subscriptions", None, signed_in(200)),
    ("GET", "/api/v1/videos/", None, PUBLIC),
    (
        "POST",
        "/api/v1/videos/",
        lambda w: {"channel": w["channel"], "title": "New", "category": "howto"},
        owner_only(201),  # a channel the caller does not own: 403, staff included
    ),
    ("GET", "/api/v1/videos/{video}/", None, PUBLIC),
    ("PATCH", "/api/v1/videos/{video}/", lambda w: {"title": "Renamed"}, owner_only(200)),
    ("DELETE", "/api/v1/videos/{video}/", None, owner_only(204)),
    ("PUT", "/api/v1/videos/{video}/reaction", lambda w: {"kind": "like"}, signed_in(200)),
    ("DELETE", "/api/v1/videos/{video}/reaction", None, signed_in(200)),
    ("GET", "/api/v1/videos/{video}/comments/", None, PUBLIC),
    ("POST", "/api/v1/videos/{video}/comments/", lambda w: {"text": "Nice"}, signed_in(201)),
    ("PATCH", "/api/v1/comments/{comment}/", lambda w: {"text": "Edited"}, owner_only(200)),
    ("DELETE", "/api/v1/comments/{comment}/", None, owner_only(204)),
    ("GET", "/api/v1/search/videos?q=kimchi", None, PUBLIC),
    ("GET", "/api/v1/search/channels?q=cooking", None, PUBLIC),
    ("GET", "/api/v1/search/suggest?q=ki", None, PUBLIC),
    ("GET", "/api/v1/trending/videos", None, PUBLIC),
    ("POST", "/api/v1/events/views", event_batch, INGEST),
    ("GET", "/api/v1/analytics/videos/{video}", None, REPORT),
    ("GET", "/api/v1/analytics/channels/{channel}", None, REPORT),
    ("GET", "/api/v1/analytics/top", None, TOP),
]


@pytest.fixture
def world(make_user, channel, make_video):
    owner = channel.owner
    video = make_video(title="Kimchi stew")
    comment = services.comment_create(author=owner, video_id=video.pk, text="First")
    users = {
        "owner": owner,
        "other": make_user("other"),
        "analyst": make_user("analyst", groups=("analysts",)),
        "ingest": make_user("ingester", groups=("ingest",)),
        "staff": make_user("staff", is_staff=True),
    }
    clients = {"anon": APIClient()}
    for role, user in users.items():
        clients[role] = APIClient()
        clients[role].credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    services.channel_create(owner=users["other"], handle="otherchan", name="Other")
    return {"channel": channel.pk, "video": video.pk, "comment": comment.pk, "clients": clients}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "path", "body", "expected"), CASES, ids=[f"{m} {p}" for m, p, *_ in CASES]
)
def test_access(world, settings, role, method, path, body, expected):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {}}
    client = world["clients"][role]
    url = path.format(**world)
    data = body(world) if body else None
    send = getattr(client, method.lower())
    response = send(url, data, format="json") if data else send(url)
    assert response.status_code == expected[role], (role, method, url, response.content[:300])
    if response.status_code >= 400:
        assert response.json()["error"]["status"] == response.status_code
