from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    dependencies = [("api", "0005_video_rating_index")]

    operations = [run_sql_file("0016_rate_counters.sql")]
