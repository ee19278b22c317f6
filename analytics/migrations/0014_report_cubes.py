from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    """The rollups of the report query model: per video, day, country and device, and the catalogue's per
    day, country, device, category and language, filled from the events already stored."""

    dependencies = [("analytics", "0013_channel_viewer_sample")]

    operations = [run_sql_file("0030_report_cubes.sql")]
