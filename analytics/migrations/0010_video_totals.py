from django.db import migrations

from config.sqlfiles import apply_definitions, run_sql_file


class Migration(migrations.Migration):
    """Each video's totals (analytics_video_totals), kept by triggers on the hourly rollup: the table, the
    triggers (analytics/sql/functions.sql), then the totals of the hours already there, all in one
    transaction with the hourly rollup locked against writes while they are summed."""

    dependencies = [("analytics", "0009_functions_file")]

    operations = [
        run_sql_file("0020_video_totals.sql"),
        apply_definitions("analytics/sql/functions.sql", sha256="6f944f7ccbc3"),
        run_sql_file("0021_video_totals_backfill.sql"),
    ]
