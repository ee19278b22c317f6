"""`manage.py maintain`: the periodic jobs of every app (maintenance.jobs), forever or once."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection

from maintenance.jobs import JOBS, run_due


class Command(BaseCommand):
    help = "Run the periodic jobs (suggestions, trending snapshots, partitions, throttle counters) as they fall due."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="run what is due, then exit")
        parser.add_argument("--tick", type=float, default=2.0, help="seconds between looks at what is due")
        parser.add_argument(
            "--job",
            action="append",
            choices=[job.name for job in JOBS],
            help="only this job (repeatable); e.g. `--once --job trending_snapshots` before the service starts",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")  # a rebuild at scale outlasts a request's limit
        jobs = tuple(job for job in JOBS if not options["job"] or job.name in options["job"])
        self.stdout.write(f"maintain: {', '.join(f'{j.name} every {j.every_s} s' for j in jobs)}")
        self.stdout.flush()
        while not stopping:
            ran = run_due(jobs)
            if ran:
                self.stdout.write(f"ran {', '.join(ran)}")
                self.stdout.flush()
            if options["once"]:
                return
            deadline = time.monotonic() + options["tick"]
            while not stopping and time.monotonic() < deadline:
                time.sleep(0.2)
