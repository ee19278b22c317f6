"""The periodic jobs of every app, run by `manage.py maintain` (no cron): each on one host at a time (a
PostgreSQL advisory lock), due by its last run as recorded in maintenance_job_state, so that restarts
and several workers keep the schedule."""

from __future__ import annotations

import logging
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection

from analytics.realtime import realtime_prune
from analytics.services import partitions_create_ahead, trending_snapshots_refresh, views_fold
from api.throttling import rate_counters_prune
from config.replicas import primary_pins_prune
from maintenance.models import JobState
from search.querylog import partitions_maintain as search_log_partitions
from search.services import suggestions_rebuild, suggestions_refresh

logger = logging.getLogger("maintenance")


@dataclass(frozen=True)
class Job:
    name: str
    every_s: int
    run: Callable[[], object]  # returns what it did, for the log and the job's state

    @property
    def lock_key(self) -> int:
        return zlib.crc32(f"maintenance:{self.name}".encode())


JOBS = (
    # the events a last batch stored while another connection folded (ingestion folds the rest itself)
    Job("views_fold", 5, views_fold),
    # new, edited and deleted tags, titles and channel names reach suggestions within seconds
    Job("suggestions_refresh", 10, suggestions_refresh),
    # weights follow the view counts
    Job("suggestions_rebuild", 3600, suggestions_rebuild),
    # requests find the 24h and 7d trending snapshots fresh instead of recomputing one
    Job("trending_snapshots", 15, trending_snapshots_refresh),
    # ingestion never waits for a month's partition to be made
    Job("partitions_ahead", 6 * 3600, partitions_create_ahead),
    # search records and clicks: day partitions made a week ahead, those past 31 days dropped
    Job("search_log_partitions", 3600, search_log_partitions),
    Job("rate_counters_prune", 60, rate_counters_prune),
    # the realtime per-minute rows past two hours
    Job("realtime_prune", 60, realtime_prune),
    Job("primary_pins_prune", 60, primary_pins_prune),
)


def is_due(job: Job, now: datetime) -> bool:
    state = JobState.objects.filter(name=job.name).first()
    return (
        state is None
        or state.last_finished_at is None
        or now - state.last_finished_at >= timedelta(seconds=job.every_s)
    )


def run_if_due(job: Job) -> bool:
    """Run `job` if it is due and no other host runs it now; True when it ran."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [job.lock_key])
        if not cursor.fetchone()[0]:
            return False
        try:
            if not is_due(
                job, datetime.now(UTC)
            ):  # checked under the lock: another host may just have run it
                return False
            _run(job)
            return True
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [job.lock_key])


def _run(job: Job) -> None:
    started = datetime.now(UTC)
    clock = time.monotonic()
    JobState.objects.update_or_create(name=job.name, defaults={"last_started_at": started})
    try:
        outcome, ok = job.run(), True
    except Exception as exc:
        logger.exception("maintenance job %s failed", job.name)
        outcome, ok = f"{type(exc).__name__}: {exc}", False
    took_ms = round((time.monotonic() - clock) * 1000)
    message = str(outcome)[:500]
    if ok:
        logger.info("maintenance job %s: %s in %d ms", job.name, message, took_ms)
    state = JobState.objects.get(name=job.name)
    state.last_finished_at = datetime.now(UTC)
    state.last_ok, state.last_message, state.last_duration_ms = ok, message, took_ms
    state.runs += 1
    state.save()


def run_due(jobs: tuple[Job, ...] = JOBS) -> list[str]:
    return [job.name for job in jobs if run_if_due(job)]


def status(jobs: tuple[Job, ...] = JOBS) -> dict[str, dict[str, object]]:
    """Each job's lag: seconds since it last finished, beyond its period (0 while on schedule)."""
    now = datetime.now(UTC)
    states = {s.name: s for s in JobState.objects.filter(name__in=[j.name for j in jobs])}
    report: dict[str, dict[str, object]] = {}
    for job in jobs:
        state = states.get(job.name)
        finished = state.last_finished_at if state else None
        report[job.name] = {
            "every_s": job.every_s,
            "last_finished_at": finished.isoformat() if finished else None,
            "lag_s": round(max(0.0, (now - finished).total_seconds() - job.every_s), 1) if finished else None,
            "ok": state.last_ok if state else None,
        }
    return report
