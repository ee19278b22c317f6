"""Reads from streaming replicas (DATABASE_REPLICA_URLS), on PostgreSQL's own replication.

A safe request (GET, HEAD) from a client that has not just written reads from a healthy replica: the ORM
through ReplicaRouter, raw SQL through read_connection(). A replica is healthy when it answers and
replays WAL no more than DATABASE_REPLICA_MAX_LAG_S behind (checked at most every CHECK_S per process);
one that fails is left alone for DOWN_S. A request whose replica fails while it runs (a 503 `unavailable`)
is answered again from the primary, so a replica going away costs time, never an error.

Writes go to the primary, and pin their client (its token, else its address) to the primary for
DATABASE_REPLICA_PIN_S seconds, so that it reads its own writes. Pins live where every worker sees them:
in Redis with REDIS_URL, else in PostgreSQL (api_primary_pin).
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse
from prometheus_client import Counter

logger = logging.getLogger(__name__)

READ_ALIAS: ContextVar[str] = ContextVar("read_alias", default=DEFAULT_DB_ALIAS)
REPLICA_FAILED: ContextVar[bool] = ContextVar("replica_failed", default=False)
READS = Counter("db_reads_total", "Safe requests by the database that answered them", ["target"])
CHECK_S = 1.0
DOWN_S = 5.0
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# How far behind a replica is (NULL on a primary): 0 when it has replayed all the WAL it received, else
# the age of the last transaction it replayed, or infinity while it has replayed none since it started (it
# has received a write it has not replayed: CI once met that None as a primary's); and how far it has
# received.
LAG_SQL = """
SELECT CASE WHEN NOT pg_is_in_recovery() THEN NULL
            WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 'Infinity') END,
       pg_last_wal_receive_lsn()
"""
# The age of the last replayed transaction overstates the lag of a replica that is replaying a write
# which followed an idle spell (its last transaction before that is old): a replica that replays, within
# CATCH_UP_S, what it had received when checked is not behind.
CAUGHT_UP_SQL = "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn"
CATCH_UP_S = 0.1


def read_connection() -> BaseDatabaseWrapper:
    """The connection this request reads from: a replica, or the primary."""
    return connections[READ_ALIAS.get()]


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str:
        return READ_ALIAS.get()

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


class Health:
    """Per process: when each replica was last checked, and until when it is usable or left alone."""

    def __init__(self) -> None:
        self.checked: dict[str, float] = {}
        self.usable: dict[str, bool] = {}
        self.down_until: dict[str, float] = {}

    def usable_replicas(self) -> list[str]:
        now = time.monotonic()
        usable = []
        for alias in replica_aliases():
            if self.down_until.get(alias, 0) > now:
                continue
            if now - self.checked.get(alias, -CHECK_S) >= CHECK_S:
                self.usable[alias] = self.check(alias)
                self.checked[alias] = now
            if self.usable[alias]:
                usable.append(alias)
        return usable

    def check(self, alias: str) -> bool:
        try:
            with connections[alias].cursor() as cursor:
                lag = replica_lag(cursor)
        except Exception:
            self.mark_down(alias)
            return False
        if lag is None or lag > settings.DATABASE_REPLICA_MAX_LAG_S:
            logger.warning("replica %s skipped: lag %s s", alias, lag)
            return False
        return True

    def mark_down(self, alias: str) -> None:
        logger.warning("replica %s is down: reads go to the primary for %s s", alias, DOWN_S)
        self.down_until[alias] = time.monotonic() + DOWN_S
        connections[alias].close()


HEALTH = Health()


def replica_lag(cursor: Any) -> float | None:
    """Seconds the replica behind `cursor` is behind its primary; None when it is not a replica."""
    cursor.execute(LAG_SQL)
    lag, received = cursor.fetchone()
    if lag is None:
        return None
    if float(lag) > 0 and caught_up(cursor, received):
        return 0.0
    return float(lag)


def caught_up(cursor: Any, received: str) -> bool:
    """Whether the replica replays up to `received` within CATCH_UP_S."""
    deadline = time.monotonic() + CATCH_UP_S
    while True:
        cursor.execute(CAUGHT_UP_SQL, [received])
        if cursor.fetchone()[0]:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.005)


def client_key(request: HttpRequest) -> str:
    credentials = request.META.get("HTTP_AUTHORIZATION") or request.META.get("REMOTE_ADDR", "")
    return hashlib.sha256(credentials.encode()).hexdigest()[:32]


PIN_SQL = """
INSERT INTO api_primary_pin AS p (client, until) VALUES (%(client)s, now() + make_interval(secs => %(seconds)s))
ON CONFLICT (client) DO UPDATE SET until = EXCLUDED.until
"""


def pin(client: str) -> None:
    if settings.REDIS_URL:
        cache.set(f"pin:{client}", 1, timeout=settings.DATABASE_REPLICA_PIN_S)
        return
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(PIN_SQL, {"client": client, "seconds": settings.DATABASE_REPLICA_PIN_S})


def is_pinned(client: str) -> bool:
    if settings.REDIS_URL:
        return bool(cache.get(f"pin:{client}"))
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1 FROM api_primary_pin WHERE client = %s AND until > now()", [client])
        return cursor.fetchone() is not None


def primary_pins_prune() -> int:
    """Drop the expired pins (the maintenance worker); returns how many."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("DELETE FROM api_primary_pin WHERE until < now()")
        return cursor.rowcount


class ReplicaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.DATABASE_REPLICAS:
            return self.get_response(request)
        client = client_key(request)
        if request.method not in SAFE_METHODS:
            response = self.get_response(request)
            if response.status_code < 400:
                pin(client)
            return response
        usable = [] if is_pinned(client) else HEALTH.usable_replicas()
        if not usable:
            READS.labels("primary").inc()
            return self.get_response(request)
        alias = random.choice(usable)  # noqa: S311 - spreading load, not a secret
        read, failed = READ_ALIAS.set(alias), REPLICA_FAILED.set(False)
        try:
            response = self.get_response(request)
            replica_failed = REPLICA_FAILED.get()
        finally:
            READ_ALIAS.reset(read)
            REPLICA_FAILED.reset(failed)
        if response.status_code == 503 and replica_failed:  # the replica went away mid-request
            HEALTH.mark_down(alias)
            READS.labels("primary").inc()
            return self.get_response(request)
        READS.labels("replica").inc()
        return response
