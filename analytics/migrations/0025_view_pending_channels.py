from django.db import migrations

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    """The second queue of stored events: the channels', tags' and catalogue's rollups fold from it."""

    dependencies = [("analytics", "0024_view_pending")]

    operations = [run_sql_file("0041_view_pending_channels.sql")]
