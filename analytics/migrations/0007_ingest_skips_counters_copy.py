from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    dependencies = [("analytics", "0006_views_order_on_trending_row")]
    operations = [run_sql_file("0013_ingest_skips_counters_copy.sql")]
