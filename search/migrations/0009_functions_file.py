from django.db import migrations

from config.sqlfiles import apply_definitions


class Migration(migrations.Migration):
    """From here on, search/sql/functions.sql holds the current definition of every search function and
    trigger; a change to it comes with a migration like this one."""

    dependencies = [("search", "0008_tier_indexes")]

    operations = [apply_definitions("search/sql/functions.sql", sha256="1cfa4ea0e7ba")]
