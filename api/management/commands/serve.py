"""`make run`: migrate, seed a demo catalogue on first start, and serve with gunicorn beside the
maintenance worker (`manage.py maintain`).

gunicorn is started as a child with DATABASE_URL pointing at this command's database, so that with the
embedded PostgreSQL this process holds the server open while the workers run, and stops it at exit.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from api.models import Video


class Command(BaseCommand):
    help = "Migrate, seed demo data if the catalogue is empty, and serve with gunicorn on $PORT."

    def add_arguments(self, parser):
        parser.add_argument("--demo-videos", type=int, default=5000, help="videos to seed on first start")
        parser.add_argument(
            "--demo-events", type=int, default=50_000, help="view events to seed on first start"
        )
        parser.add_argument("--no-seed", action="store_true")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Migrations applied.")
        if not options["no_seed"] and not Video.objects.exists():
            call_command("seed", videos=options["demo_videos"], events=options["demo_events"])
        env = {**os.environ, "DATABASE_URL": settings.DATABASE_URL}
        env.setdefault("HOST", "127.0.0.1")
        self.stdout.write(f"Serving on http://{env['HOST']}:{settings.PORT}/api/v1/videos/ (Ctrl-C stops)")
        self.stdout.flush()
        # the trending snapshots before the first request, then the periodic jobs (suggestions, trending
        # snapshots, partitions, throttle counters) beside gunicorn
        call_command("maintain", once=True, job=["trending_snapshots"])
        worker = subprocess.Popen([sys.executable, "manage.py", "maintain"], env=env, cwd=settings.BASE_DIR)
        child = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            env=env,
            cwd=settings.BASE_DIR,
        )

        def forward(signum, frame):
            child.send_signal(signum)
            worker.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, forward)
        signal.signal(signal.SIGINT, forward)
        status = child.wait()
        worker.send_signal(signal.SIGTERM)
        worker.wait()
        raise SystemExit(status)
