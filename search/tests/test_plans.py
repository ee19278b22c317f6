"""Query plans of the hot search paths on a seeded table of 100,000 videos: every statement the endpoint
runs is EXPLAINed; none may scan the videos, their search documents or the suggestion tables in full."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search import selectors
from search.models import TIER_GROUPS

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
                elif keyword.startswith(("SELECT", "WITH", "EXECUTE")) and "pg_database" not in sql:
                    statements.append(sql)
            for sql in statements:
                cursor.execute("RESET enable_seqscan")
                for setting in settings:
                    cursor.execute(setting)
                cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
                raw = cursor.fetchone()[0]
                plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
                plans.append((prepared_text(cursor, sql), list(plan_nodes(plan))))
    return plans


def prepared_text(cursor, sql: str) -> str:
    """The statement that `sql` runs: its own text, or for an EXECUTE the prepared statement's."""
    name = re.match(r"\s*EXECUTE\s+(\w+)", sql, re.IGNORECASE)
    if not name:
        return sql
    cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [name.group(1)])
    return cursor.fetchone()[0]


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


TIER_INDEXES = {f"search_{kind}_t{name}_gin" for name, _, _ in TIER_GROUPS for kind in ("doc", "meta")}


def sample_plan(
    client, path: str, params: dict, *, analyze: bool = False, custom: bool = False
) -> list[dict]:
    """The plan nodes of the statement that samples, counts, facets and ranks (`WITH m AS`): the generic plan
    of the prepared statement, as it runs (search.selectors.prepared); `custom`, its plan for the request's
    own values, whose conditions show them where the generic plan's show $1, $2..."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, params).status_code == 200
    (sql,) = [
        q["sql"]
        for q in captured.captured_queries
        if re.search("WITH m AS|EXECUTE vs_sample_", q["sql"]) and not q["sql"].startswith("PREPARE")
    ]
    *settings, statement = sql.split("; ")
    with connection.cursor() as cursor:
        assert "WITH m AS" in prepared_text(cursor, statement)
        for setting in settings:
            cursor.execute(setting)
        if custom:
            cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        cursor.execute(f"EXPLAIN ({'ANALYZE, ' if analyze else ''}FORMAT JSON) " + statement)
        raw = cursor.fetchone()[0]
    return list(plan_nodes((json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]))


@pytest.mark.parametrize("name", ["selective", "broad", "korean_bigram"])
def test_each_tier_group_of_the_sample_scans_its_own_indexes(seeded, db, anon, name):
    """The sample reads the tier groups from the top down, each through its own partial GIN index: no
    scan goes through an index whose posting lists span every tier (and no BitmapAnd with one), and the
    groups run one after the other, in order (a Parallel Append would return whichever rows came first)."""
    path, params = HOT_QUERIES[name]
    nodes = sample_plan(anon, path, params)
    scanned = [n["Index Name"] for n in nodes if n["Node Type"] == "Bitmap Index Scan"]
    assert len(scanned) == len(TIER_GROUPS), scanned
    assert set(scanned) <= TIER_INDEXES, scanned
    assert not [n for n in nodes if n["Node Type"].startswith("Gather") or n.get("Parallel Aware")]


@pytest.mark.parametrize("name", ["meta_filter", "meta_filter_browse"])
def test_each_tier_group_of_a_metadata_filter_goes_through_a_tier_index(seeded, db, anon, name):
    """With a metadata filter too, every tier group's heap scan is led by one of its own partial
    indexes (the planner may intersect it with another)."""
    path, params = HOT_QUERIES[name]
    heap_scans = [n for n in sample_plan(anon, path, params) if n["Node Type"] == "Bitmap Heap Scan"]
    assert len(heap_scans) == len(TIER_GROUPS)
    for scan in heap_scans:
        indexes = {n.get("Index Name") for n in plan_nodes(scan)}
        assert indexes & TIER_INDEXES, indexes


def test_a_broad_word_reads_only_the_top_tier_groups(seeded, db, anon):
    """Under the sample's LIMIT the tier groups below those that fill it are never scanned."""
    path, params = HOT_QUERIES["broad"]
    nodes = sample_plan(anon, path, params, analyze=True)
    scans = [n for n in nodes if n["Node Type"] == "Bitmap Index Scan"]
    assert len(scans) == len(TIER_GROUPS)
    assert scans[0]["Actual Loops"] == 1 and scans[-1]["Actual Loops"] == 0, scans


def test_the_meta_filter_uses_the_jsonb_indexes(seeded, db, anon):
    path, params = HOT_QUERIES["meta_filter_browse"]
    indexes = {n.get("Index Name") for _, nodes in explain_endpoint(anon, path, params) for n in nodes}
    assert {index for index in indexes if index and index.startswith("search_meta_t")}, indexes


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


@pytest.mark.parametrize(
    ("params", "explains"),
    [
        ({"q": "kimchi stew"}, 0),
        ({"q": "subscribe"}, 0),
        ({"q": "kimchi stew", "language": "de"}, 0),
        ({"q": "subscribe", "language": "en"}, 1),
    ],
)
def test_the_planner_estimate_is_asked_only_for_a_total_past_the_cap(seeded, db, anon, params, explains):
    """A plain search of one word gets the planner's estimate of its matches with its tsquery
    (vs_estimated_matches), in the same statement; several words get none (their estimate is not trusted:
    the total past the cap is a lower bound); a filtered search EXPLAINs its filtered matches, and only
    when the sample passed COUNT_CAP and its total is to be an estimate."""
    with CaptureQueriesContext(connection) as captured:
        body = anon.get("/api/v1/search/videos", params).json()
    statements = [q["sql"] for q in captured.captured_queries]
    assert sum(sql.startswith("EXPLAIN") for sql in statements) == explains
    with connection.cursor() as cursor:
        texts = [prepared_text(cursor, part) for sql in statements for part in sql.split("; ")]
    asked = any("vs_estimated_matches" in text for text in texts)
    assert asked == ("language" not in params and " " not in params["q"])
    if explains:
        assert body["total"]["relation"] == "estimate"


def test_an_exclusion_that_leaves_nothing_walks_each_tier_once(seeded, db, anon):
    """`subscribe -subscribe` is expected to match as many videos as `subscribe`, and matches none: each
    tier group is one scan of its own indexes, so together they walk the posting lists once."""
    nodes = sample_plan(anon, "/api/v1/search/videos", {"q": "subscribe -subscribe"}, analyze=True)
    scans = [n for n in nodes if n["Node Type"] == "Bitmap Index Scan"]
    assert {n["Index Name"] for n in scans} <= TIER_INDEXES
    assert [n["Actual Loops"] for n in scans] == [1] * len(TIER_GROUPS)
    assert anon.get("/api/v1/search/videos", {"q": "subscribe -subscribe"}).json()["total"] == {
        "value": 0,
        "relation": "eq",
    }


@pytest.mark.parametrize("params", [{"category": "gaming", "language": "es"}, {"duration": "long"}])
def test_related_with_filters_reads_the_tier_indexes_and_a_bounded_part_of_the_channel(
    seeded, db, anon, params
):
    """Related videos of a video of the largest channel, with filters its videos seldom meet: one
    statement; its two samples go through the tier indexes, the second behind a one-time filter (read
    only when the first is short); the channel is read newest first, no more than CHANNEL_SCAN of its
    videos (a walk of all of them for the filtered newest took 110 ms at 1M)."""
    from search.related import CHANNEL_SCAN

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(id) FROM api_video WHERE channel_id = "
            "(SELECT channel_id FROM api_video GROUP BY 1 ORDER BY count(*) DESC LIMIT 1)"
        )
        (video_id,) = cursor.fetchone()
    with CaptureQueriesContext(connection) as captured:
        assert anon.get(f"/api/v1/videos/{video_id}/related", params).status_code == 200
    (sql,) = [q["sql"] for q in captured.captured_queries if "WITH rare AS" in q["sql"]]
    *settings, statement = sql.split("; ")
    with connection.cursor() as cursor:
        for setting in settings:
            cursor.execute(setting)
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement)
        raw = cursor.fetchone()[0]
    nodes = list(plan_nodes((json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]))
    scanned = [n["Index Name"] for n in nodes if n["Node Type"] == "Bitmap Index Scan"]
    # each tier group once per sample; the planner may intersect one with a btree (PostgreSQL 18 took the
    # duration index beside two groups), never with an index whose posting lists span every tier
    assert len([index for index in scanned if index in TIER_INDEXES]) == 2 * len(TIER_GROUPS), scanned
    assert not [i for i in scanned if i not in TIER_INDEXES and i.endswith("_gin")], scanned
    assert [n for n in nodes if "One-Time Filter" in n]
    channel = [n for n in nodes if n.get("Index Name") == "search_document_channel_idx"]
    assert channel, [(n["Node Type"], n.get("Index Name")) for n in nodes]
    assert all(n["Actual Rows"] <= CHANNEL_SCAN and "Filter" not in n for n in channel), channel


def test_a_query_of_many_words_is_found_through_its_less_common_words(seeded, db, anon, monkeypatch):
    """A title typed with its channel's name: the tier indexes find the documents of its less common
    words (search.selectors.narrow_groups), each checked for the whole query (ts_match_vq, which no index
    serves); the answer is the one the index of every word gives."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT v.title || ' ' || c.name FROM api_video v JOIN api_channel c ON c.id = v.channel_id "
            "WHERE v.language = 'en' AND array_length(regexp_split_to_array(v.title, ' '), 1) >= 6 "
            "ORDER BY v.id LIMIT 5"
        )
        queries = [q for (q,) in cursor.fetchall()]
    assert len(queries) == 5
    narrowed = []
    for q in queries:
        nodes = sample_plan(anon, "/api/v1/search/videos", {"q": q}, custom=True)
        scans = [n for n in nodes if n["Node Type"] == "Bitmap Index Scan"]
        checked = [n for n in nodes if "ts_match_vq" in n.get("Filter", "")]
        if checked:
            narrowed.append(q)
            # each tier's index reads some of the query's words, the check all of them
            everything = set(re.findall(r"''([^']+)''", checked[0]["Filter"]))
            for scan in scans:
                assert set(re.findall(r"''([^']+)''", scan["Index Cond"])) < everything, scan["Index Cond"]
    assert narrowed, "no query of five+ words was narrowed"
    for order in ("relevance", "date"):
        for q in narrowed:
            params = {"q": q, "order": order, "facets": "category,language", "page_size": 20}
            through_rare = anon.get("/api/v1/search/videos", params).json()
            monkeypatch.setattr(selectors, "NARROW_MIN_GROUPS", 1_000)
            through_all = anon.get("/api/v1/search/videos", params).json()
            monkeypatch.undo()
            for key in ("total", "facets"):
                assert through_rare[key] == through_all[key], (q, key)
            assert [r["id"] for r in through_rare["results"]] == [r["id"] for r in through_all["results"]]


def test_a_phrase_is_found_through_its_shingles(seeded, db, anon, monkeypatch):
    """Phrases of two words from titles, and two words of a title that are not adjacent: each tier group's
    scan goes through its own index of the documents' shingles (search.models.shingle_indexes), each
    document found checked for the whole query; the answer is the one the documents' indexes give (which
    read every document holding both words to check their positions)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT split_part(v.title, ' ', 1), split_part(v.title, ' ', 2), split_part(v.title, ' ', 4) "
            "FROM api_video v WHERE v.language = 'en' AND v.title ~ '^[A-Za-z]{4,} [A-Za-z]{4,} [A-Za-z]+ [A-Za-z]{4,}' "
            "ORDER BY v.id LIMIT 3"
        )
        words = cursor.fetchall()
    queries = [f'"{a} {b}"' for a, b, _ in words] + [f'"{a} {d}"' for a, _, d in words]
    assert len(queries) == 6
    for q in queries:
        nodes = sample_plan(anon, "/api/v1/search/videos", {"q": q})
        scanned = [n["Index Name"] for n in nodes if n["Node Type"] == "Bitmap Index Scan"]
        assert len(scanned) == len(TIER_GROUPS), (q, scanned)
        assert all(name.startswith("search_shi_t") for name in scanned), (q, scanned)
        assert any("ts_match_vq" in n.get("Filter", "") for n in nodes), q
    for order in ("relevance", "date"):
        for q in queries:
            params = {"q": q, "order": order, "facets": "category,language", "page_size": 20}
            through_shingles = anon.get("/api/v1/search/videos", params).json()
            monkeypatch.setattr(selectors, "phrase_shingles", lambda text: None)
            through_documents = anon.get("/api/v1/search/videos", params).json()
            monkeypatch.undo()
            for key in ("total", "facets"):
                assert through_shingles[key] == through_documents[key], (q, key)
            assert [r["id"] for r in through_shingles["results"]] == [
                r["id"] for r in through_documents["results"]
            ]


def prepared_statements() -> dict[str, tuple[int, int]]:
    """This connection's prepared statements of search (samples, analyses): name -> (generic plans, custom
    plans) run."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, generic_plans, custom_plans FROM pg_prepared_statements WHERE name LIKE 'vs_%%'"
        )
        return {name: (generic, custom) for name, generic, custom in cursor.fetchall()}


def forget_prepared() -> None:
    """This connection without prepared statements, as a new one starts."""
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    connection.search_prepared = None


def test_the_sample_is_prepared_once_and_runs_its_generic_plan(seeded, db, anon):
    """Searches of one shape share one prepared sample statement (and analysis), prepared by the first: the
    later ones send only its EXECUTE, and every run takes the generic plan (no planning per search)."""
    forget_prepared()
    searches = [
        {"q": q, "facets": "category"} for q in ("kimchi", "subscribe", "kimchi stew", '"kimchi stew"')
    ]
    executed, prepared_again = [], []
    for again in (False, True):
        for params in searches:
            with CaptureQueriesContext(connection) as captured:
                assert anon.get("/api/v1/search/videos", params).status_code == 200
            executed += [q["sql"] for q in captured.captured_queries if "EXECUTE vs_sample_" in q["sql"]]
            if again:
                prepared_again += [
                    q["sql"] for q in captured.captured_queries if q["sql"].startswith("PREPARE")
                ]
    assert len(executed) == 2 * len(searches)
    assert not prepared_again, "a shape already prepared was prepared again"
    names = {re.search(r"EXECUTE (vs_sample_\w+)", sql).group(1) for sql in executed}
    runs = prepared_statements()
    assert names <= set(runs)
    assert all(runs[name][0] >= 2 for name in names), runs
    assert {name.split("_")[1] for name in runs} == {"sample", "analysis"}, runs
    assert all(custom == 0 for _, custom in runs.values()), runs


@pytest.mark.parametrize(
    "params",
    [
        {"q": "kimchi stew", "facets": "category,language,tags"},
        {"q": "subscribe", "facets": "duration"},
        {"q": '"kimchi stew" -jjigae', "order": "date"},
        {"q": "제주", "facets": "region"},
        {"q": "kimchi", "order": "views"},
        {"q": "kimchi", "category": "music", "facets": "language"},
        {"q": "제주", "region": "KR", "order": "date"},
        {"q": "subscribe", "language": "en", "facets": "category,region"},
    ],
)
def test_the_generic_plan_answers_as_a_plan_for_the_values_does(seeded, db, anon, monkeypatch, params):
    """The same totals, facets and pages whether the sample runs its generic plan or one made for the
    request's own values (GENERIC_PLAN set to force_custom_plan)."""
    generic = anon.get("/api/v1/search/videos", params).json()
    monkeypatch.setattr(selectors, "GENERIC_PLAN", "SET LOCAL plan_cache_mode = force_custom_plan; ")
    custom = anon.get("/api/v1/search/videos", params).json()
    for key in ("total", "facets"):
        assert generic[key] == custom[key], key
    assert [r["id"] for r in generic["results"]] == [r["id"] for r in custom["results"]]
    assert generic["total"]["value"] > 0


def test_a_connection_keeps_the_statements_it_ran_last(seeded, db, anon, monkeypatch):
    """Past PREPARED_KEPT statements, the one run longest ago is deallocated, and prepared again when it
    comes back (one word's analysis, then its sample with no facet, with those of category, of language)."""
    monkeypatch.setattr(selectors, "PREPARED_KEPT", 2)
    forget_prepared()
    shapes = [{"q": "kimchi"}, {"q": "kimchi", "facets": "category"}, {"q": "kimchi", "facets": "language"}]
    for params in shapes:
        assert anon.get("/api/v1/search/videos", params).status_code == 200
    assert len(prepared_statements()) == 2
    with CaptureQueriesContext(connection) as captured:
        again = anon.get("/api/v1/search/videos", shapes[0])
    assert again.status_code == 200 and again.json()["total"]["value"] > 0
    assert [q for q in captured.captured_queries if q["sql"].startswith("PREPARE vs_sample_")]
    assert len(prepared_statements()) == 2


@pytest.mark.parametrize(
    "params",
    [
        {"q": "subscribe", "duration_min": "7000"},
        {"q": "kimchi", "category": "music", "duration": "long"},
        {"q": "kimchi", "category": "music,travel"},
        {"q": "subscribe", "region": "US", "category": "music"},
    ],
)
def test_a_filtered_sample_is_planned_for_its_values(seeded, db, anon, params):
    """A range filter's values decide the plan (a narrow range goes through its own index, a broad one is
    checked in the heap), and with several filters or a list the generic plan's default selectivities can
    take the metadata index for the filters alone: such a sample is not prepared but planned for its values."""
    with CaptureQueriesContext(connection) as captured:
        assert anon.get("/api/v1/search/videos", params).status_code == 200
    sampled = [q["sql"] for q in captured.captured_queries if "WITH m AS" in q["sql"]]
    assert len(sampled) == 1 and "EXECUTE" not in sampled[0] and "PREPARE" not in sampled[0]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "kimchi", "category": "music"},
        {"q": "kimchi stew", "language": "ko", "facets": "category"},
        {"q": "제주", "region": "KR"},
    ],
)
def test_a_sample_filtered_by_the_indexed_columns_runs_its_generic_plan(seeded, db, anon, params):
    """Category, language and region are in every tier group's GIN index beside the document: a sample
    filtered by one value of one of them is prepared once and runs its generic plan, which scans each
    group's own index as the plan made for the values does, with the filter in the index's condition."""
    forget_prepared()
    for _ in range(2):
        generic = sample_plan(anon, "/api/v1/search/videos", params)
    runs = prepared_statements()
    samples = [name for name in runs if name.startswith("vs_sample_")]
    assert len(samples) == 1 and runs[samples[0]][0] >= 2 and runs[samples[0]][1] == 0, runs
    custom = sample_plan(anon, "/api/v1/search/videos", params, custom=True)
    filters = [key for key in params if key in selectors.INDEXED_FILTERS]

    def scans(nodes: list[dict]) -> list[tuple[str, list[str]]]:
        found = [n for n in nodes if n["Node Type"] == "Bitmap Index Scan"]
        return [(n["Index Name"], [f for f in filters if f in n["Index Cond"]]) for n in found]

    assert scans(generic) == scans(custom)
    assert len(scans(generic)) == len(TIER_GROUPS)
    for name, conditions in scans(generic):
        assert name in TIER_INDEXES
        assert conditions == filters, (name, conditions)
