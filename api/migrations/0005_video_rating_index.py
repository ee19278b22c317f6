"""order=rating walks an index of the rating expression (api.models.RATING) instead of sorting every
video (or every match of a search): built concurrently, so writes go on meanwhile."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models

from api.models import RATING


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("api", "0004_video_views_order_elsewhere"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="video",
            index=models.Index(RATING.desc(), models.F("id").desc(), name="video_rating_idx"),
        ),
    ]
