from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    """A sixteenth of each channel's viewers, by hash, indexed apart: the sample its distinct viewers are
    estimated from when they are many."""

    dependencies = [("analytics", "0012_engagement_rollup")]

    operations = [run_sql_file("0026_channel_viewer_sample.sql")]
