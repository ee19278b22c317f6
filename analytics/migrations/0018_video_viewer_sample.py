from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    """A sample of each video's viewers, as a channel's has (0013): its distinct viewers are estimated."""

    dependencies = [("analytics", "0017_drop_video_daily_dim")]

    operations = [run_sql_file("0034_video_viewer_sample.sql")]
