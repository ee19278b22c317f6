from django.db import migrations

from config.sqlfiles import apply_definitions, run_sql_file


class Migration(migrations.Migration):
    """Search analytics: the searches and the clicks on their results, partitioned by day
    (migrations_sql/0029), and the functions that make and drop their partitions."""

    dependencies = [("search", "0013_synonyms")]

    operations = [
        run_sql_file("0029_search_log.sql"),
        apply_definitions("search/sql/functions.sql", sha256="9a819a5bf07f"),
    ]
