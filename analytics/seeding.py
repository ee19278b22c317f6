"""View events for `manage.py seed --events N`: daily and weekly cycles, a long tail that follows the
catalogue's popularity, a few videos going viral, countries and devices.

This is the bulk path of ingestion. PostgreSQL makes the events itself (generate_series and random(),
a video drawn by its cumulative popularity weight through an index), and each chunk is stored and folded
into the rollups by the writes of ingestion (analytics.statements: SEED_STORE per chunk, then
SEED_FOLD_COUNTS once over every stored event), so the rollups are those that ingesting the same events
batch by batch would make (tested against a rebuild). Two workers run side by side, each over
its own whole days, so that no rollup row is written by both. Each chunk commits with its rollups; the
trending scores and view counts are folded at the end (after an interruption, `rollups_rebuild`
recomputes the rollups from the stored events).
"""

from __future__ import annotations

import functools
import itertools
import math
import random
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any, TextIO

from django.db import connection, connections, transaction
from tqdm import tqdm

from analytics import statements
from analytics.services import DECAY_PER_HOUR, ROLLUPS_TABLES, TRENDING_EPOCH, partitions_ensure

CHUNK = 250_000
DAYS = 29
WORKERS = 2
VIRAL_VIDEOS = 5
VIRAL_SHARE = 0.005  # of all events, crowded into the last two days of a few videos
COUNTRIES = ["US", "KR", "GB", "JP", "ES", "MX", "FR", "DE", "IN", "BR", "CA", "AU"]
OVERSAMPLE = 2.4  # candidate times per kept event: the daily and weekly cycles keep about 47% of them

# One chunk of events between %(start)s and %(end)s; the caller picks the videos (PICK_* below).
GENERATE_SQL = """
INSERT INTO seed_chunk (event_id, video_id, occurred_at, watch_seconds, country, device, viewer_id)
SELECT gen_random_uuid(), w.video_id, g.at,
       round(least(greatest(w.duration_s, 1), -ln(1 - g.r_watch) * greatest(30, w.duration_s * 0.4))::numeric, 1),
       CASE WHEN w.region <> '' AND g.r_country < 0.7 THEN w.region
            ELSE (%(countries)s::text[])[1 + floor(g.r_country2 * %(ncountries)s)::int] END,
       CASE WHEN g.r_device < 0.55 THEN 'mobile' WHEN g.r_device < 0.80 THEN 'desktop'
            WHEN g.r_device < 0.90 THEN 'tv' WHEN g.r_device < 0.98 THEN 'tablet' ELSE 'other' END,
       'viewer-' || (1 + floor(g.r_viewer * %(viewers)s))::bigint
FROM (
    SELECT to_timestamp(at) AS at, random() AS r_pick, random() AS r_watch, random() AS r_country,
           random() AS r_country2, random() AS r_device, random() AS r_viewer
    FROM (SELECT %(start_s)s + random() * %(span_s)s AS at, random() AS r_accept   -- seconds since 1970
          FROM generate_series(1, %(candidates)s)) AS c
    -- the hour of day (UTC) and the weekend (1970-01-01 was a Thursday) from the seconds themselves
    WHERE NOT %(cycles)s OR r_accept * 1.25 <
          (0.55 + 0.45 * sin((floor(at / 3600)::bigint %% 24 - 14) / 24.0 * 2 * pi()))
          * CASE WHEN (floor(at / 86400)::bigint + 3) %% 7 >= 5 THEN 1.25 ELSE 1.0 END
    LIMIT %(n)s
) AS g
CROSS JOIN LATERAL ({pick}) AS w
"""
PICK_BY_POPULARITY = (
    "SELECT video_id, region, duration_s FROM seed_video_weight "
    "WHERE cum >= %(wlo)s::float8 + g.r_pick * %(wspan)s::float8 ORDER BY cum LIMIT 1"
)
PICK_VIRAL = (
    "SELECT video_id, region, duration_s FROM seed_video_weight "
    "WHERE video_id = (%(viral)s::bigint[])[1 + floor(g.r_pick * %(nviral)s)::int]"
)

SETUP_SQL = """
DROP TABLE IF EXISTS seed_video_weight, seed_stored;
CREATE UNLOGGED TABLE seed_video_weight AS
    SELECT id AS video_id, sum(power((view_count + 1)::float8, 0.7)) OVER (ORDER BY id) AS cum,
           coalesce(region, '') AS region, duration_s
    FROM api_video;
CREATE INDEX ON seed_video_weight (cum);
CREATE UNLOGGED TABLE seed_stored (video_id bigint NOT NULL, occurred_at timestamptz NOT NULL);
"""
# Each worker's chunk of generated events, in a temporary table of its session.
CHUNK_TABLE_SQL = """
CREATE TEMPORARY TABLE IF NOT EXISTS seed_chunk (event_id uuid, video_id bigint, occurred_at timestamptz,
                                                 watch_seconds real, country char(2), device varchar(7), viewer_id text);
"""


def events_seed(*, count: int, seed: int, progress: bool, stderr: TextIO) -> int:
    """Make, store and fold `count` view events over the last DAYS days; returns the number stored."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM api_video")
        if not cursor.fetchone()[0]:
            return 0
    rng = random.Random(seed)
    now = datetime.now(UTC)
    first = (now - timedelta(days=DAYS)).replace(hour=0, minute=0, second=0, microsecond=0)
    common = _prepare(count, seed=seed, months=sorted({date(d.year, d.month, 1) for d in (first, now)}))
    jobs = _jobs(count, first=first, now=now, rng=rng, common=common)
    bar = tqdm(
        total=count, desc="View events", unit=" events", disable=not progress, file=stderr, mininterval=1.0
    )
    stored = _run_workers(jobs, bar)
    bar.close()
    if progress:
        print(f"Folding {stored} events into trending scores and view counts ...", file=stderr, flush=True)
    _fold_counts()
    _clean_up()
    return stored


def _prepare(count: int, *, seed: int, months: list[date]) -> dict[str, Any]:
    """The partitions, the videos' cumulative popularity weights and the viral videos; returns the
    parameters every chunk shares."""
    with transaction.atomic(), connection.cursor() as cursor:
        partitions_ensure(cursor, months)
        cursor.execute(SETUP_SQL)
        cursor.execute("ANALYZE seed_video_weight")
        cursor.execute("SELECT max(cum) FROM seed_video_weight")
        total = cursor.fetchone()[0]
        cursor.execute(
            "SELECT video_id FROM seed_video_weight ORDER BY md5(video_id::text || %s) LIMIT %s",
            [str(seed), VIRAL_VIDEOS],
        )
        viral = [row[0] for row in cursor.fetchall()]
    return {
        "countries": COUNTRIES,
        "ncountries": len(COUNTRIES),
        "viewers": max(1_000, count // 5),
        "total": total,
        "viral": viral,
        "nviral": len(viral),
        "decay": DECAY_PER_HOUR,
        "epoch": TRENDING_EPOCH,
    }


def _fold_counts() -> None:
    """Trending scores and view counts of every stored event, the videos in WORKERS ranges of ids, one
    per worker."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT max(video_id) FROM (SELECT video_id, ntile(%s) OVER (ORDER BY video_id) AS part "
            "FROM seed_video_weight) p GROUP BY part ORDER BY part",
            [WORKERS],
        )
        bounds = [0] + [row[0] for row in cursor.fetchall()]
    _run_parallel([functools.partial(_final, a, b) for a, b in itertools.pairwise(bounds)])


def _clean_up() -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute("DROP TABLE IF EXISTS seed_video_weight, seed_stored")
        # Statistics for the planner; autovacuum (or `make bench`) sets the visibility map later.
        for table in ("analytics_view_event", *ROLLUPS_TABLES, "analytics_video_trending", "api_video"):
            cursor.execute(f"ANALYZE {table}")


def _jobs(
    count: int, *, first: datetime, now: datetime, rng: random.Random, common: dict[str, Any]
) -> list[list[dict[str, Any]]]:
    """Chunks for each worker: worker k takes whole days of its own, so no two workers write the same
    rollup row; the viral burst goes to the worker holding the last days."""
    viral = int(count * VIRAL_SHARE) if common["viral"] else 0
    regular = count - viral
    days = (now - first).total_seconds() / 86_400
    split = [first + timedelta(days=round(days * k / WORKERS)) for k in range(WORKERS)] + [now]
    jobs: list[list[dict[str, Any]]] = []
    assigned = 0
    for k in range(WORKERS):
        start, end = split[k], split[k + 1]
        share = (
            regular - assigned
            if k == WORKERS - 1
            else round(regular * (end - start).total_seconds() / (now - first).total_seconds())
        )
        assigned += share
        jobs.append(_popular_chunks(share, start, end, rng=rng, common=common))
    if viral:
        start = max(split[-2], now - timedelta(days=2))
        jobs[-1].append(
            {
                **common,
                **_span(start, now),
                "n": viral,
                "cycles": False,
                "pick": PICK_VIRAL,
                "candidates": viral,
                "setseed": rng.uniform(-1, 1),
            }
        )
    return jobs


def _popular_chunks(
    share: int, start: datetime, end: datetime, *, rng: random.Random, common: dict[str, Any]
) -> list[dict[str, Any]]:
    """`share` events between start and end, in chunks of at most CHUNK. Chunk i draws its videos from
    the i-th slice of the cumulative popularity weight, that is from a contiguous range of video ids: its
    rollup rows land in one key range of each index (video_id leads every key), which keeps index
    inserts in cache instead of spread over every leaf page."""
    slices = max(1, math.ceil(share / CHUNK))
    chunks = []
    for i in range(slices):
        n = share * (i + 1) // slices - share * i // slices
        chunks.append(
            {
                **common,
                **_span(start, end),
                "wlo": common["total"] * i / slices,
                "wspan": common["total"] / slices,
                "n": n,
                "cycles": True,
                "pick": PICK_BY_POPULARITY,
                "candidates": math.ceil(n * OVERSAMPLE) + 1_000,
                "setseed": rng.uniform(-1, 1),
            }
        )
    return chunks


def _span(start: datetime, end: datetime) -> dict[str, float]:
    return {"start_s": start.timestamp(), "span_s": (end - start).total_seconds()}


def _run_workers(jobs: list[list[dict[str, Any]]], bar: Any) -> int:
    stored = [0] * len(jobs)
    lock = threading.Lock()

    def work(k: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(CHUNK_TABLE_SQL)
        try:
            for job in jobs[k]:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SET LOCAL statement_timeout = 0")
                    cursor.execute("SET LOCAL work_mem = '128MB'")
                    cursor.execute("SELECT setseed(%s)", [job["setseed"]])
                    cursor.execute(GENERATE_SQL.format(pick=job["pick"]), job)
                    made = cursor.rowcount
                    cursor.execute(statements.SEED_STORE)
                    stored[k] += cursor.fetchone()[0]
                    cursor.execute("TRUNCATE seed_chunk")
                with lock:
                    bar.update(made)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("DROP TABLE IF EXISTS seed_chunk")

    _run_parallel([functools.partial(work, k) for k in range(len(jobs))])
    return sum(stored)


def _final(after: int, upto: int) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(
            statements.SEED_FOLD_COUNTS,
            {"after": after, "upto": upto, "decay": DECAY_PER_HOUR, "epoch": TRENDING_EPOCH},
        )


def _run_parallel(tasks: list[Callable[[], object]]) -> None:
    """Run each task in a thread of its own, with its own database connection; re-raise the first error.
    Inside a transaction (a test's), other connections would not see its rows: run them one by one."""
    if connection.in_atomic_block:
        for task in tasks:
            task()
        return
    errors: list[BaseException] = []

    def run(task: Callable[[], object]) -> None:
        try:
            task()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(task,)) for task in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
