from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    """Rollups per channel (hourly, daily by country and device, daily viewers) and per tag (daily), then
    those of the events already rolled up per video, in one transaction with the per-video rollups locked
    against writes while they are summed."""

    dependencies = [("analytics", "0010_video_totals")]

    operations = [
        run_sql_file("0022_channel_tag_rollups.sql"),
        run_sql_file("0023_channel_tag_rollups_backfill.sql"),
    ]
