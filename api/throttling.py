"""Request throttling (API.md: 429 `throttled` with `Retry-After`), one rate across every worker and host.

Every write of a signed-in user (POST, PUT, PATCH, DELETE; sign-in and ingestion aside) counts against
`write_user`, and every read (GET, HEAD, OPTIONS) of a view without a scope of its own against `read_user` or
`read_anon`. A view opts in to more with `throttle_scope = "search"`; the rate comes from `<scope>_user` for a signed-in caller
(one bucket per user) or `<scope>_anon` otherwise (one bucket per client address, X-Forwarded-For read as
far as NUM_PROXIES allows). A scope without a rate in settings is not throttled.

Each bucket counts requests in fixed windows of the rate's period and weighs the previous window by the
part of it still inside a sliding period (the sliding-window counter of Cloudflare and others): a burst
that straddles two windows is held to the rate, not twice it. The counters live where every worker sees
them: in Redis when REDIS_URL is set (Django's cache, INCR), otherwise in PostgreSQL (api_rate_counter,
one upsert). A request over the rate takes its hit back, so refused requests do not count.
"""

from __future__ import annotations

import math
import time
from typing import Any, Protocol, cast

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class CounterStore(Protocol):
    def hit(self, bucket: str, window_start: int, period: int) -> tuple[int, int]:
        """Count a hit in the window; returns (hits in this window, hits in the previous one)."""

    def take_back(self, bucket: str, window_start: int, period: int) -> None: ...


class CacheCounters:
    """Django's cache: atomic with Redis (INCR), where the key lives two periods."""

    def hit(self, bucket: str, window_start: int, period: int) -> tuple[int, int]:
        key, previous = f"rate:{bucket}:{window_start}", f"rate:{bucket}:{window_start - period}"
        cache.add(key, 0, timeout=2 * period)
        hits = cache.incr(key)
        return hits, int(cache.get(previous) or 0)

    def take_back(self, bucket: str, window_start: int, period: int) -> None:
        cache.decr(f"rate:{bucket}:{window_start}")


HIT_SQL = """
INSERT INTO api_rate_counter AS c (bucket, window_start, period, hits) VALUES (%(bucket)s, %(window)s, %(period)s, 1)
ON CONFLICT (bucket, window_start) DO UPDATE SET hits = c.hits + 1
RETURNING hits, (SELECT hits FROM api_rate_counter WHERE bucket = %(bucket)s AND window_start = %(previous)s)
"""
TAKE_BACK_SQL = (
    "UPDATE api_rate_counter SET hits = hits - 1 WHERE bucket = %(bucket)s AND window_start = %(window)s"
)


class PostgresCounters:
    """The api_rate_counter table: one statement per request (the maintenance worker drops old windows:
    rate_counters_prune)."""

    def hit(self, bucket: str, window_start: int, period: int) -> tuple[int, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                HIT_SQL,
                {
                    "bucket": bucket,
                    "window": window_start,
                    "period": period,
                    "previous": window_start - period,
                },
            )
            hits, previous = cursor.fetchone()
        return int(hits), int(previous or 0)

    def take_back(self, bucket: str, window_start: int, period: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(TAKE_BACK_SQL, {"bucket": bucket, "window": window_start})


def counters() -> CounterStore:
    return CacheCounters() if settings.REDIS_URL else PostgresCounters()


def sliding_count(hits: int, previous: int, *, now: float, window_start: int, period: int) -> float:
    """The hits of the last `period` seconds, the previous window's spread evenly over it."""
    return hits + previous * (1 - (now - window_start) / period)


# Buckets this process refused, and until when (the Retry-After it gave): a client that keeps sending
# through its 429s is answered from here, without a round trip to the counters, so a flood of refused
# requests costs little more than parsing them.
_refused: dict[str, float] = {}
REFUSED_KEPT = 10_000


class ScopedUserOrAnonThrottle(SimpleRateThrottle):
    def __init__(self) -> None:  # the rate depends on the view and the caller, so it is read in allow_request
        self.wait_s: float | None = None

    def allow_request(self, request: Any, view: Any) -> bool:
        scope = getattr(view, "throttle_scope", None)
        if (
            request.method not in SAFE_METHODS
            and scope not in ("auth", "ingest")  # sign-in and ingestion have their own rates
            and request.user
            and request.user.is_authenticated
            and not self.allow("write_user", request.user.pk)
        ):
            return False
        if not scope:
            if request.method not in SAFE_METHODS:
                return True
            scope = "read"  # every other read: one bucket per user or client address
        if scope == "auth":
            return self.allow_sign_in(request)
        kind = "user" if request.user and request.user.is_authenticated else "anon"
        ident = request.user.pk if kind == "user" else self.get_ident(request)
        return self.allow(f"{scope}_{kind}", ident)

    def allow_sign_in(self, request: Any) -> bool:
        """Sign-in and sign-up: per client address, whatever `Authorization` header comes with them (a
        valid token must not open a bucket of its own for password guesses), and per target username,
        so that guesses at one account from many addresses are held too."""
        if not self.allow("auth_anon", self.get_ident(request)):
            return False
        data = request.data if isinstance(request.data, dict) else {}
        username = data.get("username")
        if isinstance(username, str) and username:
            return self.allow("auth_target", username.casefold()[:150])
        return True

    def allow(self, scope: str, ident: object) -> bool:
        """Count a hit in the bucket of `scope` and `ident`; False (the hit taken back) over its rate."""
        self.scope = scope
        self.rate = cast("str | None", api_settings.DEFAULT_THROTTLE_RATES.get(scope))
        limit, period = self.parse_rate(self.rate)
        if limit is None or period is None:
            return True
        bucket = f"{scope}:{ident}"
        now = time.time()
        refused_until = _refused.get(bucket)
        if refused_until is not None:
            if now < refused_until:  # refused a moment ago: refused again without asking the store
                self.wait_s = refused_until - now
                return False
            _refused.pop(bucket, None)
        window_start = int(now // period * period)
        store = counters()
        hits, previous = store.hit(bucket, window_start, period)
        count = sliding_count(hits, previous, now=now, window_start=window_start, period=period)
        if count <= limit:
            return True
        store.take_back(bucket, window_start, period)
        # the previous window's weight falls until the count is back under the limit
        excess = count - limit
        self.wait_s = min(
            period, max(1.0, excess / max(previous, 1) * period if previous else window_start + period - now)
        )
        if len(_refused) >= REFUSED_KEPT:
            _refused.clear()
        _refused[bucket] = now + self.wait_s
        return False

    def wait(self) -> float | None:
        return math.ceil(self.wait_s) if self.wait_s is not None else None


def rate_counters_prune() -> int:
    """Drop the windows that no longer count (older than the previous one); returns how many."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM api_rate_counter WHERE window_start + 2 * period < extract(epoch FROM now())"
        )
        return cursor.rowcount
