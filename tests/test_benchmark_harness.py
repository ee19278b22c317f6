"""The search benchmark's own parts, on a small seeded catalogue: the workload drawn from it, tantivy's
index of it and the translation of our queries, and the guard over the peer ratios."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection

from benchmarks import tantivy_peer
from benchmarks.guard import check_peer
from benchmarks.workload import KINDS, SUGGEST_KINDS, band_of, search_workload, suggest_workload

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    call_command("seed", videos=3_000, no_progress=True, reset=True)


def test_the_workload_is_drawn_from_the_catalogue_and_every_query_answers(catalogue, anon):
    with connection.cursor() as cursor:
        workload = search_workload(cursor, seed=15, per_kind=5)
        again = search_workload(cursor, seed=15, per_kind=5)
    assert [q.params for q in workload] == [q.params for q in again]  # deterministic
    kinds = Counter(q.kind for q in workload)
    assert set(kinds) == set(KINDS) and set(kinds.values()) == {5}
    assert {q.params.get("order") for q in workload if q.kind == "ordered"} <= {
        "date",
        "views",
        "rating",
        "trending",
    }
    assert all(q.params["q"].startswith('"') for q in workload if q.kind == "phrase")
    assert all(" -" in q.params["q"] for q in workload if q.kind == "exclusion")
    for query in workload:
        response = anon.get("/api/v1/search/videos", query.params)
        assert response.status_code == 200, (query, response.content)


def test_the_suggestion_workload_is_typed_from_the_catalogue_and_every_prefix_answers(catalogue, anon):
    with connection.cursor() as cursor:
        prefixes = suggest_workload(cursor, seed=19, per_kind=5)
        again = suggest_workload(cursor, seed=19, per_kind=5)
    assert prefixes == again  # deterministic
    assert list(prefixes) == list(SUGGEST_KINDS)
    assert all(len(found) == 5 for found in prefixes.values()), prefixes
    assert all(len(p) <= 2 for p in prefixes["first_letters"])
    assert all(" " in p for p in prefixes["title_prefix"])
    assert all("\uac00" <= p[0] <= "\ud7a3" for p in prefixes["korean_prefix"])
    answered = 0
    for kind, found in prefixes.items():
        for prefix in found:
            response = anon.get("/api/v1/search/suggest", {"q": prefix})
            assert response.status_code == 200, (kind, prefix, response.content)
            answered += bool(response.json()["suggestions"])
    # typed from the catalogue's own text, nearly every prefix completes (a slip may leave one without)
    assert answered >= 0.9 * sum(len(found) for found in prefixes.values())


@pytest.mark.parametrize(
    ("matches", "band"),
    [(0, "<=100"), (100, "<=100"), (101, "<=1,000"), (10_000, "<=10,000"), (10_001, ">10,000")],
)
def test_bands(matches, band):
    assert band_of(matches) == band


@pytest.mark.parametrize(
    ("params", "text"),
    [
        ({"q": "kimchi stew"}, '+"kimchi" +"stew"'),
        ({"q": '"piano cover" -live'}, '+"piano cover" -"live"'),
        ({"q": "guide or tips", "region": "IN"}, '+("guide" OR "tips") +(region:"IN")'),
        ({"q": "서울에서"}, '+cjk:"서울 울에 에서"'),
        ({"q": "a:b (c)"}, '+"a b" +"c"'),
        ({"q": "guide", "duration": "short"}, '+"guide" +duration:[0 TO 239]'),
    ],
)
def test_our_queries_in_tantivys_language(params, text):
    assert tantivy_peer.to_query_text(params) == text


def test_tantivy_indexes_the_same_videos_and_counts_like_us(catalogue, anon, tmp_path):
    from django.db import transaction

    with transaction.atomic(), connection.connection.cursor(name="peer_test") as cursor:
        peer = tantivy_peer.build(cursor, tmp_path / "index")
    assert peer.documents == 3_000 and peer.size_bytes > 0
    assert tantivy_peer.reopen(tmp_path / "index", documents=3_000) is not None
    assert tantivy_peer.reopen(tmp_path / "index", documents=2_999) is None
    for params in ({"q": "제주"}, {"q": "guide", "order": "date", "facets": "category,tags"}):
        count, ids = peer.search(params)
        ours = anon.get("/api/v1/search/videos", {**params, "page_size": 10}).json()
        assert count > 0 and len(ids) == min(10, count)
        assert ours["total"]["value"] > 0


def test_the_guard_fails_a_band_past_its_ceiling():
    row = {"p95_ratio": 12.0}
    mix = {"by_band": {"<=100": row, ">10,000": {"p95_ratio": 30.0}}, "concurrent": {"errors": 0}}
    assert check_peer({"search_mix": mix}, {"<=100": 20, ">10,000": 40, "<=1,000": 20}) == []
    failures = check_peer({"search_mix": mix}, {"<=100": 10})
    assert len(failures) == 1 and "<=100" in failures[0]
    assert check_peer({}, {"<=100": 10}) == ["search mix: not measured"]
