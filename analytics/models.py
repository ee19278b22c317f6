"""Unmanaged models over the analytics tables of migrations_sql/0005 (partitioned events and rollups),
for the ORM's reads."""

from __future__ import annotations

from django.db import models


class VideoTrending(models.Model):
    """Per video: the trending score (NULL before its first view event) and a copy of its view count,
    which orders `order=views` (migrations_sql/0012)."""

    video = models.OneToOneField(
        "api.Video",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="counters",
    )
    score_log = models.FloatField(null=True)
    view_count = models.BigIntegerField()
    updated_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "analytics_video_trending"

    def __str__(self) -> str:
        return f"trending score of video {self.video_id}"
