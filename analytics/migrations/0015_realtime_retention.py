from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    """Realtime views per video and minute over the last hour and the catalogue's per minute; the position
    each view reached and, per video and day, the views that reached each tenth of the video."""

    dependencies = [("analytics", "0014_report_cubes")]

    operations = [run_sql_file("0031_realtime_retention.sql")]
