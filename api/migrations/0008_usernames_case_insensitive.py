from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    dependencies = [("api", "0007_primary_pins"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [run_sql_file("0019_usernames_case_insensitive.sql")]
