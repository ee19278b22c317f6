from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    initial = True
    dependencies = [("api", "0002_catalogue")]
    operations = [run_sql_file("0005_analytics.sql")]
