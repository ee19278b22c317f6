from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    """The trending list `now` walks the index that orders search by trending; the partial index of the
    same order goes (one index fewer for ingestion to write)."""

    dependencies = [("analytics", "0020_channel_totals")]

    operations = [run_sql_file("0037_one_trending_score_index.sql")]
