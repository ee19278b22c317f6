"""Unmanaged models over the analytics tables of migrations_sql/0005 (partitioned events and rollups),
for the ORM's reads."""

from __future__ import annotations

from django.db import models


class VideoTrending(models.Model):
    video_id = models.BigIntegerField(primary_key=True)
    score_log = models.FloatField()
    updated_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "analytics_video_trending"

    def __str__(self) -> str:
        return f"trending score of video {self.video_id}"
