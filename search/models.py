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
    document = SearchVectorField()

    class Meta:
        db_table = "search_document"
        indexes = [
            # btree_gin lets one GIN index answer the text match, the popularity tier and the common filters
            # together (the scan intersects their posting lists).
            GinIndex("document", "pop_tier", "category", "language", "region", name="search_document_gin"),
            GinIndex(fields=["tags"], name="search_document_tags_gin"),
            # metadata beside the tier and the common filters: a filter-only browse samples tier by tier
            # (search.selectors.sample_sql), and the scan of each tier intersects the metadata
            # entry's long posting list with the tier's inside the index instead of building the bitmap
            # of every video with that metadata once per tier.
            GinIndex(
                OpClass("metadata", name="jsonb_path_ops"),
                "pop_tier",
                "category",
                "language",
                "region",
                name="search_document_meta_tier_gin",
            ),
            models.Index(fields=["-published_at", "-video"], name="search_document_published_idx"),
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
