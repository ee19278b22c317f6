"""Input that used to give a 500, a silent no-op or a foothold (issue 18's table): each is now a clear 4xx
in the error envelope, and nothing is half-written."""

from __future__ import annotations

import socket
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from api.models import Channel, Video
from tests.helpers import assert_error
from tests.live import Gunicorn, database_url_of

pytestmark = pytest.mark.django_db


def test_a_lone_surrogate_is_a_400_in_a_filter_and_in_a_body(anon, owner_client, video):
    error = assert_error(
        anon.get("/api/v1/videos/", {"meta.definition": '"\\ud800"'}), 400, "invalid_parameter"
    )
    assert "meta.definition" in error["details"]
    assert (
        anon.get("/api/v1/videos/", {"meta.definition": '"\\ud83d\\ude00"'}).status_code == 200
    )  # a pair is text
    for body in ('{"metadata": {"k\\ud800": 1}}', '{"title": "x\\udfff"}'):
        response = owner_client.generic(
            "PATCH", f"/api/v1/videos/{video.pk}/", body, content_type="application/json"
        )
        assert_error(response, 400, "invalid_body")
    video.refresh_from_db()
    assert video.title == "김치찌개 끓이는 법"  # nothing written


def test_a_chunked_body_is_refused_not_read_as_empty(owner_client, video):
    response = owner_client.patch(
        f"/api/v1/videos/{video.pk}/", {"title": "changed"}, format="json", HTTP_TRANSFER_ENCODING="chunked"
    )
    assert_error(response, 411, "length_required")
    video.refresh_from_db()
    assert video.title != "changed"


@pytest.mark.django_db(transaction=True)
def test_a_chunked_body_through_gunicorn_is_a_411(tmp_path):
    url = database_url_of(connection.settings_dict)
    with (
        Gunicorn(database_url=url, log=tmp_path / "g.log") as server,
        socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock,
    ):
        sock.sendall(
            b"PATCH /api/v1/videos/1/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            b'10\r\n{"title": "new"}\r\n0\r\n\r\n'
        )
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 411"), answer[:200]
    assert b'"length_required"' in answer


@pytest.mark.parametrize(
    "published_at",
    ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "2004-12-31T23:59:59Z", "in an hour"],
)
def test_publication_dates_are_bounded(owner_client, channel, published_at):
    if published_at == "in an hour":
        published_at = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    body = {"channel": channel.pk, "title": "Dated", "category": "howto", "published_at": published_at}
    error = assert_error(owner_client.post("/api/v1/videos/", body, format="json"), 400, "invalid_body")
    assert "published_at" in error["details"]
    assert not Video.objects.filter(title="Dated").exists()
    body["published_at"] = "2005-04-23T20:27:00Z"  # the first video on the web's video sites
    assert owner_client.post("/api/v1/videos/", body, format="json").status_code == 201


@pytest.mark.parametrize(
    ("username", "password", "field"),
    [
        ("mina-lee", "mina-lee", "password"),  # the username itself
        ("mina-lee", "        ", "password"),  # 8 spaces
        ("sec_\u0430lice", "a-Secure-pass-91", "username"),  # a Cyrillic a posing as a Latin one
    ],
)
def test_weak_passwords_and_confusable_usernames_are_refused(anon, username, password, field):
    response = anon.post("/api/v1/auth/register", {"username": username, "password": password}, format="json")
    error = assert_error(response, 400, "invalid_body")
    assert field in error["details"]


def test_usernames_are_unique_whatever_their_case(anon):
    body = {"username": "sec_alice", "password": "a-Secure-pass-91"}
    assert anon.post("/api/v1/auth/register", body, format="json").status_code == 201
    clash = anon.post("/api/v1/auth/register", {**body, "username": "SEC_ALICE"}, format="json")
    assert_error(clash, 409, "conflict")


def test_ingestion_takes_video_ids_as_json_integers_only(make_user, client_for, video):
    ingester = client_for(make_user("strict-ingester", groups=("ingest",)))
    at = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    events = [
        {"event_id": str(uuid.uuid4()), "video_id": loose, "occurred_at": at, "watch_seconds": 10}
        for loose in (True, str(video.pk), video.pk)
    ]
    response = ingester.post("/api/v1/events/views", {"events": events}, format="json")
    assert response.status_code == 202
    body = response.json()
    assert body["accepted"] == 1
    assert [r["index"] for r in body["rejected"]] == [0, 1]
    assert all("video_id" in r["errors"] for r in body["rejected"])


def rates(**overrides) -> dict:
    from django.conf import settings

    return {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **overrides},
    }


def test_a_token_sent_along_does_not_open_a_bucket_for_password_guesses(anon, make_user):
    from django.test import override_settings

    from api.services import token_for

    make_user("victim")
    token = token_for(user=make_user("guesser"))
    body = {"username": "victim", "password": "guess"}
    with override_settings(REST_FRAMEWORK=rates(auth_anon="2/min", auth_target=None)):
        codes = [
            anon.post(
                "/api/v1/auth/token", body, format="json", HTTP_AUTHORIZATION=f"Token {token}"
            ).status_code
            for _ in range(3)
        ]
    assert codes == [400, 400, 429]


def test_guesses_at_one_account_from_many_addresses_are_held(anon, make_user):
    from django.test import override_settings

    make_user("victim")
    body = {"username": "Victim", "password": "guess"}  # any case: the same account
    with override_settings(REST_FRAMEWORK=rates(auth_anon="100/min", auth_target="2/min")):
        codes = [
            anon.post("/api/v1/auth/token", body, format="json", REMOTE_ADDR=f"10.1.0.{n}").status_code
            for n in range(3)
        ]
        other = anon.post("/api/v1/auth/token", {**body, "username": "someone"}, format="json")
    assert codes == [400, 400, 429]
    assert other.status_code == 400  # another account has its own bucket


def test_a_token_can_be_revoked_and_expires(anon, make_user, settings):
    from datetime import timedelta as td

    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from api.services import token_for

    user = make_user("leaving")
    token = token_for(user=user)
    me = {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert anon.get("/api/v1/auth/me", **me).status_code == 200
    assert anon.delete("/api/v1/auth/token", **me).status_code == 204
    assert_error(anon.get("/api/v1/auth/me", **me), 401, "not_authenticated")
    assert_error(anon.delete("/api/v1/auth/token"), 401, "not_authenticated")

    fresh = token_for(user=user)
    assert fresh != token
    Token.objects.filter(key=fresh).update(created=timezone.now() - td(days=settings.TOKEN_MAX_AGE_DAYS + 1))
    error = assert_error(
        anon.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Token {fresh}"), 401, "not_authenticated"
    )
    assert "expired" in error["message"]
    assert token_for(user=user) != fresh  # signing in again issues a new one


def test_writes_are_throttled_per_user(owner_client, video):
    from django.test import override_settings

    with override_settings(REST_FRAMEWORK=rates(write_user="3/min")):
        codes = [
            owner_client.post(
                f"/api/v1/videos/{video.pk}/comments/", {"text": f"n{n}"}, format="json"
            ).status_code
            for n in range(4)
        ]
        assert (
            owner_client.get(f"/api/v1/videos/{video.pk}/comments/").status_code == 200
        )  # reads are not writes
    assert codes == [201, 201, 201, 429]


@pytest.mark.parametrize("start", ["2026-01-01garbage", "2026-01-01T00:00:00Z", "20260101", "2026-1-1"])
def test_report_dates_are_parsed_whole(make_user, client_for, video, start):
    analyst = client_for(make_user("dates-analyst", groups=("analysts",)))
    error = assert_error(
        analyst.get(f"/api/v1/analytics/videos/{video.pk}", {"start": start}), 400, "invalid_parameter"
    )
    assert "start" in error["details"]


def test_a_videos_owner_may_delete_comments_on_it_but_not_edit_them(
    owner_client, video, make_user, client_for
):
    bob, carol = client_for(make_user("bob-commenter")), client_for(make_user("carol-bystander"))
    url = f"/api/v1/videos/{video.pk}/comments/"
    first = bob.post(url, {"text": "spam spam"}, format="json").json()
    second = bob.post(url, {"text": "more spam"}, format="json").json()
    assert_error(carol.delete(f"/api/v1/comments/{first['id']}/"), 403, "permission_denied")
    assert_error(
        owner_client.patch(f"/api/v1/comments/{first['id']}/", {"text": "edited"}, format="json"),
        403,
        "permission_denied",
    )
    assert owner_client.delete(f"/api/v1/comments/{first['id']}/").status_code == 204
    assert bob.delete(f"/api/v1/comments/{second['id']}/").status_code == 204  # and its author still may
    video.refresh_from_db()
    assert video.comment_count == 0


def test_a_handle_is_fixed_once_created(owner_client, channel, make_user):
    other_user = make_user("handle_rival")
    other = Channel.objects.create(owner=other_user, handle="taken_one", name="Other")
    for handle in (other.handle, "free_handle"):
        response = owner_client.patch(f"/api/v1/channels/{channel.pk}/", {"handle": handle}, format="json")
        error = assert_error(response, 400, "invalid_body")
        assert "fixed" in error["details"]["handle"][0]
    channel.refresh_from_db()
    assert channel.handle not in ("taken_one", "free_handle")
    # the channel's own handle sent back (a client PATCHing what it read) is no change, and no error
    same = owner_client.patch(
        f"/api/v1/channels/{channel.pk}/", {"handle": channel.handle, "name": "Renamed"}, format="json"
    )
    assert same.status_code == 200 and same.json()["name"] == "Renamed"


def test_a_handle_taken_at_creation_is_a_409(owner_client, make_user):
    other_user = make_user("handle_first")
    Channel.objects.create(owner=other_user, handle="wanted", name="First")
    response = owner_client.post("/api/v1/channels/", {"handle": "wanted", "name": "Second"}, format="json")
    assert_error(response, 409, "conflict")


def test_deleting_a_comment_keeps_the_replies_of_others(video, client_for, make_user):
    alice, bob = client_for(make_user("alice-thread")), client_for(make_user("bob-reply"))
    url = f"/api/v1/videos/{video.pk}/comments/"
    root = alice.post(url, {"text": "root"}, format="json").json()
    reply = bob.post(url, {"text": "a reply", "parent": root["id"]}, format="json").json()
    assert alice.delete(f"/api/v1/comments/{root['id']}/").status_code == 204

    # the thread stays: the root shown as deleted (no text, no author), bob's reply under it
    [shown] = alice.get(url).json()["results"]
    assert shown["id"] == root["id"] and shown["deleted"] is True
    assert shown["text"] == "" and shown["author"] is None
    replies = alice.get(url, {"parent": root["id"]}).json()["results"]
    assert [(r["id"], r["text"], r["deleted"]) for r in replies] == [(reply["id"], "a reply", False)]
    video.refresh_from_db()
    assert video.comment_count == 1  # the placeholder does not count

    # gone for writes: no edit, no second delete, no new reply to it
    assert_error(
        alice.patch(f"/api/v1/comments/{root['id']}/", {"text": "x"}, format="json"), 404, "not_found"
    )
    assert_error(alice.delete(f"/api/v1/comments/{root['id']}/"), 404, "not_found")
    late = bob.post(url, {"text": "late", "parent": root["id"]}, format="json")
    refused = assert_error(late, 400, "invalid_parameter")
    assert "deleted" in refused["details"]["parent"][0]

    # its last reply gone, the placeholder goes too
    assert bob.delete(f"/api/v1/comments/{reply['id']}/").status_code == 204
    assert alice.get(url).json()["results"] == []
    video.refresh_from_db()
    assert video.comment_count == 0


def test_a_comment_without_replies_is_deleted_outright(video, client_for, make_user):
    alice = client_for(make_user("alice-alone"))
    url = f"/api/v1/videos/{video.pk}/comments/"
    lone = alice.post(url, {"text": "alone"}, format="json").json()
    assert alice.delete(f"/api/v1/comments/{lone['id']}/").status_code == 204
    assert_error(alice.get(f"/api/v1/comments/{lone['id']}/"), 404, "not_found")


def test_anonymous_requests_have_a_shorter_statement_budget(anon, owner_client):
    def budget() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            return cursor.fetchone()[0]

    assert anon.get("/api/v1/videos/").status_code == 200
    assert budget() == "2s"
    assert owner_client.get("/api/v1/videos/").status_code == 200
    assert budget() == "5s"
    assert anon.get("/api/v1/search/videos", {"q": "x"}).status_code == 200
    assert budget() == "2s"
