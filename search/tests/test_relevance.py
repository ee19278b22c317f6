"""Relevance on a fixed corpus (search/tests/corpus.py): each query names the videos it must return
first, or among its results, or never."""

from __future__ import annotations

import pytest
from django.db import connection

from api.models import Video
from search.tests.corpus import build_corpus


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        made = build_corpus()
        yield made
        Video.objects.all().delete()
        from django.contrib.auth.models import User

        from api.models import Channel

        Channel.objects.all().delete()
        User.objects.filter(username="corpus-owner").delete()


@pytest.fixture
def search(corpus, db, anon):
    def run(**params):
        response = anon.get("/api/v1/search/videos", {"page_size": 50, **params})
        assert response.status_code == 200, response.content
        return response.json()

    return run


def keys_of(corpus, body) -> list[str]:
    by_id = {video.pk: key for key, video in corpus.items()}
    return [by_id.get(hit["id"], f"other:{hit['id']}") for hit in body["results"]]


# (query, expected first results in order, must also contain, must not contain)
CASES = [
    # English stems and inflections
    ("kimchi stew", ["kimchi_title", "kimchi_beginners"], [], ["madrid"]),
    ("running", [], ["running_tips"], []),
    ("run", [], ["running_tips", "runner_story"], []),
    ("recipe", [], ["recipes_many", "kimchi_title", "kimchi_beginners"], []),
    ("holes", ["black_holes"], ["holes_golf"], []),
    ("quantum computers", ["quantum"], [], []),
    ("guitar lessons", ["guitar_lesson"], [], []),
    ("electric cars", ["electric_car"], [], []),
    # exact title beats description mention; popularity lifts but does not beat precision
    ("kimchi", [], ["kimchi_desc_only", "kimchi_spicy", "kimchi_beginners"], ["kimchi_ko"]),
    ("chess", ["chess_precise"], ["chess_popular_weak"], []),
    # phrases, exclusion, or
    ('"kimchi stew"', [], ["kimchi_title", "kimchi_beginners", "stew_with_kimchi"], ["kimchi_spicy"]),
    ('"leftover kimchi"', ["stew_with_kimchi"], [], ["kimchi_title"]),
    ("kimchi -spicy", [], ["kimchi_title"], ["kimchi_spicy"]),
    ("kimchi -stew", [], ["kimchi_spicy", "kimchi_desc_only"], ["kimchi_title", "kimchi_beginners"]),
    ("bibimbap or bulgogi", [], ["bibimbap", "bulgogi"], ["kimchi_title"]),
    ('"black holes" -golf', ["black_holes"], [], ["holes_golf"]),
    # accents and case
    ("creme brulee", ["creme_brulee"], [], []),
    ("CAFE paris", ["cafe_paris"], [], []),
    ("Crème", ["creme_brulee"], [], []),
    # Korean: particles, 2 syllables, tags, channel name
    ("서울", [], ["seoul_ko", "seoul_night", "seoul_tag_only"], ["mixed_seoul"]),
    ("서울 음식", ["seoul_ko"], [], []),
    ("제주", [], ["jeju", "jeju_food"], ["busan_ko"]),
    ("제주도", ["jeju"], [], []),
    ("김치", [], ["kimchi_ko", "kimchi_ko_fried"], []),
    ("김치찌개", ["kimchi_ko"], [], ["kimchi_ko_fried"]),
    ("맛집", [], ["jeju_food", "mixed_seoul", "seoul_ko"], []),
    ("케이팝", ["kpop_ko"], [], []),
    ("한강", [], ["seoul_tag_only", "seoul_ko"], []),
    ("부산 바다", ["busan_ko"], [], []),
    ("마인크래프트", ["minecraft_ko"], [], ["minecraft"]),
    # mixed language
    ("seoul 맛집", ["mixed_seoul"], [], []),
    ("minecraft", [], ["minecraft"], []),
    # Spanish, Japanese
    ("paella", ["paella"], [], []),
    ("receta", [], ["paella", "tortilla"], []),
    ("madrid", ["madrid"], [], []),
    ("ラーメン", ["ramen_ja"], [], []),
    ("東京", ["tokyo_ja"], [], []),
    # channel names and tags
    ("cooking mama", [], ["kimchi_title", "bibimbap", "bulgogi"], []),
    ("ev", [], ["electric_car", "ioniq"], []),
]


# Each catalogue language is stemmed with its own stemmer: plural, gender and accent forms find each other,
# in a video of that language; a word stemmed for one language never matches in another's videos.
LANGUAGE_CASES = [
    ("canciones", ["cancion_es"], [], []),  # Spanish plural, accent folded
    ("cancion bonito", ["cancion_es"], [], []),  # accent dropped, gender
    ("recettes", ["recette_fr"], [], []),  # French plural
    ("préférées crêpes", ["recette_fr"], [], []),  # gender, number and accents
    ("Häuser", ["haus_de"], [], []),  # German umlaut plural
    ("renovierte Häuser", ["haus_de"], [], []),
    ("livros", ["livro_pt"], [], []),  # Portuguese
    ("cantanti", ["cantante_it"], [], []),  # Italian plural
    ("городе", ["gorod_ru"], [], []),  # Russian case ending
    # the French stem of `news` is `new`: it finds French videos only, not `new` in an English title
    ("news", ["news_fr"], [], ["new_phone_en"]),
    ("phones", ["new_phone_en"], [], []),  # English still stems
]


@pytest.mark.parametrize(
    ("q", "first", "contains", "excludes"), CASES + LANGUAGE_CASES, ids=[c[0] for c in CASES + LANGUAGE_CASES]
)
def test_query(search, corpus, q, first, contains, excludes):
    body = search(q=q)
    found = keys_of(corpus, body)
    assert found[: len(first)] == first, found[:8]
    assert set(contains) <= set(found), found
    assert not set(excludes) & set(found), found
    assert body["total"] == {"value": len(found), "relation": "eq"}


def test_a_language_filter_stems_the_query_for_that_language_only(search, corpus):
    """With `language=es`, `recettes` is stemmed as Spanish only: the French video is not found by its
    stem (nor shown, being French), and a Spanish plural still finds its singular."""
    assert keys_of(corpus, search(q="canciones", language="es"))[:1] == ["cancion_es"]
    assert keys_of(corpus, search(q="canciones", language="fr")) == []
    assert keys_of(corpus, search(q="recettes", language="fr,es"))[:1] == ["recette_fr"]


def test_stemmed_matches_are_highlighted_in_their_language(search, corpus):
    body = search(q="canciones bonitos")
    hit = next(h for h in body["results"] if h["id"] == corpus["cancion_es"].pk)
    assert hit["highlight"]["title"] == "La <mark>canción</mark> más <mark>bonita</mark> del verano"


def test_title_matches_beat_a_hugely_popular_description_mention(search, corpus):
    found = keys_of(corpus, search(q="kimchi"))
    title_matches = {"kimchi_title", "kimchi_beginners", "stew_with_kimchi", "kimchi_spicy"}
    assert set(found[:4]) == title_matches
    assert found[4] == "kimchi_desc_only"  # 2,000,000 views, but only its description says kimchi


def test_popularity_orders_comparable_matches(search, corpus):
    channel = corpus["paella"].channel
    twins = [
        Video.objects.create(
            channel=channel,
            title="Gazpacho andaluz",
            category="howto",
            language="es",
            published_at=corpus["paella"].published_at,
        )
        for _ in range(2)
    ]
    Video.objects.filter(pk=twins[1].pk).update(view_count=100_000)
    found = [hit["id"] for hit in search(q="gazpacho")["results"]]
    assert found == [twins[1].pk, twins[0].pk]


MISSPELLINGS = [
    ("kimchee stwe", "kimchi stew", "kimchi_title"),
    ("quantom", "quantum", "quantum"),
    ("minecarft", "minecraft", "minecraft"),
    ("paela", "paella", "paella"),
    ("bibimbab", "bibimbap", "bibimbap"),
]


@pytest.mark.parametrize(("typed", "meant", "expected"), MISSPELLINGS)
def test_misspelling_is_corrected(search, corpus, typed, meant, expected):
    body = search(q=typed)
    assert body["suggestion"] == meant
    assert body["query"] == {"q": typed, "corrected": meant, "synonyms": []}
    assert expected in keys_of(corpus, body)


def test_no_suggestion_for_known_words(search):
    body = search(q="kimchi stew")
    assert body["suggestion"] is None
    assert body["query"]["corrected"] is None


def test_suggestion_without_correction_when_typed_query_finds_something(search, corpus):
    body = search(q="kimchi recipie")  # 'recipie' is unknown, but 'kimchi recipie' still matches nothing...
    assert body["suggestion"] == "kimchi recipe"


def test_filters_with_and_without_q(search, corpus):
    body = search(q="kimchi", category="travel")
    assert keys_of(corpus, body) == ["kimchi_desc_only"]
    body = search(q="서울", language="ko", region="KR", category="people")
    assert keys_of(corpus, body) == ["seoul_tag_only"]
    body = search(language="es", category="travel")
    assert keys_of(corpus, body) == ["madrid"]
    body = search(q="song", **{"meta.made_for_kids": "true"})
    assert keys_of(corpus, body) == ["kids_song"]
    body = search(q="piano", **{"meta.captions": "ko", "meta.fps": "60"})
    assert keys_of(corpus, body) == ["piano_cover"]
    body = search(tags="ev", order="views")
    assert keys_of(corpus, body) == ["electric_car", "ioniq"]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "korean food", "facets": "category,language,region,duration,tags"},
        {"facets": "category,language,duration"},
        {"q": "서울", "facets": "category,tags"},
    ],
)
def test_facet_counts_match_sql(search, corpus, params):
    body = search(**params)
    matched_ids = set()
    url_params = {**params, "page_size": 50}
    from rest_framework.test import APIClient

    client, url = APIClient(), "/api/v1/search/videos"
    for _ in range(100):
        if not url:
            break
        page = client.get(url, url_params if url.startswith("/") else None).json()
        matched_ids |= {hit["id"] for hit in page["results"]}
        url, url_params = page["next"], None
    assert body["total"]["value"] == len(matched_ids)
    with connection.cursor() as cursor:
        for facet in params["facets"].split(","):
            expression = {
                "duration": "CASE WHEN duration_s < 240 THEN 'short' WHEN duration_s <= 1200 THEN 'medium' ELSE 'long' END",
                "tags": "unnest(tags)",
            }.get(facet, facet)
            cursor.execute(
                f"SELECT v, count(*) FROM (SELECT {expression} AS v FROM api_video WHERE id = ANY(%s)) s "
                "GROUP BY v",
                [list(matched_ids)],
            )
            expected = dict(cursor.fetchall())
            got = {item["value"]: item["count"] for item in body["facets"][facet]}
            if facet == "tags":
                assert all(expected[value] == count for value, count in got.items())
                assert len(got) == min(20, len(expected))
            else:
                assert got == expected, facet


def test_highlights_escape_html_and_mark_matches(search, corpus):
    video = Video.objects.create(
        channel=corpus["bibimbap"].channel,
        category="howto",
        language="en",
        title="<script>alert(1)</script> kimchi & friends",
        description="Kimchi <b>bold</b> stew",
    )
    body = search(q="kimchi")
    hit = next(h for h in body["results"] if h["id"] == video.pk)
    assert (
        hit["highlight"]["title"] == "&lt;script&gt;alert(1)&lt;/script&gt; <mark>kimchi</mark> &amp; friends"
    )
    assert hit["highlight"]["description"] == "<mark>Kimchi</mark> &lt;b&gt;bold&lt;/b&gt; stew"
    korean = search(q="서울")
    hit = next(h for h in korean["results"] if h["id"] == corpus["seoul_ko"].pk)
    assert hit["highlight"]["title"] == "<mark>서울</mark>에서 먹은 음식들"
    assert "highlight" not in search(q="kimchi", highlight="false")["results"][0]


@pytest.mark.parametrize("order", ["relevance", "date", "views", "rating"])
def test_cursor_paging_never_repeats_or_skips(search, corpus, anon, order):
    everything = search(q="여행 or kimchi or 요리 or travel or recipe", order=order, page_size=50)
    expected = [hit["id"] for hit in everything["results"]]
    seen, url = [], "/api/v1/search/videos"
    params = {"q": "여행 or kimchi or 요리 or travel or recipe", "order": order, "page_size": 3}
    for _ in range(100):  # bounded: a cursor that does not advance fails instead of looping
        if not url:
            break
        page = anon.get(url, params).json()
        params = None
        seen += [hit["id"] for hit in page["results"]]
        url = page["next"]
    assert seen == expected
    assert len(seen) == len(set(seen)) > 6


def test_views_and_date_orders(search, corpus):
    by_views = search(q="kimchi", order="views")
    views = [hit["view_count"] for hit in by_views["results"]]
    assert views == sorted(views, reverse=True)
    by_date = search(q="kimchi", order="date")
    dates = [hit["published_at"] for hit in by_date["results"]]
    assert dates == sorted(dates, reverse=True)
