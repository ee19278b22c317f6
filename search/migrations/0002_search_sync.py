from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [
        run_sql_file("0002_search_functions.sql"),
        run_sql_file("0003_search_sync.sql"),
        run_sql_file("0004_search_suggest_channels.sql"),
    ]
