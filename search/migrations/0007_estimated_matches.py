from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    dependencies = [("search", "0006_meta_tier_gin")]

    operations = [run_sql_file("0014_search_estimated_matches.sql")]
