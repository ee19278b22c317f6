"""A mixed load against gunicorn (2 workers): LOAD_TEST_CLIENTS (32) concurrent clients for
LOAD_TEST_SECONDS (120) of search, suggest, browsing, trending, reports, ingestion, reactions and
comments. No 5xx may come back but deliberate 503s, and the workers' memory stays flat: the resident size
of each worker in the last quarter of the run is within 20% (and 40 MiB) of its size in the second
quarter, once caches and connections are warm."""

from __future__ import annotations

import os
import random
import statistics
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from rest_framework.authtoken.models import Token

from api.models import Video
from tests.live import Gunicorn, call, database_url_of

CLIENTS = int(os.environ.get("LOAD_TEST_CLIENTS", "32"))
SECONDS = float(os.environ.get("LOAD_TEST_SECONDS", "120"))
QUERIES = [
    "kimchi",
    "piano cover",
    "travel vlog",
    "제주",
    "서울 여행",
    "street food",
    '"live" -music',
    "tutorial",
]
PREFIXES = ["kim", "pia", "tra", "서울", "제", "tu"]


def token_for(username: str, *, group: str | None = None) -> str:
    user = User.objects.create_user(username)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return Token.objects.create(user=user).key


def one_request(  # noqa: PLR0911 - one return per kind of request
    rng: random.Random, videos: list[int], channel: int, tokens: dict
) -> tuple[str, str, object, str | None]:
    pick = rng.random()
    video = rng.choice(videos)
    if pick < 0.35:
        facets = "&facets=category,language" if rng.random() < 0.3 else ""
        return "search", f"/api/v1/search/videos?q={quote(rng.choice(QUERIES))}{facets}", None, None
    if pick < 0.45:
        return "suggest", f"/api/v1/search/suggest?q={quote(rng.choice(PREFIXES))}", None, None
    if pick < 0.55:
        return "browse", f"/api/v1/videos/?order={rng.choice(['date', 'views'])}&category=music", None, None
    if pick < 0.62:
        return "detail", f"/api/v1/videos/{video}/", None, None
    if pick < 0.70:
        return "trending", f"/api/v1/trending/videos?window={rng.choice(['now', '24h', '7d'])}", None, None
    if pick < 0.78:
        path = rng.choice(
            [
                f"/api/v1/analytics/videos/{video}",
                f"/api/v1/analytics/channels/{channel}",
                "/api/v1/analytics/top?dimension=category",
            ]
        )
        return "report", path, None, tokens["analyst"]
    if pick < 0.88:
        now = datetime.now(UTC)
        events = [
            {
                "event_id": str(uuid.uuid4()),
                "video_id": rng.choice(videos),
                "occurred_at": (now - timedelta(seconds=rng.randrange(1, 7200))).isoformat(),
                "watch_seconds": rng.randrange(600),
                "country": rng.choice(["KR", "US"]),
                "device": "mobile",
            }
            for _ in range(50)
        ]
        return "ingest", "/api/v1/events/views", {"events": events}, tokens["ingest"]
    if pick < 0.94:
        kind = rng.choice(["like", "dislike"])
        return "reaction", f"/api/v1/videos/{video}/reaction", {"kind": kind}, rng.choice(tokens["users"])
    return "comments", f"/api/v1/videos/{video}/comments/", None, None


@pytest.mark.django_db(transaction=True)
def test_mixed_load_has_no_5xx_and_flat_worker_memory(tmp_path, capsys):
    call_command("seed", videos=600, events=20_000, no_progress=True)
    tokens = {
        "analyst": token_for("load-analyst", group="analysts"),
        "ingest": token_for("load-ingest", group="ingest"),
        "users": [token_for(f"load-user-{i}") for i in range(CLIENTS)],
    }
    videos = list(Video.objects.values_list("id", flat=True)[:500])
    channel = Video.objects.get(pk=videos[0]).channel_id
    statuses: Counter = Counter()
    latencies: dict[str, list[float]] = {}
    failures: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(seed: int) -> None:
        rng = random.Random(seed)
        while not stop.is_set():
            name, path, body, token = one_request(rng, videos, channel, tokens)
            method = "GET" if body is None else ("PUT" if name == "reaction" else "POST")
            started = time.perf_counter()
            try:
                status, payload = call(server.port, method, path, body, token=token, timeout=60)
            except OSError as exc:
                status, payload = 0, str(exc)
            elapsed = time.perf_counter() - started
            with lock:
                statuses[(name, status)] += 1
                latencies.setdefault(name, []).append(elapsed)
                if status == 0 or (status >= 500 and status != 503):
                    failures.append(f"{method} {path} -> {status} {str(payload)[:200]}")

    with Gunicorn(
        database_url=database_url_of(connection.settings_dict),
        log=tmp_path / "gunicorn.log",
        THROTTLING="off",
        CLIENT_CONCURRENCY="1000",
    ) as server:
        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        samples: list[tuple[float, dict[int, int]]] = []
        started = time.monotonic()
        while (elapsed := time.monotonic() - started) < SECONDS:
            time.sleep(min(2.0, SECONDS / 40))
            samples.append((elapsed, server.rss_kib()))
        stop.set()
        for thread in threads:
            thread.join(timeout=120)

    total = sum(statuses.values())
    assert not failures, failures[:5]
    assert total > CLIENTS * 5
    assert all(status < 500 or status == 503 for _, status in statuses)
    quarter = SECONDS / 4
    growth = {}
    for pid in samples[0][1]:
        second = [s[pid] for t, s in samples if quarter <= t < 2 * quarter and pid in s]
        last = [s[pid] for t, s in samples if t >= 3 * quarter and pid in s]
        assert second and last, "a worker was replaced during the run"
        base, end = statistics.median(second), statistics.median(last)
        growth[pid] = (base, end)
        assert end <= base * 1.2 and end - base <= 40 * 1024, (
            f"worker {pid} grew from {base} KiB to {end} KiB"
        )
    with capsys.disabled():
        rows = ", ".join(
            f"{name} {len(values)} p50 {statistics.median(values) * 1000:.0f} ms "
            f"p95 {sorted(values)[int(len(values) * 0.95)] * 1000:.0f} ms"
            for name, values in sorted(latencies.items())
        )
        memory = ", ".join(f"{base / 1024:.0f}->{end / 1024:.0f} MiB" for base, end in growth.values())
        fives = sum(n for (_, status), n in statuses.items() if status >= 500)
        print(  # noqa: T201 - the figures of the run
            f"\nload: {CLIENTS} clients, {SECONDS:.0f} s, {total} requests ({total / SECONDS:.0f}/s), "
            f"5xx {fives}; {rows}; worker RSS (2nd quarter -> last quarter) {memory}"
        )


@pytest.mark.django_db(transaction=True)
def test_an_oversized_body_is_refused_before_it_is_read(tmp_path):
    """Over gunicorn: a request announcing 100 MB gets its 413 after a few bytes, not after 100 MB."""
    import socket

    with Gunicorn(
        database_url=database_url_of(connection.settings_dict), log=tmp_path / "gunicorn.log"
    ) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            started = time.monotonic()
            sock.sendall(
                b"POST /api/v1/events/views HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                b'Authorization: Token x\r\nContent-Length: 100000000\r\n\r\n{"events": ['
            )
            received = b""
            # up to the end of the error envelope: gthread workers keep the connection for keep-alive
            while not received.rstrip().endswith(b"}}") and (chunk := sock.recv(4096)):
                received += chunk
            answer = received.decode()
            assert time.monotonic() - started < 5
        assert answer.startswith("HTTP/1.1 413"), answer[:200]
        assert '"payload_too_large"' in answer
