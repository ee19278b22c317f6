from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    """A video's breakdowns by country and device come from its cube: the per-dimension rollup goes."""

    dependencies = [("analytics", "0016_catalogue_cube_sets")]

    operations = [run_sql_file("0033_drop_video_daily_dim.sql")]
