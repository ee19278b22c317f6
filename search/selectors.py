"""Reads for search: matching, bounded ranking, totals, facets, highlights, did-you-mean, suggestions.

Every statement here does bounded work whatever the query matches: totals, facets and relevance look at
no more than the COUNT_CAP + 1 most popular matches, taken from the most popular tiers down (see
vs_pop_tier), each group of tiers one scan of its own GIN indexes (search.models.TIER_GROUPS); past
COUNT_CAP the total is the planner's estimate, marked as one, or a lower bound.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypedDict

from django.db.backends.utils import CursorWrapper
from django.db.models import FloatField, QuerySet, TextField
from django.db.models.expressions import RawSQL

from api import selectors as catalogue
from api.exceptions import InvalidInputError
from api.filters import filter_videos
from api.models import Channel, Video
from api.pagination import KeysetPagination, decode_cursor, encode_cursor
from config.replicas import read_connection
from search.expressions import TsMatch
from search.models import FILTER_COLUMNS, TIER_GROUPS, SearchDocument
from search.query import Forms, ParsedQuery, Pieces, parse, query_languages, to_tsquery, tsquery_sql
from search.synonyms import expand as expand_synonyms

# Totals are exact up to COUNT_CAP: the sample of a search is its COUNT_CAP + 1 most popular matches, and
# each is a visit of its document's heap row. Past that the total is the planner's estimate, marked as
# one, or a lower bound (total_of), and facets count the sample ("facets_sampled": true).
COUNT_CAP = 1_000
TOTAL_CAP = 10_000  # channel search, over a far smaller table, counts this far
CANDIDATES = COUNT_CAP
FACET_COLUMNS = {  # each facet and the column it counts
    "category": "category",
    "language": "language",
    "region": "region",
    "duration": "duration_s",
    "tags": "tags",
}
FACETS = tuple(FACET_COLUMNS)
TAG_FACET_SIZE = 20
ORDERS = ("relevance", "date", "views", "rating", "trending")
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"  # private-use sentinels, swapped for <mark> after escaping
# ts_headline drops what looks like an HTML tag; angle brackets pass through it as private-use characters.
ANGLE_OPEN, ANGLE_CLOSE = "\ue002", "\ue003"
RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"  # D, C (description), B (tags, channel), A (title)
# Text relevance times a bounded popularity lift: a 10M-view video gains about 2.3x over an unseen one,
# less than the 5x between a title match and a description mention. The lift from views and likes is the
# document's pop_score (vs_pop_score), so ranking reads no catalogue row. date_part, not extract: extract
# gives numeric, and a numeric exp() cost more than the rest of the score.
# A document holds its language's stems (where it has a stemmer) and every word as written, so each word
# is there twice: the text is ranked with the query's stems for the document's language in a document with
# stems, with its words as written in one without (score_sql), not with either form everywhere, which found
# every cover twice in stemmed documents and cost twice the time (cover density over 1,000 documents:
# 9.4 ms, 5.2 ms this way).
# The title's length weighs as BM25's field-length norm does (k1 1.2, b 0.75, about TITLE_WORDS words on
# average): a match in a short title is more about its subject than one in a long title, so `kimchi stew`
# finds the video titled "Kimchi Stew" before "Kimchi stew for beginners" with five times its views.
TITLE_WORDS = 6.0
SCORE_SQL = f"""(
    ts_rank_cd('{RANK_WEIGHTS}', search_document.document, {{query}}, 1)
    * 2.2 / (1 + 1.2 * (0.25 + 0.75 * search_document.title_words / {TITLE_WORDS}))
    * (1 + search_document.pop_score
         + 0.15 * exp(-greatest(0, date_part('epoch', %s::timestamptz - search_document.published_at)) / 1209600.0))
)::float8"""


def by_language_sql(column: str, by_language: Mapping[str, str], default: str) -> tuple[str, list[str]]:
    """A tsquery chosen by a row's language (`column`): `by_language`'s for its language, else `default`."""
    if not by_language:
        return "%s::tsquery", [default]
    whens, params = [], []
    for language, tsquery in by_language.items():
        whens.append("WHEN %s THEN %s::tsquery")
        params += [language, tsquery]
    return f"CASE {column} {' '.join(whens)} ELSE %s::tsquery END", [*params, default]


def score_sql(forms: QueryForms, as_of: datetime) -> tuple[str, list[Any]]:
    """The relevance of a matching document (SCORE_SQL) with its parameters."""
    query, params = by_language_sql("search_document.language", forms.stemmed, forms.written)
    return SCORE_SQL.replace("{query}", query), [*params, as_of]


DURATION_BUCKET_SQL = (
    "CASE WHEN duration_s < 240 THEN 'short' WHEN duration_s <= 1200 THEN 'medium' ELSE 'long' END"
)


class Total(TypedDict):
    value: int
    relation: str  # eq, gte or estimate (total_of)


class FacetCount(TypedDict):
    value: Any
    count: int


class Suggestion(TypedDict):
    text: str
    kind: str


class SynonymUsed(TypedDict):
    term: str
    expanded: list[str]


class QueryEcho(TypedDict):
    q: str
    corrected: str | None
    synonyms: list[SynonymUsed]


class Highlight(TypedDict):
    """Fragments of a video's text, each match between MARK_OPEN and MARK_CLOSE (not HTML)."""

    title: str
    description: str


class VideoSearchResult(TypedDict):
    query: QueryEcho
    total: Total
    results: list[tuple[Video, float | None]]  # the page's videos, each with its relevance score
    highlights: dict[int, Highlight]  # by video id
    facets: dict[str, list[FacetCount]]
    facets_sampled: bool
    suggestion: str | None
    next_cursor: str | None
    took_ms: int


class ChannelSearchResult(TypedDict):
    query: QueryEcho
    total: Total
    results: list[tuple[Channel, float]]
    next_cursor: str | None
    took_ms: int


@dataclass
class SearchRequest:
    q: str
    order: str
    page_size: int
    cursor: str | None
    facets: list[str]
    highlight: bool
    filters: Mapping[str, list[str]]  # the shared video filters (api.filters.filter_params)


def filtered_documents(filters: Mapping[str, list[str]]) -> QuerySet[SearchDocument]:
    return filter_videos(filters, SearchDocument.objects.all()).order_by()


def video_search(*, request: SearchRequest) -> VideoSearchResult:
    """The page of a video search, with its total, facets, highlights and did-you-mean: the query as
    typed or, when that finds nothing and a correction does, as corrected."""
    started = time.perf_counter()
    documents = filtered_documents(request.filters)
    parsed = parse(request.q) if request.q else ParsedQuery()
    if request.q and parsed.terms and not parsed.has_positive:
        raise InvalidInputError({"q": ["The query needs at least one term that is not excluded."]})
    suggestion = forms = estimate = None
    # a query is stemmed for the languages of the filter only, when there is one
    languages = [
        code.strip().lower() for value in request.filters.get("language", []) for code in value.split(",")
    ]
    expanded, synonyms = expand_synonyms(parsed)
    if parsed.terms:
        # without filters the planner's estimate of the matches comes with the tsquery, where a total
        # past the cap would use it (count_and_facets: not for several words or an exclusion, whose
        # estimate is not trusted; planning it took 3-5 ms of a title and its channel name's 10 words)
        forms, unknown, estimate = analyse(
            expanded,
            estimate=not request.filters and not expanded.estimate_is_doubtful,
            languages=languages or None,
        )
        corrections = spelling_corrections(unknown)
        if corrections:
            suggestion = parsed.replace_words(corrections).as_text()
    matching = match(documents, expanded, forms, request, estimate=estimate)
    corrected = None
    if matching.summary.total == 0 and suggestion:
        corrected_parsed, corrected_synonyms = expand_synonyms(parse(suggestion))
        corrected_forms = analyse(corrected_parsed, languages=languages or None)[0]
        correction = match(documents, corrected_parsed, corrected_forms, request)
        if correction.summary.total:
            matching, corrected, synonyms = correction, suggestion, corrected_synonyms
    rows, next_cursor = page_rows(matching, request)
    results, highlights = page_videos(rows, matching, request)
    return {
        "query": {
            "q": request.q,
            "corrected": corrected,
            "synonyms": [{"term": used.term, "expanded": used.expanded} for used in synonyms],
        },
        "total": total_of(matching.summary),
        "results": results,
        "highlights": highlights,
        "facets": matching.summary.facets,
        "facets_sampled": bool(request.facets) and not matching.summary.complete,
        "suggestion": suggestion,
        "next_cursor": next_cursor,
        "took_ms": round((time.perf_counter() - started) * 1000),
    }


@dataclass
class Matching:
    """A query's matches and their summary (count, facets, the ranked page)."""

    parsed: ParsedQuery
    tsquery: str | None  # None: no words, a browse by the filters alone; '': no searchable word
    matched: QuerySet[SearchDocument]
    summary: Summary
    forms: QueryForms | None = None


def match(
    documents: QuerySet[SearchDocument],
    parsed: ParsedQuery,
    forms: QueryForms | None,
    request: SearchRequest,
    *,
    estimate: float | None = None,
) -> Matching:
    """The matches of the query's `forms` (None: a browse by the filters alone) and their summary."""
    tsquery = forms.match if forms is not None else None
    if tsquery is None:
        matched = documents
    else:
        matched = documents.filter(TsMatch(tsquery)) if tsquery else documents.none()
        if tsquery and forms is not None and (forms.narrow or forms.shingles):
            # the indexes find the documents of its less common words and of its phrases' shingles, each
            # checked for the whole query
            found = [TsMatch(forms.narrow)] if forms.narrow else []
            found += [TsMatch(forms.shingles, shingles=True)] if forms.shingles else []
            matched = documents.filter(*found, TsMatch(tsquery, indexed=False))
    relevance = request.order == "relevance" and bool(tsquery)
    summary = count_and_facets(
        matched,
        request.facets,
        rank=(forms, request) if relevance and forms is not None and tsquery else None,
        estimate=estimate,
        trust_estimate=not parsed.estimate_is_doubtful,
        with_ids=not relevance,
        generic=prepared_filters(request.filters),
    )
    return Matching(parsed, tsquery, matched, summary, forms)


def page_rows(
    matching: Matching, request: SearchRequest
) -> tuple[list[tuple[int, float | None]], str | None]:
    """The ids (and relevance scores) of the page, in the request's order, and the next page's cursor."""
    order = request.order if matching.tsquery or request.order != "relevance" else "date"
    if order == "relevance":
        return matching.summary.ranked, matching.summary.next_cursor
    return ordered_page(matching.matched, order, request, ids=matching.summary.ids)


def page_videos(
    rows: list[tuple[int, float | None]], matching: Matching, request: SearchRequest
) -> tuple[list[tuple[Video, float | None]], dict[int, Highlight]]:
    """The page's videos with their scores, and their highlights when asked for, in one statement."""
    headline = request.highlight and bool(matching.tsquery) and matching.forms is not None
    videos = catalogue.videos_base()
    if headline and matching.forms is not None:
        videos = with_headlines(videos, matching.forms)
    found = videos.in_bulk([video_id for video_id, _ in rows])
    results = [(found[video_id], score) for video_id, score in rows if video_id in found]
    highlights = highlights_of([video for video, _ in results], matching.parsed) if headline else {}
    return results, highlights


# Under `LIMIT n`, the planner prices a sequential scan as if matches were spread evenly and it could
# stop early; for a broad term it then reads and rechecks tens of thousands of documents where the GIN
# bitmap reads only the matching pages. The statements run with these settings always have a GIN path.
# work_mem: exact, not lossy, bitmaps for broad terms. No parallel workers: a Parallel Append runs the tier
# groups of the sample side by side and returns whichever rows come first, so the sample would no longer
# be the most popular matches (and starting workers costs more than these scans).
INDEX_SCANS_ONLY = "SET LOCAL enable_seqscan = off; SET LOCAL work_mem = '32MB'; SET LOCAL max_parallel_workers_per_gather = 0; "


def fetch_with_index_scans(
    cursor: CursorWrapper,
    *statements: str,
    params: Sequence[Any] | Mapping[str, Any] | None = None,
    settings: str = "",
) -> list[list[tuple[Any, ...]]]:
    """The rows of each statement, planned under INDEX_SCANS_ONLY (and `settings`), in one round trip.

    The settings and the statements go as one multi-statement query (psycopg's client-side binding
    allows it), which PostgreSQL runs as one implicit transaction: SET LOCAL lasts to its end, with no
    BEGIN and COMMIT round trips. Inside an open transaction (an atomic block) the settings last to the
    end of that transaction instead, as SET LOCAL always does."""
    cursor.execute(INDEX_SCANS_ONLY + settings + "; ".join(statements), params)
    results = []
    while True:
        if cursor.description is not None:
            results.append(cursor.fetchall())
        if not cursor.nextset():
            return results


# The sample statement of a search without filters is prepared once per connection and runs its generic
# plan: planning its eight tier scans took 1.7-2.7 ms a search at 1M videos (a tenth of the search's time
# in PostgreSQL), the generic plan 0.05 ms, and it is the same plan, since every scan has its tier's GIN
# index and nothing else to go through; the statement's text is parsed once, not at each search. So is
# the sample of a search with one filter of one value of category, language or region (INDEXED_FILTERS),
# which each tier's GIN index holds beside the document: the index then carries both conditions in either
# plan. Over 96 such searches of the search mix's kind at 1M videos, in-process, alternating with and
# without: p50 22.2 -> 20.3 ms, p95 29.8 -> 27.9, every answer the same. With other filters the plan
# depends on their values (a range as narrow as `duration_min=7000` goes through its own index, a broad
# one is checked in the heap: `music` with duration_min=7000 took 128-159 ms on the generic plan, 44
# planned for its values), and with several filters or a list the generic plan, which prices each
# condition by default selectivities, chose the metadata index with the filters alone for some tiers
# where the plan for the values takes the document's, so those statements are planned at each search.
# The query's analysis (analyse) is prepared too, whatever the filters: it reads no table but the
# lexicon, by its btree (3.1 -> 2.0 ms a search over the search mix). A connection keeps the
# PREPARED_KEPT statements it ran last, one per shape (the sample's facets, languages, order and paging,
# and filter; the analysis's words and languages), each 0.1-0.5 MB of its backend's memory.
PREPARED_KEPT = 32
GENERIC_PLAN = "SET LOCAL plan_cache_mode = force_generic_plan; "
INDEXED_FILTERS = frozenset(FILTER_COLUMNS)  # each filter of these names filters the column of its name


def prepared_filters(filters: Mapping[str, list[str]]) -> bool:
    """Whether a sample with these filters runs its generic plan: with none, or with one value of one of
    the columns every tier group's GIN index holds beside the document (INDEXED_FILTERS)."""
    if len(filters) > 1:
        return False
    return all(
        name in INDEXED_FILTERS and len(values) == 1 and "," not in values[0]
        for name, values in filters.items()
    )


def prepared(cursor: CursorWrapper, sql: str, params: Sequence[Any], *, kind: str = "sample") -> str:
    """The `EXECUTE` of `sql` (with %s placeholders for `params`) as a statement prepared on the cursor's
    connection (named vs_<kind>_<hash of the text>), preparing it there first if that connection has not,
    or no longer has, it."""
    database = cursor.db
    kept = getattr(database, "search_prepared", None)
    if kept is None or kept[0] is not database.connection:  # a new connection has none
        kept = (database.connection, OrderedDict())
        database.search_prepared = kept
    names: OrderedDict[str, None] = kept[1]
    name = f"vs_{kind}_" + hashlib.blake2b(sql.encode(), digest_size=8).hexdigest()
    if name in names:
        names.move_to_end(name)
    else:
        numbers = iter(range(1, len(params) + 1))
        numbered = re.sub(r"%%|%s", lambda m: "%" if m.group() == "%%" else f"${next(numbers)}", sql)
        cursor.execute(f"PREPARE {name} AS {numbered}")
        names[name] = None
        if len(names) > PREPARED_KEPT:
            cursor.execute(f"DEALLOCATE {names.popitem(last=False)[0]}")
    return f"EXECUTE {name}({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}"


TIER_OPERATORS = {"gte": ">=", "exact": "=", "lte": "<="}
# A tier group's scan should filter the rows its own index finds, not intersect them with an index range
# over every tier: at the default cost of an index entry (0.005) the planner took a bitmap of the 199,431
# documents published in the last two months, built again in each group, for cheaper than filtering 5,642
# rows (`meilleur` after a date at 1M videos: 90-119 ms; filtered in the heap: 18 ms). At 0.05 it still
# built such bitmaps in the lower tiers, where it expects a word's matches at three times their number
# (each language's form of the word counted apart): `behind` with `duration=long` read the 160,854 long
# documents twice (42 ms, 13 at 0.2), `meilleur` after a date 173,160 (34 ms, 12 at 0.2). At 0.2 a
# selective range still goes through its index (`music` with `duration_min=7000`: 11 ms; heap-filtered,
# 74), and the search mix's filtered queries went from p95 40.7 to 22.2 ms in-process, the other kinds
# unchanged.
SAMPLE_SETTINGS = "SET LOCAL cpu_index_tuple_cost = 0.2; "


def sample_sql(matched: QuerySet[SearchDocument], fields: list[str], *, limit: int) -> tuple[str, list[Any]]:
    """The statement of a sample of the `limit` most popular matches, with their `fields`: a UNION ALL of
    one scan per tier group (search.models.TIER_GROUPS), from the top down; under the LIMIT the Append
    stops at the first groups that fill it. Each group's scan goes through that group's own GIN indexes
    (its documents only), so a broad word never builds the bitmap of all its matches, the words of a query
    are intersected within the group, and the scans of every group together walk each posting list once.

    Each scan is the matches' statement with the group's condition around it, which PostgreSQL pulls into
    the scan and matches with the partial indexes' predicates; the ORM is asked for that statement once,
    not once per group. The condition is written exactly as the predicates are (an integer literal): the
    planner then knows the index implies it, where `pop_tier = 8::smallint` made it intersect the scan
    with the tier's whole btree range as well."""
    base, base_params = matched.values(*fields).query.sql_with_params()
    scans = [
        f"(SELECT * FROM ({base}) AS matches WHERE matches.pop_tier {TIER_OPERATORS[lookup]} {int(tier)})"
        for _, lookup, tier in TIER_GROUPS
    ]
    params = [value for _ in TIER_GROUPS for value in base_params]
    return f"SELECT * FROM ({' UNION ALL '.join(scans)}) AS tiers LIMIT {int(limit)}", params


def estimated_matches(matched: QuerySet[SearchDocument]) -> float:
    """The planner's estimate of the number of matches (from the tsvector and column statistics)."""
    sql, params = matched.values("video_id").query.sql_with_params()
    with read_connection().cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"])


@dataclass
class Summary:
    total: int  # the matches counted: every match when `complete`, else COUNT_CAP + 1
    facets: dict[str, list[FacetCount]]
    ranked: list[tuple[int, float | None]]  # the page, when ranking by relevance
    next_cursor: str | None
    estimate: float | None = None  # the planner's estimate of the matches, where it is trusted
    complete: bool = True  # the sample holds every match: the total and the facets are exact
    ids: list[int] | None = None  # every match's id, when asked for and the sample is complete


def significant(value: float, digits: int = 2) -> int:
    """`value` rounded to `digits` significant digits: an estimate says no more than it knows."""
    exponent = max(0, len(str(int(value))) - digits)
    return int(round(value, -exponent))


def total_of(summary: Summary) -> Total:
    """The `total` of a response: exact where every match was counted (up to COUNT_CAP); past it the
    planner's estimate of the matches (relation `estimate`) where it is trusted and above the count
    reached, otherwise that count as a lower bound (`gte`)."""
    if summary.complete:
        return {"value": summary.total, "relation": "eq"}
    counted = summary.total - 1  # more matches than this were found
    if summary.estimate and summary.estimate > counted:
        return {"value": significant(summary.estimate), "relation": "estimate"}
    return {"value": counted, "relation": "gte"}


def count_and_facets(
    matched: QuerySet[SearchDocument],
    facets: list[str],
    *,
    rank: tuple[QueryForms, SearchRequest] | None = None,
    estimate: float | None = None,
    trust_estimate: bool = True,
    with_ids: bool = False,
    generic: bool = False,
) -> Summary:
    """In one statement over the sample of the COUNT_CAP + 1 most popular matches (sample_sql): the number
    of matches (exact up to COUNT_CAP, then COUNT_CAP + 1), the facet counts over the sample, and, with
    `rank`, the page of the CANDIDATES most popular matches ranked by relevance. Past COUNT_CAP the
    planner's estimate of the matches (`estimate`, or asked for here) is kept for the total, unless it is
    not to be trusted: it takes words as independent, so words that seldom meet, or a word and an
    exclusion that mostly comes with it, match far fewer videos than it expects. `with_ids`: the ids of
    every match too, when there are no more than COUNT_CAP (a page in a catalogue order is then read by
    them, not by a walk down that order's index that probes each video for the query). `generic`: the
    statement is prepared and runs its generic plan (see `prepared`)."""
    if matched.query.is_empty():
        return Summary(0, {facet: [] for facet in facets}, [], None)
    # the sample holds only what the statement reads: each match's row is read from the heap into it
    fields = ["video_id", "pop_tier", *(FACET_COLUMNS[facet] for facet in facets)]
    sampled = matched
    as_of = datetime.now(UTC)
    if rank:
        forms, request = rank
        # Recency is measured from the first page's time, carried in the cursor, so scores do not
        # drift between pages and paging neither repeats nor skips.
        if request.cursor:
            _, _, as_of = decode_cursor(request.cursor, ordering="relevance", types=[float, int, datetime])
        # scored in the scan, from the row it has read: no match is read twice
        score = RawSQL(*score_sql(forms, as_of), output_field=FloatField())  # noqa: S611 - constant SQL
        sampled = matched.annotate(score=score)
        fields.append("score")
    summary = summarise_sample(
        sampled, fields, facets, rank=rank, as_of=as_of, with_ids=with_ids, generic=generic
    )
    if not summary.complete and trust_estimate:
        summary.estimate = estimate if estimate is not None else estimated_matches(matched)
    return summary


def summarise_sample(
    matched: QuerySet[SearchDocument],
    fields: list[str],
    facets: list[str],
    *,
    rank: tuple[QueryForms, SearchRequest] | None,
    as_of: datetime,
    with_ids: bool = False,
    generic: bool = False,
) -> Summary:
    """count_and_facets over the sample of the COUNT_CAP + 1 most popular matches: one statement whose
    rows are the total, each facet's counts and the ranked page, told apart by their first column."""
    sample, params = sample_sql(matched, fields, limit=COUNT_CAP + 1)
    parts = ["SELECT 'total' AS facet, NULL AS value, count(*) AS n, NULL::float8 AS score FROM m"]
    parts += [facet_sql(facet) for facet in facets]
    if with_ids:
        parts.append("SELECT 'ids', string_agg(video_id::text, ','), count(*), NULL FROM m")
    if rank:
        ranked_sql, ranked_params = ranked_page_sql(rank[1])
        parts.append(ranked_sql)
        params += ranked_params
    sql = f"WITH m AS MATERIALIZED ({sample}) " + " UNION ALL ".join(parts)
    with read_connection().cursor() as cursor:
        if generic:
            statement, settings = prepared(cursor, sql, params), SAMPLE_SETTINGS + GENERIC_PLAN
        else:
            statement, settings = sql, SAMPLE_SETTINGS
        (rows,) = fetch_with_index_scans(cursor, statement, params=params, settings=settings)
    total = next(n for facet, _, n, _ in rows if facet == "total")
    counted: dict[str, list[FacetCount]] = {facet: [] for facet in facets}
    for facet, value, n, _ in rows:
        if facet in counted:
            counted[facet].append({"value": value, "count": n})
    ranked: list[tuple[int, float | None]] = [
        (int(value), score) for facet, value, _, score in rows if facet == "ranked"
    ]
    next_cursor = None
    if rank and len(ranked) > rank[1].page_size:
        ranked = ranked[: rank[1].page_size]
        next_cursor = encode_cursor(ordering="relevance", values=[ranked[-1][1], ranked[-1][0], as_of])
    complete = total <= COUNT_CAP
    ids = None
    if with_ids and complete:
        listed = next(value for facet, value, _, _ in rows if facet == "ids")
        ids = [int(video_id) for video_id in listed.split(",")] if listed else []
    return Summary(total, counted, ranked, next_cursor, complete=complete, ids=ids)


def facet_sql(facet: str) -> str:
    """The rows of one facet's counts over the sample `m`: (facet, value, count, NULL)."""
    if facet == "tags":
        return (
            f"(SELECT 'tags', t, count(*), NULL FROM m, unnest(m.tags) AS t GROUP BY t "
            f"ORDER BY count(*) DESC, t LIMIT {TAG_FACET_SIZE})"
        )
    column = DURATION_BUCKET_SQL if facet == "duration" else facet
    return f"(SELECT '{facet}', {column}, count(*), NULL FROM m GROUP BY 2 ORDER BY 3 DESC, 2)"


def ranked_page_sql(request: SearchRequest) -> tuple[str, list[Any]]:
    """The rows of the ranked page over the sample `m`: ('ranked', id, NULL, score), the CANDIDATES most
    popular matches ordered by score, after the request's cursor, one more than a page."""
    after, params = "", []
    if request.cursor:
        score, last_id, _ = decode_cursor(request.cursor, ordering="relevance", types=[float, int, datetime])
        after, params = "WHERE (score, video_id) < (%s, %s)", [score, last_id]
    sql = (
        f"(SELECT 'ranked', video_id::text, NULL, score FROM "
        f"(SELECT video_id, score FROM m ORDER BY pop_tier DESC, video_id DESC LIMIT {CANDIDATES}) AS top "
        # top.video_id, not video_id: that name is also the output column, the id as text
        f"{after} ORDER BY score DESC, top.video_id DESC LIMIT {request.page_size + 1})"
    )
    return sql, params


# order=date pages the documents themselves: their published_at carries the search's date filters and
# its index (search_document_published_idx) serves both; through api_video's index, a search with
# published_before walked every newer video first (`guide` before 2026: 2.7 s at 1M videos). The cursor
# is the catalogue's date cursor (same name and values).
DOCUMENT_DATE_ORDER = KeysetPagination(
    name="date", keys=[("published_at", "published_at", datetime), ("video_id", "video_id", int)]
)


def ordered_page(
    matched: QuerySet[SearchDocument], order: str, request: SearchRequest, *, ids: list[int] | None = None
) -> tuple[list[tuple[int, float | None]], str | None]:
    """Matches in a catalogue order (date, views, rating, trending), paged by that order's keyset; read
    by their `ids` where the summary has them all (up to COUNT_CAP): a walk down the order's index that
    tests each video against the query passed ~2,000 videos per match of a rare word (`order=trending`
    of a word with 3,500 matches: 53 ms)."""
    if ids is not None:
        matched = SearchDocument.objects.filter(video_id__in=ids)
    if order == "date":
        documents = matched.order_by("-published_at", "-video_id").only("video_id", "published_at")
        page, next_cursor = DOCUMENT_DATE_ORDER.page(documents, size=request.page_size, cursor=request.cursor)
        return [(document.video_id, None) for document in page], next_cursor
    if order == "trending":
        from analytics.selectors import trending_ordered_videos

        videos, pagination = trending_ordered_videos()
    else:
        videos, pagination = catalogue.video_list(order=order), catalogue.VIDEO_ORDERINGS[order]
    # Only the keys: the page's ids are read in that order, without the channel join and the wide
    # columns (a mid-frequency word sorts all its matches; the page's videos are read once, afterwards).
    keys = videos.select_related(None).only("id", "published_at", "view_count", "like_count", "dislike_count")
    keys = keys.filter(pk__in=ids) if ids is not None else keys.filter(pk__in=matched.values("video_id"))
    page, next_cursor = pagination.page(keys, size=request.page_size, cursor=request.cursor)
    return [(video.pk, None) for video in page], next_cursor


def with_headlines(videos: QuerySet[Video], forms: QueryForms) -> QuerySet[Video]:
    """The videos with their title and description fragments, matches between the MARK sentinels, read
    in the same statement as the page's videos (ts_headline reads whole texts: the page's only). A text
    is parsed with its language's stemmer, and its matches are the query's words as written or stemmed
    for that language, unmarked (QueryForms.headline)."""
    options = f"StartSel={MARK_OPEN}, StopSel={MARK_CLOSE}"
    config = 'coalesce(vs_stem_config("api_video"."language"), \'simple\')'
    # Sentinels in the text itself are dropped; angle brackets become private-use characters.
    translation = (f"<>{ANGLE_OPEN}{ANGLE_CLOSE}{MARK_OPEN}{MARK_CLOSE}", ANGLE_OPEN + ANGLE_CLOSE)
    query, query_params = by_language_sql('"api_video"."language"', forms.headline, forms.match)

    def headline(column: str, fragments: str) -> RawSQL:
        return RawSQL(  # noqa: S611 - column and options are constants here; text and tsquery are parameters
            f'ts_headline({config}, translate("api_video"."{column}", %s, %s), {query}, '
            f"'{fragments}, {options}')",
            (*translation, *query_params),
            output_field=TextField(),
        )

    return videos.annotate(
        title_headline=headline("title", "HighlightAll=true"),
        description_headline=headline(
            "description", 'MaxFragments=2, MaxWords=24, MinWords=8, FragmentDelimiter=" … "'
        ),
    )


def highlights_of(videos: list[Video], parsed: ParsedQuery) -> dict[int, Highlight]:
    """The fragments of videos read through `with_headlines`, as text with every match between the
    MARK sentinels (search.serializers.highlight_html makes the HTML of them)."""
    cjk_terms = [t.text for t in parsed.terms if t.is_cjk and not t.negated]
    return {
        video.pk: {
            "title": marked_text(getattr(video, "title_headline", ""), cjk_terms),
            "description": marked_text(getattr(video, "description_headline", ""), cjk_terms),
        }
        for video in videos
    }


def marked_text(headline: str, cjk_terms: list[str]) -> str:
    """A ts_headline fragment with its angle brackets back, and the CJK terms marked inside words too,
    since ts_headline only marks whole words."""
    text = (headline or "").replace(ANGLE_OPEN, "<").replace(ANGLE_CLOSE, ">")
    if not cjk_terms:
        return text
    pattern = re.compile("|".join(re.escape(t) for t in sorted(cjk_terms, key=len, reverse=True)))
    pieces = re.split(f"({MARK_OPEN}.*?{MARK_CLOSE})", text)
    return "".join(
        piece
        if piece.startswith(MARK_OPEN)
        else pattern.sub(lambda m: f"{MARK_OPEN}{m.group(0)}{MARK_CLOSE}", piece)
        for piece in pieces
    )


# The words of a query that look misspelled, each with its normalised form: neither the word nor a word
# starting with its English stem is in the lexicon (`running` is fine where `run` is known). The word is
# looked up with `~>=~ AND ~<=~`, through the btree of search_lexicon_prefix: with `=` the planner took the
# trigram index, whose equality rechecks every word sharing a trigram (0.8 ms a word at 1M videos, where
# the btree takes 0.01).
UNKNOWN_WORDS_SQL = """ARRAY(
    SELECT ARRAY[w.typed, n.norm] FROM unnest(%s::text[]) AS w(typed)
    CROSS JOIN LATERAL (SELECT lower(vs_unaccent(w.typed)) AS norm,
                               coalesce((tsvector_to_array(to_tsvector('english', w.typed)))[1], '') AS stem) n
    WHERE NOT EXISTS (SELECT 1 FROM search_lexicon k WHERE k.word ~>=~ n.norm AND k.word ~<=~ n.norm AND k.ndoc > 0)
      AND NOT EXISTS (SELECT 1 FROM search_lexicon k
                      WHERE n.stem <> '' AND k.word ~>=~ n.stem AND k.word ~<~ (n.stem || chr(1114111))
                        AND k.ndoc > 0))"""


# The lexicon's document count of each word (normalised as UNKNOWN_WORDS_SQL does, 0 where it has none),
# then the number of documents (the planner's).
NARROWING_COUNTS_SQL = """ARRAY(
    SELECT coalesce((SELECT max(k.ndoc) FROM search_lexicon k
                     WHERE k.word ~>=~ lower(vs_unaccent(w.typed)) AND k.word ~<=~ lower(vs_unaccent(w.typed))), 0)
    FROM unnest(%s::text[]) WITH ORDINALITY AS w(typed, n) ORDER BY w.n
) || (SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'search_document'::regclass)"""


@dataclass(frozen=True)
class QueryForms:
    """A query's tsquery texts: what matches (each word as written or stemmed for each language it may be
    in; '' when nothing searchable is left); what ranks a document of each of those languages (its stems)
    and one of any other (the words as written: SCORE_SQL); and what ts_headline marks in a text of each
    language (the words as written and its unmarked stems; the matching query elsewhere)."""

    match: str
    written: str
    stemmed: dict[str, str] = field(default_factory=dict)
    headline: dict[str, str] = field(default_factory=dict)
    # the AND of the query's groups but its most common words (narrow_groups) and its phrases, which the
    # indexes of the documents find; `match` then checks each of them. None: the indexes find `match`
    # itself (or the shingles alone).
    narrow: str | None = None
    # the AND of its phrases' shingles (phrase_shingles), which the shingles' indexes find; `match` then
    # checks each document
    shingles: str | None = None


# A query of many words: its common words' posting lists are long and say little (`short`, `film`, `beats`
# in a title typed with its channel's name). The indexes find the documents holding its other words, and
# the whole query is checked in each of those (at 1M videos, `film analysis explained in 10 minutes short
# film Beats`, 1,470 matches: 27 ms through the index of every word, 5 ms through those of `analysis` and
# `explained` and a check of their 2,064 documents). Only the words in more than COMMON_SHARE of the
# documents are left to the check: the rarest two words alone, chosen as if independent, were often
# words that always come together (`pop dance`: 17,589 documents checked, 39 ms). And only where the
# posting lists left out are NARROW_RATIO times the documents of the rarest word kept, the most that may
# have to be checked: a check costs about what 30 posting entries do, but the words kept seldom all come
# together (`pop dance home` left out `home`'s 65,052 entries to check up to 17,589 documents, all of
# which hold `pop dance`: 33 ms where every index took 17).
NARROW_MIN_GROUPS = 3  # the query's AND groups
COMMON_SHARE = 0.05
NARROW_RATIO = 10


def narrowing_candidates(parsed: ParsedQuery) -> list[int]:
    """The AND groups of `parsed` that may be left to the check: one plain word each (not a phrase, an
    exclusion, a synonym's OR or CJK), when it has NARROW_MIN_GROUPS groups or more."""
    if len(parsed.groups) < NARROW_MIN_GROUPS:
        return []
    plain = {id(term) for term in parsed.positive_words}
    return [i for i, group in enumerate(parsed.groups) if len(group) == 1 and id(group[0]) in plain]


def narrow_groups(candidates: list[int], counts: list[int], documents: float, groups: int) -> list[int]:
    """The groups (of `groups`) that the indexes are to find: all but the `candidates` whose word is in
    more than COMMON_SHARE of the `documents` (`counts`: the lexicon's document count of each); [] where
    none is, fewer than two groups would be left, or the entries left out are fewer than NARROW_RATIO
    times the rarest kept word's documents."""
    count_of = dict(zip(candidates, counts, strict=True))
    common = {group for group, count in count_of.items() if count > COMMON_SHARE * documents}
    kept = [group for group in range(groups) if group not in common]
    checked = min((count_of[group] for group in kept if group in count_of), default=0)
    if not common or len(kept) < 2 or sum(count_of[group] for group in common) < NARROW_RATIO * checked:
        return []
    return kept


# A phrase's match tsquery as PostgreSQL writes it: its forms OR'd, each a chain of quoted lexemes
# (quotes doubled inside) joined by `<->` or `<N>` (a stemmer's stopword between): anything else (a
# prefix, a weight, an exclusion, a synonym's lone word) has no shingles to find it by.
LEXEME = r"'(?:[^'\\]|'')*'"
PHRASE_CHAIN = re.compile(rf"{LEXEME}(?: <(?:-|\d+)> {LEXEME})+")
CHAIN_STEP = re.compile(rf"({LEXEME}) <(-|\d+)> (?=({LEXEME}))")


def phrase_shingles(group_tsquery: str) -> str | None:
    """The tsquery of the shingles (vs_shingles: 'a b' for the lexemes a and b at adjacent positions)
    that every document matching `group_tsquery` holds: of each of its forms, the pairs joined by `<->`;
    None where a form has none (a single word, only `<N>` steps, anything but a chain)."""
    forms = group_tsquery.split(" | ")
    shingled = []
    for form in forms:
        if not PHRASE_CHAIN.fullmatch(form):
            return None
        pairs = [f"'{a[1:-1]} {b[1:-1]}'" for a, step, b in CHAIN_STEP.findall(form) if step == "-"]
        if not pairs:
            return None
        shingled.append(" & ".join(dict.fromkeys(pairs)))
    return " | ".join(f"( {form} )" for form in dict.fromkeys(shingled))


def analyse(
    parsed: ParsedQuery, *, estimate: bool = False, languages: Sequence[str] | None = None
) -> tuple[QueryForms, dict[str, str], float | None]:
    """In one round trip: the tsquery texts of `parsed` (QueryForms), stemmed for the catalogue's
    languages (only `languages`, the request's filter, when given); its words that look misspelled
    (UNKNOWN_WORDS_SQL), typed form to normalised form; and, with `estimate`, the planner's estimate of the
    documents the tsquery matches (vs_estimated_matches, migrations_sql/0014)."""
    stems = query_languages(languages)
    used = sorted({code for term in parsed.terms for code in term.stem_languages(stems)})
    forms = [Forms(stems=tuple(used)), Forms(stems=())]
    for language in used:
        forms += [Forms(written=False, stems=(language,)), Forms(stems=(language,), marked=False)]
    # every form's words' tsqueries evaluated once (Pieces), then combined
    pieces = Pieces()
    expressions = [f"({tsquery_sql(parsed, form, pieces)[0]})::text" for form in forms]
    # with groups that may be left to a check, or with a phrase: each group's tsquery (and those words'
    # documents)
    narrowing = narrowing_candidates(parsed)
    phrased = any(term.phrase and not term.negated for term in parsed.terms)
    for group in parsed.groups if narrowing or phrased else []:
        expressions.append(f"({tsquery_sql(ParsedQuery([group]), forms[0], pieces)[0]})::text")
    words = [t.text for t in parsed.positive_words if 3 <= len(t.text) <= 40 and not t.text.isdigit()]
    unknown_sql, params = (UNKNOWN_WORDS_SQL, [words]) if words else ("'{}'::text[]", [])
    estimate_sql = "CASE WHEN numnode(t.q[1]::tsquery) > 0 THEN vs_estimated_matches(t.q[1]::tsquery) END"
    counts_sql = "NULL"
    if narrowing:
        counts_sql = NARROWING_COUNTS_SQL
        params.append([parsed.groups[i][0].text for i in narrowing])
    pieces_sql, pieces_params = pieces.from_sql()
    sql = (
        f"SELECT t.q, {unknown_sql}, {counts_sql}, {estimate_sql if estimate else 'NULL'} "
        f"FROM (SELECT ARRAY[{', '.join(expressions)}] AS q FROM {pieces_sql}) AS t"
    )
    with read_connection().cursor() as cursor:
        # prepared: its plan is the same for any words of the same shape (0.8 ms of planning a search)
        statement = prepared(cursor, sql, [*params, *pieces_params], kind="analysis")
        cursor.execute(GENERIC_PLAN + statement, [*params, *pieces_params])
        cursor.nextset()  # past the SET
        texts, unknown, counts, estimated = cursor.fetchone()
    narrow = shingles = None
    group_texts = texts[len(forms) :]
    if narrowing:
        *word_counts, documents = counts
        chosen = narrow_groups(narrowing, word_counts, documents, len(parsed.groups))
        if chosen and all(group_texts[i] for i in chosen):
            narrow = " & ".join(f"( {group_texts[i]} )" for i in chosen)
    if phrased:
        narrow, shingles = _phrase_narrowing(parsed, group_texts, narrow)
    matching, written = texts[0] or "", texts[1]
    # a form that lost every word (stemmers drop their stopwords) ranks and marks by the matching query
    stemmed = {language: texts[2 + 2 * i] or matching for i, language in enumerate(used)}
    headline = {language: texts[3 + 2 * i] or matching for i, language in enumerate(used)}
    forms_found = QueryForms(
        matching,
        written or matching,
        stemmed,
        headline,
        narrow if matching else None,
        shingles if matching else None,
    )
    return forms_found, dict(unknown), estimated


def _phrase_narrowing(
    parsed: ParsedQuery, group_texts: list[str], narrow: str | None
) -> tuple[str | None, str | None]:
    """The documents' and the shingles' index conditions of a query with a phrase: the phrases' shingles
    (phrase_shingles), and the query's other groups that the indexes are to find (`narrow`'s where the
    common words are left out, else every group with no exclusion), as (narrow, shingles); `narrow` as
    it was where no phrase has shingles."""
    shingled = {i: phrase_shingles(text) for i, text in enumerate(group_texts) if text}
    shingled = {i: text for i, text in shingled.items() if text}
    if not shingled:
        return narrow, None
    kept = [
        f"( {text} )"
        for i, (group, text) in enumerate(zip(parsed.groups, group_texts, strict=True))
        if i not in shingled
        and text
        and not any(term.negated for term in group)
        and (narrow is None or f"( {text} )" in narrow)
    ]
    return " & ".join(kept) or None, " & ".join(f"( {text} )" for text in shingled.values())


def spelling_corrections(unknown: dict[str, str]) -> dict[str, str]:
    """For each word that looks misspelled (typed form to normalised form, from `analyse`), its best
    close neighbour in the lexicon: trigram-similar and within an edit distance that grows with the
    word's length; the most similar wins, frequency breaking near-ties."""
    if not unknown:
        return {}
    with read_connection().cursor() as cursor:
        # the lexicon grows with the catalogue; its trigram index always serves
        (rows,) = fetch_with_index_scans(
            cursor,
            """
            SELECT w.typed, best.word FROM unnest(%s::text[], %s::text[]) AS w(typed, norm)
            CROSS JOIN LATERAL (
                SELECT x.word FROM search_lexicon x
                WHERE x.word %% w.norm AND x.ndoc > 0
                  AND levenshtein(x.word, w.norm) <= CASE WHEN char_length(w.norm) <= 4 THEN 1 ELSE 2 END
                                                     + CASE WHEN char_length(w.norm) >= 4 THEN 1 ELSE 0 END
                ORDER BY similarity(x.word, w.norm) + 0.02 * ln(x.ndoc) DESC, x.word
                LIMIT 1
            ) AS best
            """,
            params=[list(unknown), list(unknown.values())],
            settings="SET LOCAL pg_trgm.similarity_threshold = 0.2; ",
        )
    return {typed: word for typed, word in rows if typed.lower() != word}


# Completions of a key prefix, most popular first: the 200 heaviest keys in the prefix's range of the
# key index, each text once.
SUGGEST_RANGE_SQL = """
    SELECT text, kind FROM (
        SELECT DISTINCT ON (text) text, kind, weight FROM (
            SELECT text, kind, weight FROM search_suggestion WHERE key LIKE %s
            ORDER BY weight DESC LIMIT 200
        ) top ORDER BY text, weight DESC
    ) d ORDER BY weight DESC, text LIMIT %s
"""
# Typo tolerance: the lexicon's words that the last typed word (4+ characters) may be a misspelt start of:
# trigram-similar (the index finds them), and within an edit distance of 1 (4 characters) or 2 (5 and more)
# of the word's start, cut one shorter, as long or one longer than what was typed (a missing, a swapped or
# an extra letter); the most similar first, frequency breaking ties.
SUGGEST_TYPO_MIN = 4
SUGGEST_TYPO_SQL = """
    SELECT x.word FROM search_lexicon x
    WHERE x.word %% %(typed)s AND x.ndoc > 0 AND NOT (x.word ~>=~ %(typed)s AND x.word ~<~ (%(typed)s || chr(1114111)))
      AND least(levenshtein(left(x.word, %(n)s - 1), %(typed)s), levenshtein(left(x.word, %(n)s), %(typed)s),
                levenshtein(left(x.word, %(n)s + 1), %(typed)s)) <= %(distance)s
    ORDER BY similarity(x.word, %(typed)s) DESC, x.ndoc DESC, x.word LIMIT 3
"""


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def suggest(*, prefix: str, limit: int) -> list[Suggestion]:
    """Completions for `prefix`, most popular first: short prefixes from the precomputed top lists,
    longer ones from a range scan of the keys. When those are fewer than `limit` and the last word typed
    has SUGGEST_TYPO_MIN characters or more, the completions of the words it may be a misspelling of
    follow (`pyhton` suggests `python ...`)."""
    with read_connection().cursor() as cursor:
        cursor.execute("SELECT vs_suggest_key(%s)", [prefix])
        key = cursor.fetchone()[0] or ""
        if not key:
            return []
        if len(key) <= 2:
            cursor.execute(
                "SELECT text, kind FROM search_suggestion_top WHERE prefix = %s ORDER BY weight DESC, text LIMIT %s",
                [key, limit],
            )
            return [{"text": text, "kind": kind} for text, kind in cursor.fetchall()]
        cursor.execute(SUGGEST_RANGE_SQL, [escape_like(key) + "%", limit])
        found: dict[str, str] = dict(cursor.fetchall())
        head, _, typed = key.rpartition(" ")
        if len(found) < limit and len(typed) >= SUGGEST_TYPO_MIN:
            (rows,) = fetch_with_index_scans(
                cursor,
                SUGGEST_TYPO_SQL,
                params={
                    "typed": typed,
                    "n": len(typed),
                    "distance": 1 if len(typed) == SUGGEST_TYPO_MIN else 2,
                },
                settings="SET LOCAL pg_trgm.similarity_threshold = 0.2; ",
            )
            for (word,) in rows:
                corrected = f"{head} {word}" if head else word
                cursor.execute(SUGGEST_RANGE_SQL, [escape_like(corrected) + "%", limit - len(found)])
                for text, kind in cursor.fetchall():
                    found.setdefault(text, kind)
                if len(found) >= limit:
                    break
        return [{"text": text, "kind": kind} for text, kind in list(found.items())[:limit]]


def channel_search_sql(tsquery: str, *, typed: bool, after_cursor: bool) -> tuple[str, str]:
    """The count (up to %(cap)s) and the page (%(limit)s rows after %(score)s, %(last_id)s) of the channels
    matching %(tsq)s, ranked among the CANDIDATES with the most subscribers; every channel when nothing
    was typed, none when what was typed holds no term."""
    match_sql = "search_vector @@ %(tsq)s::tsquery" if tsquery else ("FALSE" if typed else "TRUE")
    score_sql = (
        f"ts_rank_cd('{RANK_WEIGHTS}', search_vector, %(tsq)s::tsquery, 1) * (1 + 0.1 * ln(1 + subscriber_count))"
        if tsquery
        else "ln(1 + subscriber_count)::float8"
    )
    after = "AND (score, id) < (%(score)s, %(last_id)s)" if after_cursor else ""
    count_sql = f"SELECT count(*) FROM (SELECT 1 FROM api_channel WHERE {match_sql} LIMIT %(cap)s) m"
    page_sql = f"""
        SELECT id, score FROM (
            SELECT id, ({score_sql})::float8 AS score FROM (
                SELECT * FROM api_channel WHERE {match_sql} ORDER BY subscriber_count DESC, id DESC LIMIT {CANDIDATES}
            ) top
        ) s WHERE TRUE {after} ORDER BY score DESC, id DESC LIMIT %(limit)s
    """
    return count_sql, page_sql


def channel_search(*, q: str, page_size: int, cursor: str | None) -> ChannelSearchResult:
    started = time.perf_counter()
    parsed = parse(q)
    if q and parsed.terms and not parsed.has_positive:
        raise InvalidInputError({"q": ["The query needs at least one term that is not excluded."]})
    # channels' vectors hold their words as written only (migrations_sql/0004)
    tsquery = to_tsquery(parsed, languages=()) if parsed.terms else ""
    params: dict[str, Any] = {"limit": page_size + 1, "tsq": tsquery or None, "cap": TOTAL_CAP + 1}
    if cursor:
        score, last_id = decode_cursor(cursor, ordering="channels", types=[float, int])
        params.update(score=score, last_id=last_id)
    count_sql, page_sql = channel_search_sql(tsquery, typed=bool(q), after_cursor=bool(cursor))
    with read_connection().cursor() as db:
        ((total,),), rows = fetch_with_index_scans(db, count_sql, page_sql, params=params)
    page, more = rows[:page_size], len(rows) > page_size
    found = Channel.objects.in_bulk([channel_id for channel_id, _ in page])
    return {
        "query": {"q": q, "corrected": None, "synonyms": []},
        "total": {"value": min(total, TOTAL_CAP), "relation": "gte" if total > TOTAL_CAP else "eq"},
        "results": [(found[channel_id], score) for channel_id, score in page if channel_id in found],
        "next_cursor": encode_cursor(ordering="channels", values=[page[-1][1], page[-1][0]])
        if more
        else None,
        "took_ms": round((time.perf_counter() - started) * 1000),
    }
