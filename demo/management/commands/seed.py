"""Demo data for every app, deterministic at any scale: the catalogue (api.seeding), its search index
(search.services), and view events through ingestion's bulk path (analytics.seeding).

    python manage.py seed --videos 5000            # a demo catalogue in seconds
    python manage.py seed --videos 1000000 --reset # the benchmark scale
    python manage.py seed --events 100000 --events-only
"""

from __future__ import annotations

import random
import time
from argparse import ArgumentParser
from datetime import UTC, datetime
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from analytics.seeding import events_seed
from api import seeding
from search.services import search_index_rebuild


class Command(BaseCommand):
    help = "Seed users, channels, videos, reactions, comments and subscriptions (deterministic with --seed)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--videos", type=int, default=5000, help="number of videos (default 5000)")
        parser.add_argument(
            "--channels", type=int, help="number of channels (default videos/50, at least 10)"
        )
        parser.add_argument("--users", type=int, help="number of users (default videos/50, 100 to 20000)")
        parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
        parser.add_argument(
            "--reset", action="store_true", help="delete the catalogue and seeded users first"
        )
        parser.add_argument(
            "--events",
            type=int,
            default=0,
            help="view events to add over the last 29 days (the bulk path of ingestion: same rollups)",
        )
        parser.add_argument(
            "--events-only", action="store_true", help="add --events to the existing catalogue"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bars")

    def handle(self, *args: Any, **options: Any) -> None:
        videos = options["videos"]
        if videos < 1:
            raise CommandError("--videos must be at least 1")
        channels = options["channels"] or max(10, videos // 50)
        users = options["users"] or min(20_000, max(100, videos // 50))
        self.progress = not options["no_progress"]
        catalogue = seeding.CatalogueSeeder(
            rng=random.Random(options["seed"]),
            now=datetime.now(UTC).replace(minute=0, second=0, microsecond=0),
            progress=self.progress,
            stderr=cast(TextIO, self.stderr._out),  # the stream under Django's OutputWrapper
        )
        started = time.monotonic()
        if options["events_only"]:
            self.seed_events(options)
            return
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 0")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            # Pending deferred FK checks would block TRUNCATE and CREATE INDEX later in this transaction.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            if options["reset"]:
                catalogue.reset(cursor)
            else:
                cursor.execute("SELECT EXISTS (SELECT 1 FROM api_video)")
                if cursor.fetchone()[0]:
                    raise CommandError("The catalogue is not empty; use --reset to replace it.")
            dropped = catalogue.drop_indexes(cursor) if videos >= seeding.BULK_INDEX_THRESHOLD else []
            # The search triggers would index row by row; the index is rebuilt once after the load instead.
            catalogue.seed(cursor, users=users, channels=channels, videos=videos)
            catalogue.log("Search index, lexicon and suggestions")
            search_index_rebuild()
            cursor.execute("SELECT analytics_counters_sync()")  # the triggers were off for the load
            catalogue.recreate_indexes(cursor, dropped)
        with connection.cursor() as cursor:
            # VACUUM, not only ANALYZE: after a bulk load the visibility map is empty and no row has its
            # hint bits, so the first reads of every page would write it, and bitmap scans check every row.
            # at 1M videos it runs for a minute, past the statement timeout of requests
            cursor.execute("SET statement_timeout = 0")
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
            cursor.execute("RESET statement_timeout")
        self.seed_events(options)
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {users} users, {channels} channels, {videos} videos in {time.monotonic() - started:.1f} s"
            )
        )

    # steps

    def seed_events(self, options: dict[str, Any]) -> None:
        if not options["events"]:
            return
        started = time.monotonic()
        stored = events_seed(
            count=options["events"],
            seed=options["seed"],
            progress=self.progress,
            stderr=cast(TextIO, self.stderr._out),  # the stream under Django's OutputWrapper
        )
        self.stdout.write(f"Stored {stored} view events in {time.monotonic() - started:.1f} s")
