from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [("analytics", "0007_ingest_skips_counters_copy")]
    operations = [run_sql_file("0015_trending_order_index.sql")]
