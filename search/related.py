"""Related videos: the videos that share a video's rarest words and tags, then its channel and language.

Bounded like search, and through the same popularity-first samples (search.selectors.sample_sql: tier
group by tier group from the most viewed down, each through its own GIN indexes, with the request's
filters), all in one statement: the SAMPLE most viewed videos holding the source's two rarest title and
tag words together (then, when those are too few, the SAMPLE most viewed holding any of its rarest words,
any_of), and the channel's CHANNEL_CANDIDATES newest videos (with filters, those the filters keep among its
CHANNEL_SCAN newest). Those few hundred candidates are scored in full: the rarity (idf, from the
did-you-mean lexicon's document counts) of each of its RELATED_WORDS rarest words they share, whole tags,
channel and language.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import QuerySet

from api import selectors as catalogue
from api.models import Video
from config.replicas import read_connection
from search.expressions import TsMatch
from search.models import SearchDocument
from search.selectors import SAMPLE_SETTINGS, fetch_with_index_scans, filtered_documents, sample_sql

RELATED_WORDS = 6  # the source's rarest words that find candidates
SAMPLE = 100  # the most viewed candidates of each word query
CHANNEL_CANDIDATES = 50
CHANNEL_SCAN = 500  # the channel's newest videos that the filters choose its candidates from
EITHER_SHARE = 0.02  # the documents of the words whose any-of query finds more candidates (any_of)
MAX_WORD_SHARE = 0.05  # a word in more than this share of the documents says nothing of a subject
MIN_WORD_LIMIT = 20  # ... unless the catalogue is so small that 5% is fewer documents than this
# what a candidate gains beyond the rarity (idf) of the words it shares
TAG_WEIGHT = 1.5  # per whole tag shared, times the rarity of its rarest word
SAME_CHANNEL = 3.0
SAME_LANGUAGE = 1.0
# The source's words: its title's and tags' words as the lexicon holds them (vs_words without the channel
# name, which every video of the channel shares), rarest first, with their document counts (words in more
# than MAX_WORD_SHARE of the documents left out); the tsqueries of its two rarest together and of each;
# and the number of documents (the planner's, or a count while the table is small).
SOURCE_SQL = f"""
    SELECT v.channel_id, v.language, v.tags, s.words, s.counts,
           (SELECT string_agg(plainto_tsquery('pg_catalog.simple', w)::text, ' & ') FROM unnest(s.words[:2]) AS w),
           (SELECT array_agg(plainto_tsquery('pg_catalog.simple', w)::text) FROM unnest(s.words) AS w),
           n.documents
    FROM (SELECT greatest(1, CASE WHEN reltuples >= 10000 THEN reltuples
                                  ELSE (SELECT count(*) FROM search_document) END) AS documents
          FROM pg_class WHERE oid = 'search_document'::regclass) AS n
    CROSS JOIN api_video v CROSS JOIN LATERAL (
        SELECT coalesce((array_agg(l.word ORDER BY l.ndoc, l.word))[:{RELATED_WORDS}], '{{}}') AS words,
               coalesce((array_agg(l.ndoc ORDER BY l.ndoc, l.word))[:{RELATED_WORDS}], '{{}}') AS counts
        FROM (SELECT DISTINCT unnest(vs_words(v.title, v.tags, NULL)) AS word) AS w
        -- equality through the btree of search_lexicon_prefix: with `=`, the planner took the trigram index
        -- (0.8 ms a word, where the btree takes 0.01; see search.selectors.UNKNOWN_WORDS_SQL)
        JOIN search_lexicon l ON l.word ~>=~ w.word AND l.word ~<=~ w.word
             AND l.ndoc BETWEEN 2 AND greatest({MIN_WORD_LIMIT}, n.documents * {MAX_WORD_SHARE})
    ) AS s
    WHERE v.id = %(video)s
"""
# Each candidate's row and the rarity of the source's words it holds (each word's tsquery made once).
SCORED_SQL = """
    SELECT d.video_id, d.channel_id, d.language, d.tags, d.pop_score,
           (SELECT coalesce(sum(w.idf), 0) FROM unnest(%s::tsquery[], %s::float8[]) AS w(q, idf)
            WHERE d.document @@ w.q)
    FROM (SELECT DISTINCT video_id FROM ({candidates}) AS c WHERE video_id <> %s) AS c
    JOIN search_document d ON d.video_id = c.video_id
"""


def candidates(cursor: Any, documents: QuerySet[SearchDocument], words: Words) -> list[tuple[Any, ...]]:
    """In one statement (SCORED_SQL), each with its row and the rarity of the source's words it holds: the
    SAMPLE most viewed `documents` holding the two rarest words together (`words.both`); when those are
    fewer than `words.limit`, the SAMPLE most viewed holding any of the rarest (`words.either`) too (a
    one-time filter of the plan: not scanned otherwise); and the channel's CHANNEL_CANDIDATES newest."""
    parts: list[str] = []
    params: list[Any] = []
    rare = ""
    if words.both:
        both, params = sample_sql(
            documents.filter(TsMatch(words.both)), ["video_id", "pop_tier"], limit=SAMPLE
        )
        rare = f"WITH rare AS MATERIALIZED ({both}) "
        parts.append("SELECT video_id FROM rare")
        if words.either and words.either != words.both:
            either, either_params = sample_sql(
                documents.filter(TsMatch(words.either)), ["video_id", "pop_tier"], limit=SAMPLE
            )
            parts.append(
                f"SELECT video_id FROM ({either}) AS more "
                "WHERE (SELECT count(*) FROM rare WHERE video_id <> %s) < %s"
            )
            params += [*either_params, words.video_id, words.limit]
    newest = SearchDocument.objects.filter(channel_id=words.source.channel_id).order_by("-published_at")
    channel = newest
    if words.filtered:
        # the channel's newest that the filters keep, among its CHANNEL_SCAN newest: bounded whatever the
        # filters (walking a 78,000-video channel for 50 of a filter it seldom meets took 110 ms)
        channel = documents.filter(video_id__in=newest.values("video_id")[:CHANNEL_SCAN]).order_by(
            "-published_at"
        )
    channel_sql, channel_params = channel.values("video_id")[:CHANNEL_CANDIDATES].query.sql_with_params()
    parts.append(channel_sql)
    params += channel_params
    (rows,) = fetch_with_index_scans(
        cursor,
        SCORED_SQL.format(candidates=rare + " UNION ALL ".join(f"({part})" for part in parts)),
        params=[words.each, words.idfs, *params, words.video_id],
        settings=SAMPLE_SETTINGS,
    )
    return rows


def any_of(each: list[str], counts: list[int], documents: float) -> str | None:
    """The tsquery of any of the rarest words (`each`, rarest first, with their document `counts`) whose
    documents together are at most EITHER_SHARE of them (the rarest one whatever its count; all of them in a
    catalogue so small that the share is under MIN_WORD_LIMIT documents a word). Each word is a posting
    list that a filtered scan reads whole, and the commoner words add the most documents and the least
    subject: at 1M videos, `lo` (in 2.2% of them) beside two rarer words took a tier group's scan with
    `language=ko` from 1.1 to 5.5 ms."""
    chosen: list[str] = []
    total = 0
    for tsquery, count in zip(each, counts, strict=True):
        total += count
        if chosen and total > max(documents * EITHER_SHARE, MIN_WORD_LIMIT * RELATED_WORDS):
            break
        chosen.append(f"({tsquery})")
    return " | ".join(chosen) or None


@dataclass
class Source:
    channel_id: int
    language: str
    tags: list[str]
    words: list[str]
    counts: list[int]


@dataclass
class Words:
    """What the candidates of a source are found with (candidates)."""

    source: Source
    video_id: int
    limit: int
    each: list[str]  # each word's tsquery
    idfs: list[float]  # each word's rarity
    both: str | None  # the tsquery of the two rarest together
    either: str | None  # the tsquery of any of the rarest (any_of)
    filtered: bool  # whether the request has filters


def related_videos(
    *, video_id: int, limit: int, filters: Mapping[str, list[str]]
) -> list[tuple[Video, float]] | None:
    """Up to `limit` videos like `video_id` (never itself), best first, each with its score, among those
    the search `filters` keep: the rarity (idf) of each title or tag word they share, more for each whole
    tag shared, and a bonus for the same channel and the same language, lifted a little by popularity.
    None when there is no such video."""
    with read_connection().cursor() as cursor:
        cursor.execute(SOURCE_SQL, {"video": video_id})
        row = cursor.fetchone()
        if row is None:
            return None
        source = Source(row[0], row[1], list(row[2] or []), row[3], row[4])
        both, each, documents = row[5], row[6] or [], float(row[7])
        idf = {
            word: math.log(documents / count) for word, count in zip(source.words, source.counts, strict=True)
        }
        words = Words(
            source=source,
            video_id=video_id,
            limit=limit,
            each=each,
            idfs=list(idf.values()),
            both=both,
            either=any_of(each, source.counts, documents),
            filtered=bool(filters),
        )
        documents_kept = filtered_documents(filters)
        if filters:  # where the rare words often miss: the any-of sample in the same statement, if needed
            rows = candidates(cursor, documents_kept, words)
        else:  # where they seldom do: a statement with half the scans to plan, then one with all if needed
            rows = candidates(cursor, documents_kept, replace(words, either=None))
            if words.either and sum(1 for r in rows if r[5] > 0) < limit:
                rows = candidates(cursor, documents_kept, words)
    tag_rarity = {tag: max((idf.get(word, 0.0) for word in tag.split()), default=0.0) for tag in source.tags}
    scored = []
    for candidate_id, channel_id, language, tags, pop_score, shared in rows:
        score = float(shared)
        score += sum(TAG_WEIGHT * tag_rarity[tag] for tag in set(tags or []) if tag in tag_rarity)
        score += SAME_CHANNEL * (channel_id == source.channel_id) + SAME_LANGUAGE * (
            language == source.language
        )
        scored.append((score * (1 + pop_score / 4), candidate_id))
    best = sorted(scored, reverse=True)[:limit]
    found = catalogue.videos_base().in_bulk([candidate_id for _, candidate_id in best])
    return [(found[candidate_id], round(score, 4)) for score, candidate_id in best if candidate_id in found]
