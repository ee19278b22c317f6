"""The metadata GIN index gains the popularity tier and the common filters (search.models), built
concurrently before the old one is dropped, so metadata filters are served throughout."""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("search", "0005_pop_score"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="searchdocument",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass("metadata", name="jsonb_path_ops"),
                models.F("pop_tier"),
                models.F("category"),
                models.F("language"),
                models.F("region"),
                name="search_document_meta_tier_gin",
            ),
        ),
        RemoveIndexConcurrently(
            model_name="searchdocument",
            name="search_document_meta_gin",
        ),
    ]
