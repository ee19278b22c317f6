"""`make bench`: seed the benchmark database if needed, run the HTTP latency run, the search mix beside
tantivy (benchmarks.search_mix) and then the in-process suites (pytest-benchmark), and write
benchmarks/results/{inprocess,http,search_mix,report}.json and report.md.

    BENCH_VIDEOS=1000000 BENCH_EVENTS=10000000 make bench   # the scale of the issues (default)
    BENCH_VIDEOS=20000 BENCH_EVENTS=200000 make bench       # CI scale

The database is DATABASE_URL, or the embedded server of the project (.pgdata), held open while this runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "k" * 50)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from api.models import Video

    videos = int(os.environ.get("BENCH_VIDEOS", "1000000"))
    events = int(os.environ.get("BENCH_EVENTS", "10000000"))
    call_command("migrate", verbosity=0)
    if Video.objects.count() != videos:
        print(f"Seeding {videos} videos for the benchmarks ...", flush=True)
        call_command("seed", videos=videos, reset=True)
    stored = stored_events()
    if stored < events:
        print(f"Seeding {events - stored} view events for the benchmarks ...", flush=True)
        call_command("seed", events=events - stored, events_only=True)
    vacuum()
    env = {**os.environ, "DATABASE_URL": settings.DATABASE_URL}
    # The naive baselines run for seconds at full scale: no statement timeout in-process (gunicorn, in the
    # HTTP run, keeps the service's own).
    inprocess_env = {**env, "DB_STATEMENT_TIMEOUT_MS": "0"}
    RESULTS.mkdir(parents=True, exist_ok=True)
    pytest = [
        sys.executable,
        "-m",
        "pytest",
        "benchmarks",
        "-p",
        "no:cacheprovider",
        "--benchmark-enable",
        "--benchmark-only",
        f"--benchmark-json={RESULTS / 'inprocess.json'}",
        "--benchmark-columns=min,mean,median,max,rounds",
        "--benchmark-group-by=group",
        "-q",
    ]
    # The service over HTTP first: the naive baselines of the in-process suite scan the raw events (tens
    # of millions of rows) and push ingestion's working set, the rollups' pages, out of the caches; right
    # after them, ingestion ran at 7,000 events/s where it sustains 11,000-13,000.
    subprocess.run(
        [sys.executable, "-m", "benchmarks.http_bench", "--out", str(RESULTS / "http.json")],
        cwd=ROOT,
        env=env,
        check=True,
    )
    # The real query mix beside tantivy (issue 15), before the naive baselines for the same reason.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.search_mix",
            "--out",
            str(RESULTS / "search_mix.json"),
            "--per-kind",
            os.environ.get("BENCH_MIX_PER_KIND", "30"),
            "--rounds",
            os.environ.get("BENCH_MIX_ROUNDS", "3"),
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    subprocess.run(pytest, cwd=ROOT, env=inprocess_env, check=True)
    scale = f"{videos:,} videos and {stored_events():,} events"
    subprocess.run([sys.executable, "-m", "benchmarks.report", scale], cwd=ROOT, env=env, check=True)


def vacuum() -> None:
    """Measure a settled database: visibility map set and hint bits written, as autovacuum leaves it,
    and those pages on disk. (Without the CHECKPOINT, the checkpoint after a VACUUM of the whole
    database wrote gigabytes while the benchmarks ran: ingestion's commits, which wait for the disk, fell
    to half their rate.)"""
    from django.db import connection
    from django.db.utils import ProgrammingError

    print("VACUUM (ANALYZE), CHECKPOINT ...", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
        cursor.execute("VACUUM (ANALYZE)")
        try:
            cursor.execute("CHECKPOINT")  # superuser or pg_checkpoint
        except ProgrammingError as exc:
            print(f"CHECKPOINT skipped: {exc}".strip(), flush=True)
        cursor.execute("RESET statement_timeout")


def stored_events() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM analytics_view_event")
        return cursor.fetchone()[0]


if __name__ == "__main__":
    main()
