from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [run_sql_file("0001_extensions.sql")]
