from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    """The catalogue's cube also summed over category and language, over country and device, and over all
    four, so that a report reads the smallest set that has its fields."""

    dependencies = [("analytics", "0015_realtime_retention")]

    operations = [run_sql_file("0032_catalogue_cube_sets.sql")]
