from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models

import search.expressions
from config.sqlfiles import apply_definitions

# (name, condition) of each index of the documents' shingles: every document, then each tier group's
TIERS = [
    ("search_document_shingles_gin", None),
    ("search_shi_t9up_gin", models.Q(("pop_tier__gte", 9))),
    *((f"search_shi_t{tier}_gin", models.Q(("pop_tier__exact", tier))) for tier in (8, 7, 6, 5, 4, 3)),
    ("search_shi_t2down_gin", models.Q(("pop_tier__lte", 2))),
]


class Migration(migrations.Migration):
    """The documents' shingles (vs_shingles: each pair of adjacent lexemes) in GIN indexes with the common
    filters, over every document and each tier group's: a phrase search finds its candidates by their
    pairs. Built concurrently: searches and writes go on meanwhile (at 1M videos, minutes per index)."""

    atomic = False

    dependencies = [
        ("api", "0011_engagement_count_indexes"),
        ("search", "0014_search_log"),
    ]

    operations = [
        apply_definitions("search/sql/functions.sql", sha256="f0dfcd594257"),
        *(
            AddIndexConcurrently(
                model_name="searchdocument",
                index=GinIndex(
                    search.expressions.Shingles(models.F("document")),
                    models.F("category"),
                    models.F("language"),
                    models.F("region"),
                    name=name,
                    condition=condition,
                ),
            )
            for name, condition in TIERS
        ),
    ]
