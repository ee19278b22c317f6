from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    dependencies = [("analytics", "0005_hot_tables_autovacuum"), ("api", "0004_video_views_order_elsewhere")]
    operations = [run_sql_file("0012_views_order_on_trending_row.sql")]
