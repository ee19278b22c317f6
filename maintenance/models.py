from __future__ import annotations

from django.db import models


class JobState(models.Model):
    """The last run of a periodic job, whichever host ran it: what `maintain` reads to know what is due,
    and what /readyz reports."""

    name = models.CharField(max_length=40, primary_key=True)
    last_started_at = models.DateTimeField(null=True)
    last_finished_at = models.DateTimeField(null=True)
    last_ok = models.BooleanField(default=True)
    last_message = models.TextField(default="")
    last_duration_ms = models.IntegerField(default=0)
    runs = models.BigIntegerField(default=0)

    class Meta:
        db_table = "maintenance_job_state"

    def __str__(self) -> str:
        return self.name
