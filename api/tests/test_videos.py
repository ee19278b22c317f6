from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest

from api.models import Video
from tests.helpers import assert_error, ids_of_every_page

pytestmark = pytest.mark.django_db

VALID = {
    "title": "Kimchi stew for beginners",
    "category": "howto",
    "language": "en",
    "region": "us",
    "duration_s": 615,
    "tags": ["Korean Food", "recipe", "korean food"],
    "metadata": {"definition": "hd", "captions": ["ko", "en"], "made_for_kids": False},
}


def test_create_video_shape(owner_client, channel):
    response = owner_client.post("/api/v1/videos/", {**VALID, "channel": channel.pk}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["channel"] == {"id": channel.pk, "handle": "cookingmama", "name": "Cooking Mama"}
    assert body["tags"] == ["korean food", "recipe"]
    assert body["region"] == "US"
    assert body["view_count"] == body["like_count"] == body["comment_count"] == 0
    assert body["url"].endswith(str(body["id"])) and body["thumbnail_url"]
    assert body["published_at"].endswith("Z")
    channel.refresh_from_db()
    assert channel.video_count == 1


def test_counters_are_not_writable(owner_client, channel):
    response = owner_client.post(
        "/api/v1/videos/", {**VALID, "channel": channel.pk, "view_count": 10**9}, format="json"
    )
    assert response.json()["view_count"] == 0


def test_cannot_publish_to_someone_elses_channel(channel, make_user, client_for):
    other = client_for(make_user())
    response = other.post("/api/v1/videos/", {**VALID, "channel": channel.pk}, format="json")
    error = assert_error(response, 403, "permission_denied")
    assert "channel you own" in error["message"]
    assert not Video.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"title": ""},
        {"title": "t" * 201},
        {"description": "d" * 10_001},
        {"tags": ["t"] * 51},
        {"tags": ["x" * 65]},
        {"tags": [""]},
        {"tags": "not-a-list"},
        {"category": "cooking"},
        {"duration_s": -1},
        {"duration_s": 86_401},
        {"duration_s": "long"},
        {"duration_s": True},
        {"metadata": []},
        {"metadata": {"blob": "x" * 17_000}},
        {"title": 5},
        {"title": "nul\x00byte"},
        {"published_at": "yesterday"},
        {"language": "kor"},
        {"channel": "one"},
    ],
)
def test_create_video_validation(owner_client, channel, change):
    response = owner_client.post("/api/v1/videos/", {**VALID, "channel": channel.pk, **change}, format="json")
    assert_error(response, 400, "invalid_body")
    assert not Video.objects.exists()


def test_malformed_bodies(owner_client):
    for raw in (b"{", b"[1, 2]", b"\xff\xfe", b"NaN", b'"just a string"'):
        response = owner_client.generic("POST", "/api/v1/videos/", raw, content_type="application/json")
        assert response.status_code == 400, raw
        assert response.json()["error"]["code"] == "invalid_body"
    response = owner_client.generic("POST", "/api/v1/videos/", b"title=x", content_type="text/plain")
    assert_error(response, 415, "unsupported_media_type")


def test_body_over_limit_is_413(owner_client):
    response = owner_client.generic(
        "POST", "/api/v1/videos/", b"[" + b"1," * 600_000 + b"1]", content_type="application/json"
    )
    assert_error(response, 413, "payload_too_large")


def test_owner_updates_and_deletes(owner_client, video, make_user, client_for):
    other = client_for(make_user())
    assert_error(
        other.patch(f"/api/v1/videos/{video.pk}/", {"title": "x"}, format="json"), 403, "permission_denied"
    )
    response = owner_client.patch(
        f"/api/v1/videos/{video.pk}/", {"title": "New title", "tags": ["A", "b"]}, format="json"
    )
    assert response.status_code == 200 and response.json()["tags"] == ["a", "b"]
    assert_error(
        owner_client.patch(f"/api/v1/videos/{video.pk}/", {"title": ""}, format="json"), 400, "invalid_body"
    )
    video.refresh_from_db()
    assert video.title == "New title"
    assert owner_client.delete(f"/api/v1/videos/{video.pk}/").status_code == 204
    assert_error(owner_client.get(f"/api/v1/videos/{video.pk}/"), 404, "not_found")
    video.channel.refresh_from_db()
    assert video.channel.video_count == 0


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [v["id"] for v in response.json()["results"]]


def test_list_filters(anon, make_video, make_user):
    now = datetime.now(UTC)
    ko = make_video(
        title="서울 여행",
        language="ko",
        region="KR",
        category="travel",
        duration_s=100,
        tags=["Seoul", "Travel"],
        metadata={"captions": ["ko", "en"], "made_for_kids": False, "fps": 60},
        published_at=now - timedelta(days=2),
    )
    en = make_video(
        title="Piano cover",
        language="en",
        region="US",
        category="music",
        duration_s=600,
        tags=["piano"],
        metadata={"captions": ["en"], "made_for_kids": True, "fps": 30},
        published_at=now - timedelta(days=1),
    )
    long = make_video(
        title="Lecture",
        language="fr",
        region="FR",
        category="education",
        duration_s=5000,
        tags=["math", "seoul"],
        metadata={"nested": {"level": "advanced"}},
        published_at=now,
    )
    assert ids(anon.get("/api/v1/videos/")) == [long.pk, en.pk, ko.pk]
    assert ids(anon.get("/api/v1/videos/?language=ko,fr")) == [long.pk, ko.pk]
    assert ids(anon.get("/api/v1/videos/?language=ko&language=fr")) == [long.pk, ko.pk]
    assert ids(anon.get("/api/v1/videos/?region=kr")) == [ko.pk]
    assert ids(anon.get("/api/v1/videos/?category=music,travel")) == [en.pk, ko.pk]
    assert ids(anon.get(f"/api/v1/videos/?channel={ko.channel_id}")) == [long.pk, en.pk, ko.pk]
    assert ids(anon.get("/api/v1/videos/?tags=SEOUL,piano")) == [long.pk, en.pk, ko.pk]
    assert ids(anon.get("/api/v1/videos/?tags_all=seoul,travel")) == [ko.pk]
    assert ids(anon.get("/api/v1/videos/?duration=short")) == [ko.pk]
    assert ids(anon.get("/api/v1/videos/?duration=medium")) == [en.pk]
    assert ids(anon.get("/api/v1/videos/?duration=long")) == [long.pk]
    assert ids(anon.get("/api/v1/videos/?duration_min=500&duration_max=1000")) == [en.pk]
    day_ago = (now - timedelta(hours=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(anon.get(f"/api/v1/videos/?published_after={day_ago}")) == [long.pk, en.pk]
    assert ids(anon.get(f"/api/v1/videos/?published_before={day_ago}")) == [ko.pk]
    assert ids(anon.get(f"/api/v1/videos/?published_after={now.date().isoformat()}")) == [long.pk]
    assert ids(anon.get("/api/v1/videos/?meta.made_for_kids=false")) == [ko.pk]
    assert ids(anon.get("/api/v1/videos/?meta.captions=ko")) == [ko.pk]
    assert ids(anon.get("/api/v1/videos/?meta.captions=en")) == [en.pk, ko.pk]
    assert ids(anon.get("/api/v1/videos/?meta.fps=60")) == [ko.pk]
    assert ids(anon.get("/api/v1/videos/?meta.nested.level=advanced")) == [long.pk]
    assert ids(anon.get("/api/v1/videos/?meta.captions=en&meta.fps=30")) == [en.pk]
    assert ids(anon.get("/api/v1/videos/?unknown=ignored")) == [long.pk, en.pk, ko.pk]


def test_metadata_values_of_every_json_type(anon, make_video):
    """A scalar value is one jsonpath test (`$."key" ? (@ == value)`): the value's JSON text must reach
    PostgreSQL as a literal of the same value, whatever characters it holds; the catalogue list and search
    share the filter, so both are asked."""
    odd = 'say "hi" \\ back\\slash / 김치 😀 é \t tab'
    first = make_video(
        title="First",
        metadata={
            "label": odd,
            "fps": 60,
            "ratio": 1.5,
            "hdr": True,
            "codec": None,
            "langs": ["ko", 7, False],
            "deep": {"a": {"b": "c"}},
            "list_of": [{"lang": "ko"}],
        },
    )
    second = make_video(
        title="Second", metadata={"label": "plain", "fps": 60.0, "ratio": "1.5", "hdr": "true"}
    )
    cases = {
        "meta.label": ([odd], [first]),
        "meta.fps": (["60", "60.0", "6e1"], [second, first]),
        "meta.ratio": (["1.5"], [first]),
        "meta.hdr": (["true"], [first]),
        "meta.codec": (["null"], [first]),
        "meta.langs": (["ko", "7", "false"], [first]),
        "meta.deep.a.b": (["c"], [first]),
        "meta.deep.a": (['{"b": "c"}'], [first]),
        "meta.list_of": (['{"lang": "ko"}', '[{"lang": "ko"}]'], [first]),
    }
    for name, (values, expected) in cases.items():
        for value in values:
            for path in ("/api/v1/videos/", "/api/v1/search/videos"):
                assert ids(anon.get(path, {name: value})) == [v.pk for v in expected], (path, name, value)
    for name, value in {
        "meta.label": '"plain"',
        "meta.fps": "61",
        "meta.hdr": "false",
        "meta.nope": "x",
    }.items():
        expected = [second] if value == '"plain"' else []
        assert ids(anon.get("/api/v1/videos/", {name: value})) == [v.pk for v in expected], (name, value)
    for path in ("/api/v1/videos/", "/api/v1/search/videos"):
        for value in ('"a\\u0000b"', '{"b": "\\u0000"}', '["\\u0000"]', '{"\\u0000": 1}'):
            assert_error(anon.get(path, {"meta.label": value}), 400, "invalid_parameter")


@pytest.mark.parametrize(
    "query",
    [
        "category=cooking",
        "language=korean",
        "region=1",
        "duration=tiny",
        "duration_min=-5",
        "duration_max=abc",
        "published_after=yesterday",
        "order=best",
        "page_size=0",
        "page_size=51",
        "page_size=x",
        "cursor=garbage",
        "channel=abc",
        "meta.=x",
        "meta.a..b=1",
        "meta.bad key=1",
        "meta.x=" + "v" * 201,
        "tags=" + "t" * 65,
        "channel=99999999999999999999999",
    ],
)
def test_bad_parameters_are_400(anon, query):
    assert_error(anon.get(f"/api/v1/videos/?{query}"), 400, "invalid_parameter")


@pytest.mark.parametrize("order", ["date", "views", "rating"])
def test_cursor_paging_is_stable(anon, make_video, order):
    base = datetime(2026, 1, 1, tzinfo=UTC)
    made = []
    for i in range(23):  # repeated keys force the id tie-break
        video = make_video(published_at=base + timedelta(hours=i // 3))
        Video.objects.filter(pk=video.pk).update(view_count=i % 4, like_count=i % 5, dislike_count=i % 2)
        made.append(video.pk)
    seen = ids_of_every_page(anon, f"/api/v1/videos/?order={order}&page_size=4")
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))
    assert seen == ids(anon.get(f"/api/v1/videos/?order={order}&page_size=50"))


def test_cursor_is_bound_to_its_ordering(anon, make_video):
    for _ in range(3):
        make_video()
    next_url = anon.get("/api/v1/videos/?order=views&page_size=1").json()["next"]
    cursor = parse_qs(urlparse(next_url).query)["cursor"][0]
    assert_error(anon.get(f"/api/v1/videos/?order=date&cursor={cursor}"), 400, "invalid_parameter")


def test_the_written_out_representation_is_the_serializers(make_video):
    """api.serializers.video_data, which list pages use, says exactly what VideoSerializer says."""
    from api.selectors import videos_base
    from api.serializers import VideoSerializer, represent, video_data

    made = [
        make_video(title="<b>Kimchi</b> & stew", description="", tags=[], metadata={}),
        make_video(
            title="서울에서",
            description="x" * 300,
            tags=["korean food", "recipe"],
            metadata={"captions": ["ko", "en"], "fps": 60.5, "nested": {"a": None}},
            published_at=datetime(2024, 2, 29, 23, 59, 59, 123456, tzinfo=UTC),
            duration_s=0,
        ),
    ]
    videos = list(videos_base().filter(pk__in=[v.pk for v in made]).order_by("pk"))
    assert len(videos) == 2
    for video in videos:
        assert video_data(video) == VideoSerializer().to_representation(video)
    assert represent(VideoSerializer, videos) == [VideoSerializer(v).data for v in videos]
