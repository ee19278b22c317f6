"""The search index inside PostgreSQL.

`SearchDocument` is one row per video, kept by triggers on the catalogue (migrations_sql/0003): the
weighted, multilingual tsvector and copies of the filterable columns, so that matching, filtering,
counting and facets run on one table under one GIN index, and the frequent updates of a video's
counters never rewrite that index.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from search.expressions import Shingles

# Popularity tiers (pop_tier: half-decades of views) grouped so that each group is one scan of the sample:
# the rare top tiers together, then one tier each, the unseen and nearly unseen videos together. A group
# is (name, lookup, tier); its condition is `pop_tier <lookup> <tier>`.
# The common filters, which every GIN index of the documents holds beside what it matches (btree_gin), so
# that one scan answers the match and those filters together.
FILTER_COLUMNS = ("category", "language", "region")

TIER_GROUPS: tuple[tuple[str, str, int], ...] = (
    ("9up", "gte", 9),
    ("8", "exact", 8),
    ("7", "exact", 7),
    ("6", "exact", 6),
    ("5", "exact", 5),
    ("4", "exact", 4),
    ("3", "exact", 3),
    ("2down", "lte", 2),
)


def tier_condition(lookup: str, tier: int) -> models.Q:
    return models.Q(**{f"pop_tier__{lookup}": tier})


def tier_indexes() -> list[GinIndex]:
    """For each tier group, a GIN index of the text match and one of the metadata match, each with the
    common filters, over that group's documents only."""
    indexes = []
    for name, lookup, tier in TIER_GROUPS:
        condition = tier_condition(lookup, tier)
        indexes.append(
            GinIndex(
                "document",
                *FILTER_COLUMNS,
                name=f"search_doc_t{name}_gin",
                condition=condition,
            )
        )
        indexes.append(
            GinIndex(
                OpClass("metadata", name="jsonb_path_ops"),
                *FILTER_COLUMNS,
                name=f"search_meta_t{name}_gin",
                condition=condition,
            )
        )
    return indexes


def shingle_indexes() -> list[GinIndex]:
    """The documents' shingles (vs_shingles: each pair of adjacent lexemes) with the common filters, over
    every document and over each tier group's: a phrase search's candidates are the documents holding its
    pairs (search.selectors.phrase_shingles)."""
    columns: tuple[models.expressions.Combinable, ...] = (
        Shingles(models.F("document")),
        *(models.F(column) for column in FILTER_COLUMNS),
    )
    indexes = [GinIndex(*columns, name="search_document_shingles_gin")]
    for name, lookup, tier in TIER_GROUPS:
        indexes.append(
            GinIndex(*columns, name=f"search_shi_t{name}_gin", condition=tier_condition(lookup, tier))
        )
    return indexes


class SearchDocument(models.Model):
    video = models.OneToOneField(
        "api.Video",
        on_delete=models.DO_NOTHING,
        primary_key=True,
        db_constraint=False,
        related_name="search_document",
    )
    channel = models.ForeignKey(
        "api.Channel", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    category = models.CharField(max_length=20)
    language = models.CharField(max_length=2)
    region = models.CharField(max_length=2)
    duration_s = models.IntegerField()
    published_at = models.DateTimeField()
    tags = ArrayField(models.CharField(max_length=64))
    metadata = models.JSONField()
    pop_tier = models.SmallIntegerField()
    # ranking's popularity lift from views and likes (vs_pop_score), kept by the triggers
    pop_score = models.FloatField(db_default=0.0)
    # the words of the title (vs_title_words): ranking's title-length norm, kept by the triggers
    title_words = models.SmallIntegerField(db_default=0)
    document = SearchVectorField()

    class Meta:
        db_table = "search_document"
        indexes = [
            # btree_gin lets one GIN index answer the text match and the common filters together (the scan
            # intersects their posting lists). These serve the scans of every match (catalogue orders).
            GinIndex("document", *FILTER_COLUMNS, name="search_document_gin"),
            GinIndex(fields=["tags"], name="search_document_tags_gin"),
            GinIndex(
                OpClass("metadata", name="jsonb_path_ops"),
                *FILTER_COLUMNS,
                name="search_document_meta_gin",
            ),
            # The popularity-first sample (search.selectors.sample_sql) scans the tiers from the top down,
            # each through indexes of its own documents only, so a word's posting list in a tier holds
            # that tier's matches and no scan walks the others'.
            *tier_indexes(),
            *shingle_indexes(),
            # the tiers of a browse with no indexed condition (no words, no category, language, region
            # or metadata filter)
            models.Index(fields=["-pop_tier", "-video"], name="search_document_tier_idx"),
            models.Index(fields=["-published_at", "-video"], name="search_document_published_idx"),
            models.Index(fields=["duration_s"], name="search_doc_duration_idx"),  # duration filters
            models.Index(fields=["channel", "-published_at"], name="search_document_channel_idx"),
        ]

    def __str__(self) -> str:
        return f"search document of video {self.video_id}"


class LexiconWord(models.Model):
    """A word of the catalogue's titles, tags and channel names, with the number of videos using it."""

    word = models.TextField(primary_key=True)
    ndoc = models.IntegerField(default=0)

    class Meta:
        db_table = "search_lexicon"
        indexes = [
            GinIndex(OpClass("word", name="gin_trgm_ops"), name="search_lexicon_trgm"),
            models.Index(OpClass("word", name="text_pattern_ops"), name="search_lexicon_prefix"),
        ]

    def __str__(self) -> str:
        return f"{self.word} ({self.ndoc})"


class Suggestion(models.Model):
    """An as-you-type completion: `key` is a normalised suffix of `text` starting at a word boundary, so
    that 'stew' completes 'kimchi stew'; `weight` is the popularity of what it leads to."""

    key = models.TextField(db_collation="C")
    text = models.TextField()
    kind = models.CharField(max_length=7)
    weight = models.FloatField()

    class Meta:
        db_table = "search_suggestion"
        indexes = [models.Index("key", name="search_suggestion_key_idx")]

    def __str__(self) -> str:
        return self.text


class Synonym(models.Model):
    """A synonym set (search.synonyms): without `expands_to`, each of `terms` finds the others; with it,
    each of `terms` also finds the `expands_to` terms, not the reverse. Terms may be phrases."""

    terms = ArrayField(models.CharField(max_length=100))
    expands_to = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "search_synonym"
        ordering = ["id"]

    def __str__(self) -> str:
        arrow = " -> " + ", ".join(self.expands_to) if self.expands_to else ""
        return ", ".join(self.terms) + arrow
