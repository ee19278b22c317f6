from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    dependencies = [("analytics", "0003_trending_windows")]
    operations = [run_sql_file("0009_rollup_fillfactor.sql")]
