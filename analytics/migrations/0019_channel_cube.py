from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    """The channels' cube (channel, day, category, language): catalogue reports of channels filtered by
    category or language."""

    dependencies = [("analytics", "0018_video_viewer_sample")]

    operations = [run_sql_file("0035_channel_cube.sql")]
