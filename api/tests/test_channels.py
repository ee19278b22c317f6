import pytest

from api.models import Channel, Subscription
from tests.helpers import assert_error, ids_of_every_page

pytestmark = pytest.mark.django_db


def test_create_and_read_channel(owner_client, anon):
    response = owner_client.post(
        "/api/v1/channels/", {"handle": "seoul.eats", "name": "Seoul Eats", "country": "kr"}, format="json"
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["country"] == "KR" and created["subscriber_count"] == 0
    assert anon.get(f"/api/v1/channels/{created['id']}/").json()["handle"] == "seoul.eats"


@pytest.mark.parametrize(
    "body",
    [
        {"handle": "ab", "name": "x"},
        {"handle": "UPPER", "name": "x"},
        {"handle": "has space", "name": "x"},
        {"handle": "a" * 31, "name": "x"},
        {"handle": "fine", "name": ""},
        {"handle": "fine", "name": "x", "country": "KOR"},
        {"handle": "fine"},
    ],
)
def test_create_channel_validation(owner_client, body):
    assert_error(owner_client.post("/api/v1/channels/", body, format="json"), 400, "invalid_body")
    assert not Channel.objects.exists()


def test_duplicate_handle_is_conflict(owner_client, channel):
    response = owner_client.post(
        "/api/v1/channels/", {"handle": channel.handle, "name": "again"}, format="json"
    )
    assert_error(response, 409, "conflict")


def test_a_new_handle_in_a_patch_is_refused_and_changes_nothing(owner, owner_client, channel):
    """Handles are fixed once created (a taken one and a free one alike: test_hardening)."""
    second = owner_client.post(
        "/api/v1/channels/", {"handle": "second", "name": "Second"}, format="json"
    ).json()
    response = owner_client.patch(
        f"/api/v1/channels/{second['id']}/", {"handle": channel.handle, "name": "Renamed"}, format="json"
    )
    error = assert_error(response, 400, "invalid_body")
    assert "fixed" in error["details"]["handle"][0]
    assert Channel.objects.get(pk=second["id"]).name == "Second"  # no half-written change
    assert Channel.objects.filter(handle=channel.handle).count() == 1


def test_anonymous_cannot_create(anon):
    assert_error(
        anon.post("/api/v1/channels/", {"handle": "abc", "name": "x"}, format="json"),
        401,
        "not_authenticated",
    )


def test_only_owner_writes(channel, make_user, client_for, owner_client):
    other = client_for(make_user())
    assert_error(
        other.patch(f"/api/v1/channels/{channel.pk}/", {"name": "hijack"}, format="json"),
        403,
        "permission_denied",
    )
    assert_error(other.delete(f"/api/v1/channels/{channel.pk}/"), 403, "permission_denied")
    response = owner_client.patch(f"/api/v1/channels/{channel.pk}/", {"name": "Renamed"}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "Renamed"
    assert owner_client.delete(f"/api/v1/channels/{channel.pk}/").status_code == 204
    assert_error(owner_client.get(f"/api/v1/channels/{channel.pk}/"), 404, "not_found")


def test_channel_list_pages_with_cursor(owner, anon):
    for i in range(25):
        Channel.objects.create(owner=owner, handle=f"chan{i:02d}", name=f"Channel {i}")
    seen = ids_of_every_page(anon, "/api/v1/channels/?page_size=10")
    assert len(seen) == 25 and len(set(seen)) == 25 and seen == sorted(seen, reverse=True)


def test_subscribe_is_idempotent_and_counted(channel, make_user, client_for):
    fan = make_user()
    client = client_for(fan)
    for _ in range(2):
        response = client.put(f"/api/v1/channels/{channel.pk}/subscription")
        assert response.status_code == 200
    assert response.json()["subscriber_count"] == 1
    assert [c["id"] for c in client.get("/api/v1/me/subscriptions").json()["results"]] == [channel.pk]
    for _ in range(2):
        response = client.delete(f"/api/v1/channels/{channel.pk}/subscription")
    assert response.json()["subscriber_count"] == 0
    assert not Subscription.objects.exists()


def test_cannot_subscribe_to_own_channel(channel, owner_client):
    assert_error(owner_client.put(f"/api/v1/channels/{channel.pk}/subscription"), 400, "invalid_parameter")
    channel.refresh_from_db()
    assert channel.subscriber_count == 0


def test_subscription_needs_auth_and_existing_channel(anon, owner_client):
    assert_error(anon.put("/api/v1/channels/1/subscription"), 401, "not_authenticated")
    assert_error(owner_client.put("/api/v1/channels/999999/subscription"), 404, "not_found")
