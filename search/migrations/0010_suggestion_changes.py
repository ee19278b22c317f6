"""Suggestions follow the catalogue: triggers mark the texts a change adds or removes, and the maintenance
worker refreshes their suggestions (vs_suggestions_refresh); the hourly rebuild deletes rather than
truncates, so suggestions answer throughout."""

from django.db import migrations

from config.sqlfiles import apply_definitions, run_sql_file


class Migration(migrations.Migration):
    dependencies = [("search", "0009_functions_file"), ("analytics", "0009_functions_file")]

    operations = [
        run_sql_file("0017_suggestion_changes.sql"),
        apply_definitions("search/sql/functions.sql", sha256="fa5ab617ac5f"),
    ]
