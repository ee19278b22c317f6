"""Related videos: shared rare words and tags weigh most, then the channel and the language; never the
video itself; filtered as search filters."""

from __future__ import annotations

import pytest

from api import services
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(make_video, owner):
    other = services.channel_create(owner=owner, handle="otherkitchen", name="Other Kitchen")
    made = {
        "source": make_video(title="Sourdough bread baking at home", tags=["sourdough", "baking"]),
        "starter": make_video(channel=other, title="Sourdough starter in five days", tags=["sourdough"]),
        "rolls": make_video(channel=other, title="Soft bread rolls at home", tags=["baking"]),
        "sibling": make_video(title="Knife skills for cooks"),  # the same channel, nothing shared
        "stranger": make_video(channel=other, title="Knife skills at home"),  # a common word only
        "korean": make_video(
            channel=other, title="Sourdough 빵 만들기", tags=["sourdough"], language="ko", category="people"
        ),
    }
    # filler that makes `at`, `home` and `skills` common words, and `sourdough` rare
    for i in range(30):
        make_video(channel=other, title=f"Home tour at night {i}", category="travel")
    return made


def related(client, video, **params) -> dict:
    response = client.get(f"/api/v1/videos/{video.pk}/related", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_shared_rare_words_and_tags_rank_first_and_never_the_video_itself(anon, catalogue):
    body = related(anon, catalogue["source"])
    assert body["video"] == catalogue["source"].pk
    order = [hit["id"] for hit in body["results"]]
    assert catalogue["source"].pk not in order
    # two rare words (`bread`, `baking`, one of them a tag) before one (`sourdough`, a tag too); of the
    # two that share `sourdough`, the one in the source's language first
    assert order[:3] == [catalogue["rolls"].pk, catalogue["starter"].pk, catalogue["korean"].pk]
    # words in more than 5% of the documents (`at`, `home`) find nothing
    assert catalogue["stranger"].pk not in order
    # the same channel counts even with nothing shared
    assert catalogue["sibling"].pk in order
    scores = [hit["score"] for hit in body["results"]]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)
    assert {"title", "channel", "score"} <= set(body["results"][0])


def test_limit_and_filters(anon, catalogue):
    assert len(related(anon, catalogue["source"], limit=2)["results"]) == 2
    people = related(anon, catalogue["source"], category="people")
    assert [hit["id"] for hit in people["results"]] == [catalogue["korean"].pk]
    ko = related(anon, catalogue["source"], language="ko")
    assert [hit["id"] for hit in ko["results"]] == [catalogue["korean"].pk]


def test_a_video_with_nothing_alike_has_no_related_videos(anon, make_video):
    alone = make_video(title="Zyzzyva")
    assert related(anon, alone)["results"] == []


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 51}, {"limit": "ten"}, {"category": "nope"}])
def test_bad_parameters_are_400(anon, catalogue, params):
    response = anon.get(f"/api/v1/videos/{catalogue['source'].pk}/related", params)
    assert_error(response, 400, "invalid_parameter")


def test_an_unknown_video_is_404(anon, db):
    assert_error(anon.get("/api/v1/videos/987654/related"), 404, "not_found")


def test_with_filters_the_channels_candidates_are_among_its_newest(anon, make_video, monkeypatch):
    """With filters, the channel's candidates are those the filters keep among its CHANNEL_SCAN newest
    videos: a filter that a large channel's videos seldom meet reads no more than those (walking a
    78,000-video channel for it took 110 ms)."""
    from search import related as module

    source = make_video(title="Zyzzyva")
    old = make_video(title="Quokka", category="people")  # the channel's, nothing shared
    for i in range(3):
        make_video(title=f"Later {i}")
    assert old.pk in [hit["id"] for hit in related(anon, source)["results"]]  # no filter: its 50 newest
    monkeypatch.setattr(module, "CHANNEL_SCAN", 3)
    assert related(anon, source, category="people")["results"] == []
    monkeypatch.setattr(module, "CHANNEL_SCAN", 10)
    assert [hit["id"] for hit in related(anon, source, category="people")["results"]] == [old.pk]
