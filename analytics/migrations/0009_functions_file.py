from django.db import migrations

from config.sqlfiles import apply_definitions


class Migration(migrations.Migration):
    """From here on, analytics/sql/functions.sql holds the current definition of every analytics function
    and trigger; a change to it comes with a migration like this one."""

    dependencies = [("analytics", "0008_trending_order_index")]

    operations = [apply_definitions("analytics/sql/functions.sql", sha256="706b6c61ca5e")]
