from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    """The likes and comments per video and day: the channel and the sums in the primary key's index."""

    dependencies = [("analytics", "0022_channel_dims_by_value")]

    operations = [run_sql_file("0039_engagement_sums_in_key.sql")]
