from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    """The events stored and not yet folded into the rollups."""

    dependencies = [("analytics", "0023_engagement_sums_in_key")]

    operations = [run_sql_file("0040_view_pending.sql")]
