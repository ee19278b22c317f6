"""Phrases are found through the documents' shingles (vs_shingles, search.selectors.phrase_shingles):
the same answers as through the documents' own indexes, for every shape of phrase."""

from __future__ import annotations

import pytest
from django.db import connection

from search import selectors
from search.query import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def phrases_catalogue(make_video):
    return [
        make_video(title="Kimchi stew explained in 10 minutes", tags=["korean food", "stew"]),
        make_video(title="Minutes explained: a kimchi stew", description="kimchi stew, explained slowly"),
        make_video(title="Explained minutes", tags=["explained minutes"]),
        make_video(title="Weeknight dinner", description="the best kimchi stew you will ever cook"),
        make_video(title="La canción más bonita", language="es", tags=["canción bonita"]),
        make_video(title="Canciones bonitas para dormir", language="es"),
        make_video(title="It's me, Mario", tags=["it's me"]),
        make_video(title="Running shoes reviewed", description="we reviewed running shoes for a marathon"),
        make_video(title="Shoes for running", language="en"),
        make_video(title="TV show recap", tags=["tv show"]),
        make_video(title="Explaining the minute hand"),
    ]


PHRASES = [
    '"kimchi stew"',  # title, tags and description
    '"explained minutes"',  # adjacent in two videos only
    '"minutes explained"',
    '"stew explained in 10 minutes"',  # four steps
    '"kimchi stew" explained',  # and a word
    '"kimchi stew" -weeknight',  # and an exclusion
    '"kimchi stew" or "running shoes"',  # either phrase
    '"cancion bonita"',  # accents folded, Spanish stems
    '"canciones bonitas"',
    '"it\'s me"',  # a quote inside
    '"running shoes"',
    '"shoes running"',
    '"explaining minutes"',  # stems of adjacent words that are not adjacent
    '"explained in minutes"',  # a stopword between the stems: no shingles, the documents' indexes
    '"tv show"',
    '"best kimchi stew you will ever cook"',
    '"nothing like this"',
]


def search(anon, q: str, order: str = "relevance") -> tuple[int, list[int]]:
    body = anon.get("/api/v1/search/videos", {"q": q, "order": order, "page_size": 50}).json()
    return body["total"]["value"], [row["id"] for row in body["results"]]


@pytest.mark.parametrize("order", ["relevance", "date"])
def test_phrases_through_shingles_answer_as_through_the_documents(
    anon, phrases_catalogue, monkeypatch, order
):
    through_shingles = {q: search(anon, q, order) for q in PHRASES}
    monkeypatch.setattr(selectors, "phrase_shingles", lambda text: None)
    through_documents = {q: search(anon, q, order) for q in PHRASES}
    assert through_shingles == through_documents
    found = {q: total for q, (total, _) in through_shingles.items()}
    assert found['"kimchi stew"'] == 3 and found['"explained minutes"'] == 1
    assert found['"nothing like this"'] == 0 and found['"cancion bonita"'] >= 1


def test_phrases_are_narrowed_by_their_shingles(anon, phrases_catalogue):
    """Which queries the shingles narrow: a chain of `<->` in every form; not a stopword's `<2>` in a
    stemmed form, an exclusion, nor a phrase with a one-word synonym."""
    narrowed = {}
    for q in PHRASES:
        forms, _, _ = selectors.analyse(parse(q))
        narrowed[q] = forms.shingles
    assert narrowed['"explained minutes"'] and "'explained minutes'" in narrowed['"explained minutes"']
    assert "'en:explain en:minut'" in narrowed['"explained minutes"']
    assert narrowed['"stew explained in 10 minutes"'].count(" & ") >= 3
    assert narrowed['"explained in minutes"'] is None
    assert narrowed['"kimchi stew" -weeknight'] is not None


def test_shingles_of_a_document():
    with connection.cursor() as cursor:
        cursor.execute("SELECT vs_shingles(to_tsvector('simple', 'a b a c'))::text")
        assert cursor.fetchone()[0] == "'a b' 'a c' 'b a'"
        cursor.execute("SELECT vs_shingles(''::tsvector)::text, vs_shingles(NULL) IS NULL")
        assert cursor.fetchone() == ("", True)


@pytest.mark.parametrize(
    ("tsquery", "shingles"),
    [
        (
            "'explained' <-> 'minutes' | 'en:explain' <-> 'en:minut'",
            "( 'explained minutes' ) | ( 'en:explain en:minut' )",
        ),
        ("'a' <-> 'b' <-> 'c'", "( 'a b' & 'b c' )"),
        ("'a' <-> 'b' <2> 'c'", "( 'a b' )"),
        ("'it''s' <-> 'me'", "( 'it''s me' )"),
        ("'x' <-> 'y' | 'x' <-> 'y'", "( 'x y' )"),
        ("'explain' <2> 'minut' | 'explained' <-> 'in' <-> 'minutes'", None),
        ("'tv' <-> 'show' | 'series'", None),
        ("'kimchi'", None),
        ("!( 'a' <-> 'b' )", None),
        ("'a':* <-> 'b'", None),
        ("'a':A <-> 'b'", None),
        ("'a\\\\b' <-> 'c'", None),
    ],
)
def test_phrase_shingles(tsquery, shingles):
    assert selectors.phrase_shingles(tsquery) == shingles
