from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    dependencies = [("analytics", "0004_rollup_fillfactor"), ("api", "0003_video_channel_no_separate_index")]
    operations = [run_sql_file("0011_hot_tables_autovacuum.sql")]
