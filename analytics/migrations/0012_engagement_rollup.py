from django.db import migrations

from config.sqlfiles import apply_definitions, run_sql_file


class Migration(migrations.Migration):
    """Likes and comments per video and day (analytics_video_daily_engagement), kept by triggers on the
    reactions and comments (analytics/sql/functions.sql), then those already there, in one transaction
    with both tables locked against writes while they are counted."""

    dependencies = [("analytics", "0011_channel_tag_rollups"), ("api", "0010_filter_indexes")]

    operations = [
        run_sql_file("0024_engagement_rollup.sql"),
        apply_definitions("analytics/sql/functions.sql", sha256="76046dcffd18"),
        run_sql_file("0025_engagement_backfill.sql"),
    ]
