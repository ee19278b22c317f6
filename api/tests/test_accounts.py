import pytest

from tests.helpers import assert_error

pytestmark = pytest.mark.django_db


def test_register_returns_token_that_authenticates(anon):
    response = anon.post(
        "/api/v1/auth/register", {"username": "mina", "password": "a-Secure-pass-91"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["username"] == "mina" and body["token"]
    anon.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    me = anon.get("/api/v1/auth/me").json()
    assert me == {"id": body["id"], "username": "mina", "channels": [], "groups": []}


def test_register_duplicate_username_is_conflict(anon, make_user):
    make_user("taken")
    response = anon.post(
        "/api/v1/auth/register", {"username": "taken", "password": "a-Secure-pass-91"}, format="json"
    )
    assert_error(response, 409, "conflict")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "x"}, "password"),
        ({"password": "a-Secure-pass-91"}, "username"),
        ({"username": "bad name!", "password": "a-Secure-pass-91"}, "username"),
        ({"username": "u" * 151, "password": "a-Secure-pass-91"}, "username"),
        ({"username": "short", "password": "123"}, "password"),
        ({"username": 12, "password": "a-Secure-pass-91"}, "username"),
        ({"username": "ok", "password": "a-Secure-pass-91", "email": "nope"}, "email"),
    ],
)
def test_register_validation(anon, body, field):
    error = assert_error(anon.post("/api/v1/auth/register", body, format="json"), 400, "invalid_body")
    assert field in error["details"]


def test_token_for_good_and_bad_credentials(anon, make_user):
    make_user("jun")
    good = anon.post(
        "/api/v1/auth/token", {"username": "jun", "password": "pw-Long-enough-42"}, format="json"
    )
    assert good.status_code == 200 and good.json()["token"]
    bad = anon.post("/api/v1/auth/token", {"username": "jun", "password": "wrong"}, format="json")
    assert_error(bad, 400, "invalid_body")


def test_me_needs_token(anon):
    assert_error(anon.get("/api/v1/auth/me"), 401, "not_authenticated")
    anon.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert_error(anon.get("/api/v1/auth/me"), 401, "not_authenticated")


def test_me_lists_channels_and_groups(make_user, client_for):
    user = make_user("ana", groups=("analysts",))
    client = client_for(user)
    client.post("/api/v1/channels/", {"handle": "ana.tv", "name": "Ana TV"}, format="json")
    me = client.get("/api/v1/auth/me").json()
    assert me["groups"] == ["analysts"]
    assert [c["handle"] for c in me["channels"]] == ["ana.tv"]
