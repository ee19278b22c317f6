from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    dependencies = [("search", "0002_search_sync")]
    operations = [run_sql_file("0007_suggest_channels_without_videos.sql")]
