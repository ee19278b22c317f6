from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    """Each channel's totals over all time (analytics_channel_totals): the catalogue's top channels walk
    down them."""

    dependencies = [("analytics", "0019_channel_cube")]

    operations = [run_sql_file("0036_channel_totals.sql")]
