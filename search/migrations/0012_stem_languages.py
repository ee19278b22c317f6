from django.db import migrations, models

from config.sqlfiles import apply_definitions, run_sql_file


class Migration(migrations.Migration):
    """Every language PostgreSQL has a stemmer for is stemmed, with its stems marked with the language
    (search/sql/functions.sql: vs_stem_config, vs_mark_lexemes); the catalogue's stemmed languages in
    search_language; the words of each title (ranking's title-length norm); the documents of those
    languages rewritten with their marked stems."""

    dependencies = [("search", "0011_filter_indexes")]

    operations = [
        run_sql_file("0027_search_languages.sql"),
        migrations.AddField(
            model_name="searchdocument", name="title_words", field=models.SmallIntegerField(db_default=0)
        ),
        apply_definitions("search/sql/functions.sql", sha256="02fcfeca9b54"),
        run_sql_file("0028_search_stems_backfill.sql"),
    ]
