from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    """The channels' daily rollup by country and device keyed by value before day: the top channels in
    one country or on one device read only that value's rows."""

    dependencies = [("analytics", "0021_one_trending_score_index")]

    operations = [run_sql_file("0038_channel_dims_by_value.sql")]
