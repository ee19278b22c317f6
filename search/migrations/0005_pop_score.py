from django.db import migrations, models

from config.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    dependencies = [("search", "0004_pop_tier_trigger_when")]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="pop_score",
            field=models.FloatField(db_default=0.0),
        ),
        run_sql_file("0010_search_pop_score.sql"),
    ]
