from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    dependencies = [("api", "0006_rate_counters")]

    operations = [run_sql_file("0018_primary_pins.sql")]
