"""View events for `manage.py seed --events N`: daily and weekly cycles, a long tail that follows the
catalogue's popularity, a few videos going viral, countries and devices. They take the bulk path of ingestion
(analytics.services.events_store_bulk): the raw events are stored chunk by chunk, then folded into every
rollup once, by the same SQL that folds each ingested batch, so the rollups are those ingestion makes."""

from __future__ import annotations

import math
import random
import uuid
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate

from django.db import connection, transaction
from tqdm import tqdm

from analytics.services import (
    BULK_STAGING_SQL,
    ROLLUPS_TABLES,
    events_fold_staged,
    events_stage_sql,
    partitions_ensure,
)

CHUNK = 200_000
DAYS = 29
DEVICES = (("mobile", 55), ("desktop", 25), ("tv", 10), ("tablet", 8), ("other", 2))
COUNTRIES = ("US", "KR", "GB", "JP", "ES", "MX", "FR", "DE", "IN", "BR", "CA", "AU")


def events_seed(*, count: int, seed: int, progress: bool, stderr) -> int:
    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, view_count, duration_s, region FROM api_video ORDER BY id")
        videos = cursor.fetchall()
    if not videos:
        return 0
    weights = list(accumulate((views + 1) ** 0.7 for _, views, _, _ in videos))
    viral = set(rng.sample(range(len(videos)), k=min(5, len(videos))))
    now = datetime.now(UTC)
    viewers = max(1_000, count // 5)
    devices, device_weights = zip(*DEVICES, strict=True)
    stored = 0
    bar = tqdm(
        total=count, desc="View events", unit=" events", disable=not progress, file=stderr, mininterval=1.0
    )
    months = sorted({date(d.year, d.month, 1) for d in (now - timedelta(days=DAYS + 1), now)})
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        partitions_ensure(cursor, months)
        cursor.execute(BULK_STAGING_SQL)
        made = 0
        while made < count:
            size = min(CHUNK, count - made)
            picks = rng.choices(range(len(videos)), cum_weights=weights, k=size)
            with cursor.copy("COPY seed_events FROM STDIN") as copy:
                for pick in picks:
                    video_id, _, duration, region = videos[pick]
                    at = _moment(rng, now, recent=pick in viral)
                    country = region if region and rng.random() < 0.7 else rng.choice(COUNTRIES)
                    watch = round(min(max(duration, 1), rng.expovariate(1 / max(30.0, duration * 0.4))), 1)
                    copy.write_row(
                        (
                            uuid.UUID(int=rng.getrandbits(128), version=4),
                            video_id,
                            at,
                            watch,
                            country,
                            rng.choices(devices, device_weights)[0],
                            f"viewer-{rng.randint(1, viewers)}",
                        )
                    )
            cursor.execute(events_stage_sql("seed_events"))
            stored += cursor.rowcount
            cursor.execute("TRUNCATE seed_events")
            made += size
            bar.update(size)
        bar.close()
        if progress:
            print(f"Folding {stored} events into the rollups ...", file=stderr, flush=True)
        events_fold_staged(cursor)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) analytics_view_event")
        for table in ROLLUPS_TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    return stored


def _moment(rng: random.Random, now: datetime, *, recent: bool) -> datetime:
    """A time in the last DAYS days, more often in the evening (UTC) and at weekends; viral videos'
    views crowd into the last two days."""
    span = 2 * 86_400 if recent and rng.random() < 0.8 else DAYS * 86_400
    while True:
        at = now - timedelta(seconds=rng.random() * span)
        daily = 0.55 + 0.45 * math.sin((at.hour - 14) / 24 * 2 * math.pi)
        weekly = 1.0 if at.weekday() < 5 else 1.25
        if rng.random() * 1.25 < daily * weekly:
            return at
