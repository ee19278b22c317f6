from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    dependencies = [("search", "0003_suggest_channels_without_videos")]
    operations = [run_sql_file("0008_pop_tier_trigger_when.sql")]
