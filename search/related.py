"""Related videos: the videos that share a video's rarest words and tags, then its channel and language.

Bounded like search: the source's RELATED_WORDS rarest title and tag words (by their document counts in
the did-you-mean lexicon) each read at most WORD_POSTINGS of their documents through the GIN index,
beside the channel's CHANNEL_CANDIDATES newest videos; the RELATED_CANDIDATES best of those are scored in
full and filtered.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from api import selectors as catalogue
from api.models import Video
from config.replicas import read_connection
from search.selectors import filtered_documents

RELATED_WORDS = 8  # the source's rarest words that find candidates
WORD_POSTINGS = 1_000  # documents read per word
CHANNEL_CANDIDATES = 50
RELATED_CANDIDATES = 300
MAX_WORD_SHARE = 0.05  # a word in more than this share of the documents says nothing of a subject
MIN_WORD_LIMIT = 20  # ... unless the catalogue is so small that 5% is fewer documents than this
# The number of documents: the planner's count, or an exact one while the table is small (never analysed)
DOCUMENTS_SQL = """
    SELECT CASE WHEN reltuples >= 10000 THEN reltuples ELSE (SELECT count(*) FROM search_document) END
    FROM pg_class WHERE oid = 'search_document'::regclass
"""
# what a candidate gains beyond the rarity (idf) of the words it shares
TAG_WEIGHT = 1.5  # per whole tag shared, times the rarity of its rarest word
SAME_CHANNEL = 3.0
SAME_LANGUAGE = 1.0
# The source's words: its title's and tags' words as the lexicon holds them (vs_words without the channel
# name, which every video of the channel shares), with their document counts.
SOURCE_SQL = """
    SELECT v.channel_id, v.language, v.tags, s.words, s.counts
    FROM api_video v CROSS JOIN LATERAL (
        SELECT coalesce(array_agg(l.word ORDER BY l.ndoc, l.word), '{}') AS words,
               coalesce(array_agg(l.ndoc ORDER BY l.ndoc, l.word), '{}') AS counts
        FROM (SELECT DISTINCT unnest(vs_words(v.title, v.tags, NULL)) AS word) AS w
        JOIN search_lexicon l ON l.word = w.word AND l.ndoc BETWEEN 2 AND %(max_ndoc)s
    ) AS s
    WHERE v.id = %(video)s
"""
# Each word's documents (WORD_POSTINGS at most, through the document GIN index) and the channel's newest
# videos; each candidate scored by the rarity of the words it shares.
CANDIDATES_SQL = f"""
    SELECT video_id, sum(idf) AS score FROM (
        SELECT d.video_id, w.idf
        FROM unnest(%(words)s::text[], %(idfs)s::float8[]) AS w(word, idf)
        CROSS JOIN LATERAL (
            SELECT video_id FROM search_document
            WHERE document @@ plainto_tsquery('pg_catalog.simple', w.word) LIMIT {WORD_POSTINGS}
        ) AS d
        UNION ALL
        (SELECT video_id, 0 FROM search_document WHERE channel_id = %(channel)s
         ORDER BY published_at DESC LIMIT {CHANNEL_CANDIDATES})
    ) AS hits
    WHERE video_id <> %(video)s
    GROUP BY video_id ORDER BY score DESC, video_id DESC LIMIT {RELATED_CANDIDATES}
"""


@dataclass
class Source:
    channel_id: int
    language: str
    tags: list[str]
    words: list[str]
    counts: list[int]


def related_videos(
    *, video_id: int, limit: int, filters: Mapping[str, list[str]]
) -> list[tuple[Video, float]] | None:
    """Up to `limit` videos like `video_id` (never itself), best first, each with its score, among those
    the search `filters` keep: the rarity (idf) of each title or tag word they share, more for each whole
    tag shared, and a bonus for the same channel and the same language, lifted a little by popularity.
    None when there is no such video."""
    with read_connection().cursor() as cursor:
        cursor.execute(DOCUMENTS_SQL)
        documents = max(float(cursor.fetchone()[0]), 1.0)
        max_ndoc = max(MIN_WORD_LIMIT, int(documents * MAX_WORD_SHARE))
        cursor.execute(SOURCE_SQL, {"video": video_id, "max_ndoc": max_ndoc})
        row = cursor.fetchone()
        if row is None:
            return None
        source = Source(row[0], row[1], list(row[2] or []), row[3][:RELATED_WORDS], row[4][:RELATED_WORDS])
        idf = {
            word: math.log(documents / count) for word, count in zip(source.words, source.counts, strict=True)
        }
        cursor.execute(
            CANDIDATES_SQL,
            {
                "words": source.words,
                "idfs": list(idf.values()),
                "channel": source.channel_id,
                "video": video_id,
            },
        )
        shared = dict(cursor.fetchall())
    if not shared:
        return []
    candidates = filtered_documents(filters).filter(video_id__in=list(shared))
    tag_rarity = {tag: max((idf.get(word, 0.0) for word in tag.split()), default=0.0) for tag in source.tags}
    scored = []
    for candidate_id, channel_id, language, tags, pop_score in candidates.values_list(
        "video_id", "channel_id", "language", "tags", "pop_score"
    ):
        score = float(shared[candidate_id])
        score += sum(TAG_WEIGHT * tag_rarity[tag] for tag in set(tags or []) if tag in tag_rarity)
        score += SAME_CHANNEL * (channel_id == source.channel_id) + SAME_LANGUAGE * (
            language == source.language
        )
        scored.append((score * (1 + pop_score / 4), candidate_id))
    best = sorted(scored, reverse=True)[:limit]
    found = catalogue.videos_base().in_bulk([candidate_id for _, candidate_id in best])
    return [(found[candidate_id], round(score, 4)) for score, candidate_id in best if candidate_id in found]
