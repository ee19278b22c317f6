from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    dependencies = [("analytics", "0002_trending_model")]
    operations = [run_sql_file("0006_trending_windows.sql")]
