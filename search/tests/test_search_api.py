"""Search endpoints: hostile input, suggestions, channel search, and the index kept current by triggers."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from api import services
from api.models import Video
from search.models import LexiconWord, SearchDocument
from tests.helpers import assert_error, ids_of_every_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def videos(make_video):
    return [
        make_video(title="Kimchi stew for beginners", tags=["korean food"]),
        make_video(title="김치찌개 끓이는 법", tags=["한식"], language="ko", region="KR"),
        make_video(
            title="Piano cover <b>live</b>", category="music", metadata={"fps": 60, "captions": ["ko"]}
        ),
    ]


@pytest.mark.parametrize(
    "q",
    [
        "x" * 200,
        '"unbalanced quote',
        "--- or or -",
        "a\x00b kimchi",
        "🙂 kimchi 🍲",
        "'; DROP TABLE api_video; --",
        "kimchi' OR 1=1 --",
        "(kimchi) & !stew | <-> :*",
        "\\",
        "%_%",
        "or",
        "-",
        '""',
        "김치 OR",
        "ＫＩＭＣＨＩ",
    ],
)
def test_hostile_queries_are_sane(anon, videos, q):
    response = anon.get("/api/v1/search/videos", {"q": q})
    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert_error(response, 400, "invalid_parameter")
    assert Video.objects.count() == 3


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 201},
        {"q": "-kimchi"},
        {"order": "best"},
        {"order": "'; SELECT 1"},
        {"cursor": "bogus"},
        {"page_size": "0"},
        {"page_size": "51"},
        {"facets": "category,owner"},
        {"highlight": "maybe"},
        {"meta.bad key": "1"},
        {"meta.": "1"},
        {"meta.x;drop": "1"},
        {"category": "cooking"},
        {"duration": "forever"},
        {"published_after": "yesterday"},
        {"channel": "1 OR 1=1"},
    ],
)
def test_bad_parameters_are_400(anon, videos, params):
    assert_error(anon.get("/api/v1/search/videos", params), 400, "invalid_parameter")


def test_hundred_repeated_parameters(anon, videos):
    """A parameter repeated 100 times means what it means once."""
    query = "&".join(["q=piano"] * 100 + ["category=music"] * 100 + ["meta.fps=60"] * 100)
    body = anon.get(f"/api/v1/search/videos?{query}").json()
    assert body["query"]["q"] == "piano"
    assert [hit["id"] for hit in body["results"]] == [videos[2].pk]
    assert body["total"] == {"value": 1, "relation": "eq"}


def test_cursor_from_another_order_is_refused(anon, videos):
    body = anon.get("/api/v1/search/videos", {"order": "date", "page_size": 1}).json()
    cursor = body["next"].split("cursor=")[1].split("&")[0]
    assert_error(
        anon.get("/api/v1/search/videos", {"order": "views", "cursor": cursor}), 400, "invalid_parameter"
    )


def test_empty_query_browses_with_filters_and_facets(anon, videos):
    body = anon.get("/api/v1/search/videos", {"facets": "category", "category": "music"}).json()
    assert [hit["id"] for hit in body["results"]] == [videos[2].pk]
    assert body["facets"] == {"category": [{"value": "music", "count": 1}]}
    assert body["total"] == {"value": 1, "relation": "eq"}
    assert "highlight" not in body["results"][0]
    assert body["results"][0]["score"] is None


def test_response_shape(anon, videos):
    body = anon.get("/api/v1/search/videos", {"q": "kimchi"}).json()
    assert set(body) == {
        "query",
        "total",
        "results",
        "facets",
        "facets_sampled",
        "suggestion",
        "next",
        "previous",
        "took_ms",
    }
    hit = body["results"][0]
    assert {"id", "channel", "title", "score", "highlight", "view_count", "url"} <= set(hit)


def test_suggest(anon, videos):
    call_command("search_rebuild", suggestions_only=True)
    texts = [s["text"] for s in anon.get("/api/v1/search/suggest", {"q": "kim"}).json()["suggestions"]]
    assert "Kimchi stew for beginners" in texts
    korean = anon.get("/api/v1/search/suggest", {"q": "김치"}).json()["suggestions"]
    assert {"text": "김치찌개 끓이는 법", "kind": "title"} in korean
    middle = [s["text"] for s in anon.get("/api/v1/search/suggest", {"q": "stew"}).json()["suggestions"]]
    assert "Kimchi stew for beginners" in middle
    assert anon.get("/api/v1/search/suggest", {"q": "k"}).json()["suggestions"]
    assert anon.get("/api/v1/search/suggest", {"q": "%"}).json() == {"suggestions": []}
    assert len(anon.get("/api/v1/search/suggest", {"q": "k", "limit": 1}).json()["suggestions"]) == 1
    for limit in ("0", "21", "x"):
        assert_error(anon.get("/api/v1/search/suggest", {"q": "k", "limit": limit}), 400, "invalid_parameter")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("pytho", "Python tutorial for beginners"),  # a prefix
        ("pyhton", "Python tutorial for beginners"),  # swapped letters
        ("pythn", "Python tutorial for beginners"),  # a missing letter
        ("pyyhon tu", None),  # the last word is too short to correct: no guess
        ("learn pyhton", "learn python fast"),  # the last word of several
        ("김치찌게", "김치찌개 끓이는 법"),  # Korean: a common misspelling of 찌개
        ("gutiar", "Guitar lessons at home"),
    ],
)
def test_suggestions_are_typo_tolerant_from_four_characters(anon, make_video, typed, meant):
    make_video(title="Python tutorial for beginners")
    make_video(title="learn python fast")
    make_video(title="Guitar lessons at home", tags=["guitar"])
    make_video(title="김치찌개 끓이는 법", language="ko", region="KR")
    make_video(title="Pie recipes")  # `pyhton` is not `pie`
    call_command("search_rebuild", suggestions_only=True)
    texts = [s["text"] for s in anon.get("/api/v1/search/suggest", {"q": typed}).json()["suggestions"]]
    if meant is None:
        assert texts == []
    else:
        assert meant in texts, texts
        assert "Pie recipes" not in texts


def test_exact_completions_come_before_corrected_ones(anon, make_video):
    make_video(title="Pythons of the jungle")  # completes `pytho` as typed
    make_video(title="Python tutorial")
    call_command("search_rebuild", suggestions_only=True)
    texts = [s["text"] for s in anon.get("/api/v1/search/suggest", {"q": "pythons"}).json()["suggestions"]]
    assert texts[0] == "Pythons of the jungle"


def test_channel_search(anon, channel, make_user):
    other = services.channel_create(
        owner=make_user(), handle="seoul.eats", name="서울 맛집 탐방", description="Street food in Seoul"
    )
    body = anon.get("/api/v1/search/channels", {"q": "cooking"}).json()
    assert [c["id"] for c in body["results"]] == [channel.pk]
    assert [c["id"] for c in anon.get("/api/v1/search/channels", {"q": "서울"}).json()["results"]] == [
        other.pk
    ]
    assert [c["id"] for c in anon.get("/api/v1/search/channels", {"q": "seoul"}).json()["results"]] == [
        other.pk
    ]
    everything = anon.get("/api/v1/search/channels", {"page_size": 1}).json()
    assert everything["total"] == {"value": 2, "relation": "eq"}
    second = anon.get(everything["next"]).json()
    assert {everything["results"][0]["id"], second["results"][0]["id"]} == {channel.pk, other.pk}
    assert_error(anon.get("/api/v1/search/channels", {"q": "x" * 201}), 400, "invalid_parameter")


def lexicon() -> dict[str, int]:
    return dict(LexiconWord.objects.filter(ndoc__gt=0).values_list("word", "ndoc"))


def test_index_and_lexicon_follow_writes(owner_client, channel, anon):
    created = owner_client.post(
        "/api/v1/videos/",
        {"channel": channel.pk, "title": "Sourdough bread basics", "category": "howto", "tags": ["Baking"]},
        format="json",
    ).json()
    assert lexicon()["sourdough"] == 1
    assert lexicon()["baking"] == 1
    assert anon.get("/api/v1/search/videos", {"q": "sourdough"}).json()["total"]["value"] == 1
    owner_client.patch(f"/api/v1/videos/{created['id']}/", {"title": "Focaccia basics"}, format="json")
    assert "sourdough" not in lexicon()
    assert lexicon()["focaccia"] == 1
    assert anon.get("/api/v1/search/videos", {"q": "sourdough"}).json()["total"]["value"] == 0
    assert anon.get("/api/v1/search/videos", {"q": "focaccia"}).json()["total"]["value"] == 1
    owner_client.patch(f"/api/v1/channels/{channel.pk}/", {"name": "Bread Lab"}, format="json")
    assert anon.get("/api/v1/search/videos", {"q": "bread lab"}).json()["total"]["value"] == 1
    assert lexicon()["lab"] == 1
    owner_client.delete(f"/api/v1/videos/{created['id']}/")
    assert "focaccia" not in lexicon()
    assert not SearchDocument.objects.exists()


def test_rebuild_equals_incremental(make_video):
    make_video(title="Kimchi stew for beginners", tags=["korean food", "recipe"])
    make_video(title="서울에서 먹은 김치", tags=["맛집"], language="ko")
    v = make_video(title="Old title", tags=["gone"])
    services.video_update(video=v, title="Bibimbap bowl", tags=["korean food"])

    def snapshot():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT video_id, document::text, pop_tier, pop_score, tags FROM search_document ORDER BY 1"
            )
            documents = cursor.fetchall()
        return documents, lexicon()

    incremental = snapshot()
    call_command("search_rebuild")
    assert snapshot() == incremental


def test_popularity_tier_follows_view_count(video):
    Video.objects.filter(pk=video.pk).update(view_count=1_000_000)
    assert SearchDocument.objects.get(pk=video.pk).pop_tier == 12
    Video.objects.filter(pk=video.pk).update(view_count=1_000_001)  # same tier: the trigger is skipped
    assert SearchDocument.objects.get(pk=video.pk).pop_tier == 12
    Video.objects.filter(pk=video.pk).update(view_count=9)
    assert SearchDocument.objects.get(pk=video.pk).pop_tier == 2


def test_popularity_score_follows_views_and_likes(video, make_user):
    Video.objects.filter(pk=video.pk).update(view_count=999, like_count=0)
    assert SearchDocument.objects.get(pk=video.pk).pop_score == pytest.approx(0.35)  # 0.05 ln 1000
    services.reaction_set(user=make_user("fan"), video_id=video.pk, kind="like")
    assert SearchDocument.objects.get(pk=video.pk).pop_score == pytest.approx(0.37)  # + 0.04 ln 2
    Video.objects.filter(pk=video.pk).update(like_count=99)
    assert SearchDocument.objects.get(pk=video.pk).pop_score == pytest.approx(0.53)  # + 0.04 ln 100


@pytest.mark.django_db
def test_suggestions_rebuild_with_a_channel_without_videos(owner, video):
    from search.services import suggestions_rebuild

    services.channel_create(owner=owner, handle="emptychan", name="Empty Kitchen")
    suggestions_rebuild()  # a channel with no videos has no view sum; it used to fail here

    with connection.cursor() as cursor:
        cursor.execute("SELECT weight FROM search_suggestion WHERE text = 'Empty Kitchen' LIMIT 1")
        assert cursor.fetchone()[0] > 0


@pytest.mark.parametrize(
    ("total", "estimate", "expected"),
    [
        (0, None, {"value": 0, "relation": "eq"}),
        (1_000, 50_000.0, {"value": 1_000, "relation": "eq"}),
        (1_001, 97_445.0, {"value": 97_000, "relation": "estimate"}),
        (1_001, 1_234.0, {"value": 1_200, "relation": "estimate"}),
        (1_001, 480.0, {"value": 1_000, "relation": "gte"}),  # independent words: an estimate too low
        (1_001, None, {"value": 1_000, "relation": "gte"}),
        (10_001, 8_700.0, {"value": 10_000, "relation": "gte"}),  # the full read overflowed
        (10_001, 46_000.0, {"value": 46_000, "relation": "estimate"}),
    ],
)
def test_totals_are_exact_up_to_the_cap_then_an_estimate(total, estimate, expected):
    from search.selectors import Summary, total_of

    assert total_of(Summary(total, {}, [], None, estimate, complete=total <= 1_000)) == expected


def test_past_the_cap_the_total_is_marked_and_facets_say_they_count_a_sample(anon, make_video, monkeypatch):
    """Past COUNT_CAP matches the count stops (at the cap + 1) and the facets count that sample, the most
    viewed matches; the response says both. The cap is lowered here: the real one is 1,000."""
    from search import selectors

    for n in range(6):
        make_video(title=f"Sampled cooking {n}", category="music" if n % 2 else "howto")
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    body = anon.get("/api/v1/search/videos", {"q": "cooking", "facets": "category"}).json()
    assert body["total"]["relation"] in ("estimate", "gte")
    assert body["total"]["value"] >= 3
    assert body["facets_sampled"] is True
    assert sum(bucket["count"] for bucket in body["facets"]["category"]) == 4  # the sample: cap + 1
    assert len(body["results"]) == 4  # ranking reads the sample too

    monkeypatch.setattr(selectors, "COUNT_CAP", 1_000)
    body = anon.get("/api/v1/search/videos", {"q": "cooking", "facets": "category"}).json()
    assert body["total"] == {"value": 6, "relation": "eq"}
    assert body["facets_sampled"] is False
    assert body["facets"]["category"] == [{"value": "howto", "count": 3}, {"value": "music", "count": 3}]


@pytest.mark.parametrize("cap", [1_000, 5])
@pytest.mark.parametrize("order", ["date", "views", "rating", "trending"])
def test_search_pages_through_every_match_in_each_order(anon, make_video, order, cap, monkeypatch):
    """Non-relevance orders read only the keys of the matches in the order's index (the videos of the
    page afterwards): following `next` gives every match once, in the order of one big page, ties
    broken by id and never-viewed videos last for trending. The same pages whether the matches are read
    by the ids the summary counted (up to COUNT_CAP) or, past the cap (lowered here), down the order's
    index."""
    from datetime import UTC, datetime, timedelta

    from analytics.models import VideoTrending
    from search import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", cap)
    by_ids = []
    ordered_page = selectors.ordered_page
    monkeypatch.setattr(
        selectors,
        "ordered_page",
        lambda *args, ids=None: by_ids.append(ids is not None) or ordered_page(*args, ids=ids),
    )

    base = datetime(2026, 1, 1, tzinfo=UTC)
    made = []
    for i in range(13):  # repeated keys force the id tie-break
        video = make_video(title=f"Paged recipe {i}", published_at=base + timedelta(hours=i // 3))
        Video.objects.filter(pk=video.pk).update(view_count=i % 4, like_count=i % 5, dislike_count=i % 2)
        VideoTrending.objects.filter(video_id=video.pk).update(
            view_count=i % 4, score_log=None if i % 3 == 0 else float(i % 4)
        )
        made.append(video.pk)
    make_video(title="Gardening basics")  # not a match
    seen = ids_of_every_page(anon, f"/api/v1/search/videos?q=paged&order={order}&page_size=4")
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))
    whole = anon.get("/api/v1/search/videos", {"q": "paged", "order": order, "page_size": 50}).json()
    assert seen == [hit["id"] for hit in whole["results"]]
    before = anon.get(
        "/api/v1/search/videos", {"q": "paged", "order": order, "published_before": "2026-01-01T02:30:00Z"}
    ).json()
    assert [hit["id"] for hit in before["results"]] == [pk for pk in seen if pk in made[:9]]
    if order == "trending":
        never_viewed = {pk for i, pk in enumerate(made) if i % 3 == 0}
        assert set(seen[-len(never_viewed) :]) == never_viewed
    assert set(by_ids) == {cap > len(made)}


def test_words_that_may_seldom_meet_give_a_lower_bound_past_the_cap_and_rank_the_most_viewed(
    anon, make_video, monkeypatch
):
    """The planner multiplies words' frequencies as if independent, so past COUNT_CAP (lowered here to 2)
    the total of several words is the count reached, as a lower bound, not its estimate; the sample, and
    so the ranked candidates, are the most viewed matches whatever their order in the table."""
    from search import selectors

    made = [make_video(title=f"Underestimated pairing {n}", category="music") for n in range(5)]
    Video.objects.filter(pk=made[-1].pk).update(view_count=10**7)
    call_command("search_rebuild")
    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    body = anon.get("/api/v1/search/videos", {"q": "underestimated pairing", "facets": "category"}).json()
    assert body["total"] == {"value": 2, "relation": "gte"}
    assert body["facets_sampled"] is True
    assert body["facets"]["category"] == [{"value": "music", "count": 3}]
    assert body["results"][0]["id"] == made[-1].pk
    monkeypatch.setattr(selectors, "COUNT_CAP", 1_000)
    body = anon.get("/api/v1/search/videos", {"q": "underestimated pairing", "facets": "category"}).json()
    assert body["total"] == {"value": 5, "relation": "eq"}
    assert body["facets_sampled"] is False


def test_relevance_ties_page_by_id_as_a_number(anon, channel):
    """Videos of equal score page in descending id order, as numbers: 10,000,000 before 8,999,999 (as
    text it came after, and the cursor, which compares numbers, skipped it)."""
    from datetime import UTC, datetime

    published = datetime(2026, 1, 1, tzinfo=UTC)
    ids = [8_999_999, 10_000_000, 10_000_001]
    for pk in ids:  # the catalogue's triggers write the search documents
        Video.objects.create(
            id=pk,
            channel=channel,
            title="Identical twin pancakes",
            category="howto",
            language="en",
            region="US",
            duration_s=300,
            published_at=published,
        )
    seen = ids_of_every_page(anon, "/api/v1/search/videos?q=identical+twin+pancakes&page_size=1")
    assert seen == sorted(ids, reverse=True)


def test_documents_rank_by_the_form_of_the_words_they_hold(anon, make_video):
    """A document with stems (English) is ranked with the query's stems, one without (here Spanish) with
    its words as written: a word in the title found only through its stem, or only as written, outranks a
    mention in another video's description either way; and each cover is counted once, so an English
    title match scores about as a Spanish one does (within the length normalisation, which counts the
    English document's words in both forms: 0.75 of the Spanish score, where counting each cover twice
    gave 1.5 times it)."""
    stemmed = make_video(title="Cooking pasta at home", language="en")
    mention = make_video(title="Kitchen tour", description="we cooked once", language="en")
    written = make_video(title="cooked arroz", language="es")
    body = anon.get("/api/v1/search/videos", {"q": "cooked"}).json()
    scores = {hit["id"]: hit["score"] for hit in body["results"]}
    assert set(scores) == {stemmed.pk, mention.pk, written.pk}
    assert min(scores[stemmed.pk], scores[written.pk]) > scores[mention.pk] > 0
    # the same title in English (stemmed: `cook` and `cooking` both stand in it) and in Spanish
    english = make_video(title="Cooking pasta tonight", language="en")
    spanish = make_video(title="Cooking pasta tonight", language="es")
    body = anon.get("/api/v1/search/videos", {"q": "cooking"}).json()
    scores = {hit["id"]: hit["score"] for hit in body["results"]}
    assert 0.6 < scores[english.pk] / scores[spanish.pk] < 1.25
