"""Query plans of the hot search paths on a seeded table of 100,000 videos: every statement the endpoint
runs is EXPLAINed; none may scan the videos, their search documents or the suggestion tables in full."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search import selectors

PLAN_VIDEOS = 100_000  # as search/tests/conftest.py seeds
BIG_TABLES = {
    "api_video",
    "search_document",
    "search_suggestion",
    "search_suggestion_top",
    "search_lexicon",
    "api_channel",
}


@pytest.fixture(scope="module")
def seeded(catalogue_100k):
    """The seeded catalogue of search/tests/conftest.py, PLAN_VIDEOS videos."""


def plan_nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


def explain_endpoint(client, path: str, params: dict) -> list[tuple[str, list[dict]]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200, response.content
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            # A query may carry its planner settings (search.selectors.fetch_with_index_scans joins them
            # and its statements with "; "): replay each statement with the settings of its own query.
            settings, statements = [], []
            for sql in query["sql"].split("; "):
                keyword = sql.lstrip().upper()
                if keyword.startswith("SET LOCAL"):
                    settings.append(sql)
                elif keyword.startswith(("SELECT", "WITH")) and "pg_database" not in sql:
                    statements.append(sql)
            for sql in statements:
                cursor.execute("RESET enable_seqscan")
                for setting in settings:
                    cursor.execute(setting)
                cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
                raw = cursor.fetchone()[0]
                plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
                plans.append((sql, list(plan_nodes(plan))))
    return plans


HOT_QUERIES = {
    "selective": ("/api/v1/search/videos", {"q": "kimchi stew"}),
    "broad": ("/api/v1/search/videos", {"q": "subscribe", "facets": "category,language"}),
    "korean_bigram": ("/api/v1/search/videos", {"q": "제주"}),
    "meta_filter": ("/api/v1/search/videos", {"q": "music", "meta.captions": "ko"}),
    "meta_filter_browse": (
        "/api/v1/search/videos",
        {"meta.captions": "ko", "category": "music", "facets": "language"},
    ),
    "suggest_short": ("/api/v1/search/suggest", {"q": "k"}),
    "suggest_long": ("/api/v1/search/suggest", {"q": "kimchi"}),
    "suggest_korean": ("/api/v1/search/suggest", {"q": "김치"}),
    "misspelled": ("/api/v1/search/videos", {"q": "kimchee stwe"}),
    "channels": ("/api/v1/search/channels", {"q": "kitchen"}),
    "videos_by_views": ("/api/v1/videos/", {"order": "views"}),
    "videos_by_views_filtered": ("/api/v1/videos/", {"order": "views", "category": "music"}),
    "videos_by_rating": ("/api/v1/videos/", {"order": "rating"}),
    "search_by_rating": ("/api/v1/search/videos", {"q": "subscribe", "order": "rating"}),
    "search_by_trending": ("/api/v1/search/videos", {"q": "subscribe", "order": "trending"}),
    "search_by_date": ("/api/v1/search/videos", {"q": "subscribe", "order": "date"}),
    "search_by_date_before": (
        "/api/v1/search/videos",
        {"q": "subscribe", "order": "date", "published_before": "2026-06-01"},
    ),
}


@pytest.mark.parametrize("name", list(HOT_QUERIES))
def test_hot_query_plans_use_indexes(seeded, db, anon, name):
    path, params = HOT_QUERIES[name]
    plans = explain_endpoint(anon, path, params)
    assert plans, "the endpoint ran no query"
    for sql, nodes in plans:
        full_scans = [
            n["Relation Name"]
            for n in nodes
            if n["Node Type"] == "Seq Scan" and n.get("Relation Name") in BIG_TABLES
        ]
        assert not full_scans, f"sequential scan of {full_scans} in:\n{sql[:600]}"


@pytest.mark.parametrize("name", ["selective", "broad", "korean_bigram", "meta_filter"])
def test_text_match_uses_the_search_gin_index(seeded, db, anon, name):
    path, params = HOT_QUERIES[name]
    indexes = {n.get("Index Name") for _, nodes in explain_endpoint(anon, path, params) for n in nodes}
    assert "search_document_gin" in indexes


def test_meta_filter_uses_the_jsonb_index(seeded, db, anon):
    path, params = HOT_QUERIES["meta_filter_browse"]
    indexes = {n.get("Index Name") for _, nodes in explain_endpoint(anon, path, params) for n in nodes}
    assert indexes & {"search_document_meta_tier_gin", "video_metadata_gin"}, indexes


@pytest.mark.parametrize("name", ["selective", "broad", "korean_bigram"])
def test_ranking_reads_no_catalogue_row(seeded, db, anon, name):
    """The ranked page is scored from the search document alone (pop_score, published_at): the statement
    that counts, facets and ranks never joins api_video."""
    path, params = HOT_QUERIES[name]
    ranking = [
        nodes
        for sql, nodes in explain_endpoint(anon, path, params)
        if "ts_rank_cd" in sql and "WITH m AS" in sql
    ]
    assert len(ranking) == 1
    assert "api_video" not in {n.get("Relation Name") for n in ranking[0]}


@pytest.mark.parametrize("name", ["videos_by_views", "videos_by_views_filtered"])
def test_order_by_views_walks_the_view_count_index(seeded, db, anon, name):
    """api_video has no index on view_count (its updates stay HOT); the copy on the trending rows has."""
    path, params = HOT_QUERIES[name]
    indexes = {n.get("Index Name") for _, nodes in explain_endpoint(anon, path, params) for n in nodes}
    assert "analytics_video_trending_views" in indexes


@pytest.mark.parametrize(
    ("name", "index"),
    [
        ("videos_by_rating", "video_rating_idx"),
        ("search_by_rating", "video_rating_idx"),
        ("search_by_trending", "analytics_video_trending_order"),
        ("search_by_date", "search_document_published_idx"),
        ("search_by_date_before", "search_document_published_idx"),
    ],
)
def test_each_order_of_a_broad_search_walks_its_index(seeded, db, anon, name, index):
    """A page of a broad word in a catalogue order walks that order's index and stops after a page,
    instead of scoring and sorting every match (at 1M videos `guide` by trending took 1.3 s that way)."""
    path, params = HOT_QUERIES[name]
    indexes = {n.get("Index Name") for _, nodes in explain_endpoint(anon, path, params) for n in nodes}
    assert index in indexes, indexes


def test_the_small_top_tiers_are_one_scan_and_answer_as_one_scan_per_tier(seeded, db, anon, monkeypatch):
    """A broad term's sample is taken tier by tier from the most popular down; the top tiers, small
    together (search.selectors.top_tiers_floor), are one GIN scan instead of one each. The answer is
    the same as with one scan per tier, since all their matches fit in the sample."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_document")
    monkeypatch.setattr(selectors, "_top_tiers", {})
    floor = selectors.top_tiers_floor()
    assert 0 < floor <= selectors.POP_TIERS[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_document WHERE pop_tier >= %s", [floor])
        (in_top_tiers,) = cursor.fetchone()
    assert in_top_tiers <= 1.5 * selectors.TOP_TIERS_VIDEOS  # the statistics are a sample

    path, params = HOT_QUERIES["broad"]
    with CaptureQueriesContext(connection) as captured:
        grouped = anon.get(path, params).json()
    (sample,) = [q["sql"] for q in captured.captured_queries if "WITH m AS" in q["sql"]]
    assert f"matches.pop_tier >= {floor}::smallint" in sample
    assert f"matches.pop_tier = {floor - 1}::smallint" in sample
    assert f"matches.pop_tier = {floor}::smallint" not in sample

    monkeypatch.setattr(selectors, "_top_tiers", {"floor": selectors.POP_TIERS[0] + 1, "read_at": 1e18})
    with CaptureQueriesContext(connection) as captured:
        per_tier = anon.get(path, params).json()
    (sample,) = [q["sql"] for q in captured.captured_queries if "WITH m AS" in q["sql"]]
    assert "matches.pop_tier >=" not in sample
    assert grouped["total"] == per_tier["total"]
    assert grouped["facets"] == per_tier["facets"]
    assert [hit["id"] for hit in grouped["results"]] == [hit["id"] for hit in per_tier["results"]]
    assert grouped["results"]


@pytest.mark.parametrize(
    ("params", "explains", "tiered"),
    [
        ({"q": "kimchi stew"}, 0, False),
        ({"q": "subscribe"}, 0, True),
        ({"q": "kimchi stew", "language": "de"}, 1, False),
        ({"q": "subscribe", "language": "en"}, 1, True),
    ],
)
def test_the_planner_estimate_that_picks_the_sampling(seeded, db, anon, params, explains, tiered):
    """A plain search gets the planner's estimate of its matches with its tsquery (vs_estimated_matches),
    in the same statement; a filtered one EXPLAINs its filtered matches. Many expected matches sample
    tier by tier; few read them all in one scan."""
    with CaptureQueriesContext(connection) as captured:
        assert anon.get("/api/v1/search/videos", params).status_code == 200
    statements = [q["sql"] for q in captured.captured_queries]
    assert sum(sql.startswith("EXPLAIN") for sql in statements) == explains
    assert any("vs_estimated_matches" in sql for sql in statements) == (explains == 0)
    (sample,) = [sql for sql in statements if "WITH m AS" in sql]
    assert ("matches.pop_tier >=" in sample or "matches.pop_tier =" in sample) == tiered


def test_an_exclusion_that_leaves_nothing_scans_no_tier(seeded, db, anon):
    """`subscribe -subscribe` is expected to match as many videos as `subscribe`, and matches none: the
    probe (one scan of every match, search.selectors.sample_sql) holds them all, so no tier is scanned."""
    with CaptureQueriesContext(connection) as captured:
        body = anon.get("/api/v1/search/videos", {"q": "subscribe -subscribe"}).json()
    assert body["total"] == {"value": 0, "relation": "eq"}
    (sql,) = [q["sql"] for q in captured.captured_queries if "WITH m AS" in q["sql"]]
    assert "probe" in sql and "matches.pop_tier" in sql
    settings, statement = sql.rsplit("; ", 1)[0], sql.rsplit("; ", 1)[1]
    with connection.cursor() as cursor:
        for setting in settings.split("; "):
            cursor.execute(setting)
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement)
        raw = cursor.fetchone()[0]
    nodes = list(plan_nodes((json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]))
    tier_scans = [n for n in nodes if "pop_tier" in n.get("Index Cond", "")]
    assert tier_scans and all(n["Actual Loops"] == 0 for n in tier_scans)
