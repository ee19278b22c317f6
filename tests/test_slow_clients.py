"""No client holds the service (issue 18): against gunicorn as configured (uvicorn's worker in front of
Django's threads, throttling on), while 60 slow clients trickle headers, 20 trickle bodies and 8 clients
send the costliest public search they can without pause, `/healthz` and a repeated search still answer
within 100 ms.

The attackers connect from 127.0.0.2 and 127.0.0.3 (the loopback network is all local), the measuring
client from 127.0.0.1, so that each is a client of its own, as across the internet."""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection

from tests.live import Gunicorn, database_url_of

SLOW_HEADERS, SLOW_BODIES, COSTLY_CLIENTS = 60, 20, 8
WORDS = [
    "live",
    "music",
    "cover",
    "guide",
    "news",
    "game",
    "food",
    "vlog",
    "travel",
    "review",
    "dance",
    "piano",
    "jazz",
    "tour",
    "city",
    "cook",
    "fun",
    "art",
    "top",
    "new",
    "best",
    "day",
    "how",
    "one",
]
COSTLY = "/api/v1/search/videos?" + urlencode(
    {
        # as many OR'd common words as the longest query (200 characters) holds, every facet, by trending
        "q": " OR ".join(WORDS),
        "facets": "category,language,region,duration,tags",
        "order": "trending",
        "page_size": 50,
    }
)


ATTACK = r"""
import http.client, socket, sys, threading, time

port, seconds, costly = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
slow_headers, slow_bodies, clients = (int(n) for n in sys.argv[4:7])
stop = threading.Event()
socks, bodies, answers = [], [], []
for n in range(slow_headers + slow_bodies):
    sock = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=("127.0.0.2", 0))
    if n < slow_headers:
        sock.sendall(b"GET /api/v1/videos/ HTTP/1.1\r\nHost: localhost\r\n")
        socks.append(sock)
    else:
        sock.sendall(b"POST /api/v1/events/views HTTP/1.1\r\nHost: localhost\r\n"
                     b"Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{")
        bodies.append(sock)


def trickle():
    line = 0
    while not stop.wait(1):
        line += 1
        for sock in socks + bodies:
            try:
                sock.sendall(f"X-Slow-{line}: 1\r\n".encode() if sock in socks else b" ")
            except OSError:
                pass


def client():
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=("127.0.0.3", 0))
    while not stop.is_set():
        try:
            conn.request("GET", costly)
            response = conn.getresponse()
            response.read()
            answers.append(response.status)
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=("127.0.0.3", 0))


threads = [threading.Thread(target=trickle)] + [threading.Thread(target=client) for _ in range(clients)]
for thread in threads:
    thread.start()
print("ready", flush=True)
time.sleep(seconds)
stop.set()
for thread in threads:
    thread.join()
print(" ".join(str(status) for status in answers))
"""


def timed(conn: http.client.HTTPConnection, path: str) -> float:
    started = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    assert response.status == 200, (path, response.status)
    return (time.perf_counter() - started) * 1000


@pytest.mark.django_db(transaction=True)
def test_slow_and_costly_clients_do_not_hold_the_service(tmp_path):
    call_command("seed", videos=2000, events=0, no_progress=True, verbosity=0)
    with Gunicorn(database_url=database_url_of(connection.settings_dict), log=tmp_path / "g.log") as server:
        probe = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        timed(probe, "/api/v1/search/videos?q=kimchi")  # the repeated search, once to warm it
        # the attackers in a process of their own, so that their threads do not take this one's interpreter
        # lock, and at the lowest CPU priority: across the internet their work is on their machines, and
        # here it shares the service's two cores
        attack = subprocess.Popen(
            [sys.executable, "-c", ATTACK, str(server.port), "15", COSTLY]
            + [str(n) for n in (SLOW_HEADERS, SLOW_BODIES, COSTLY_CLIENTS)],
            stdout=subprocess.PIPE,
            text=True,
            preexec_fn=lambda: os.nice(19),  # noqa: PLW1509 - no threads to deadlock before exec here
        )
        assert attack.stdout is not None and attack.stdout.readline().strip() == "ready"
        time.sleep(1)  # the attack under way: every slow connection open, the costly clients busy
        health, search = [], []
        for _ in range(50):
            health.append(timed(probe, "/healthz"))
            search.append(timed(probe, "/api/v1/search/videos?q=kimchi"))
            time.sleep(0.1)
        out, _ = attack.communicate(timeout=60)
    statuses = [int(status) for status in out.split()]
    assert statuses, "the costly clients got no answer at all"
    assert all(status in (200, 429) for status in statuses), sorted(set(statuses))
    health_p95, search_p95 = (statistics.quantiles(sample, n=20)[-1] for sample in (health, search))
    summary = (
        f"healthz median {statistics.median(health):.1f} p95 {health_p95:.1f} max {max(health):.1f} ms; "
        f"search median {statistics.median(search):.1f} p95 {search_p95:.1f} max {max(search):.1f} ms; "
        f"costly answers {len(statuses)} ({statuses.count(429)} of them 429)"
    )
    print(summary)  # noqa: T201 - the figures, with -s
    # p95 within 100 ms; a single answer may meet a checkpoint or another process's burst on the two cores
    # (one search of 50 took 137 ms while apt unpacked a package beside the suite), not a held service
    assert health_p95 < 100 and search_p95 < 100, summary
    assert max(health) < 300 and max(search) < 300, summary
    # refused clients are slowed on the event loop (THROTTLED_CLIENT_DELAY_MS): 8 clients sending without
    # pause for 15 s get a few hundred answers, not tens of thousands of 429s that take the cores
    assert statuses.count(200) <= 125 and len(statuses) < 1_000, summary


@pytest.mark.django_db(transaction=True)
def test_a_body_that_does_not_arrive_in_time_is_a_408(tmp_path):
    with (
        Gunicorn(
            database_url=database_url_of(connection.settings_dict),
            log=tmp_path / "g.log",
            REQUEST_BODY_TIMEOUT="1",
        ) as server,
        socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock,
    ):
        sock.sendall(
            b"POST /api/v1/events/views HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n{"
        )
        started = time.monotonic()
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
        assert 0.9 < time.monotonic() - started < 5
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b'"request_timeout"' in answer


@pytest.mark.django_db(transaction=True)
def test_a_raw_non_ascii_request_target_is_a_400(tmp_path):
    """A request line must be ASCII (RFC 9112): `?q=제주` sent unencoded is refused by the HTTP parser with
    a 400 before the API sees it, never a 500; encoded, the same query is answered."""
    with Gunicorn(database_url=database_url_of(connection.settings_dict), log=tmp_path / "g.log") as server:
        for target, status in (
            ("/api/v1/search/videos?q=제주", b"400"),
            ("/api/v1/search/videos?q=%EC%A0%9C%EC%A3%BC", b"200"),
        ):
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
                sock.sendall(
                    f"GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode()
                )
                answer = b""
                while chunk := sock.recv(4096):
                    answer += chunk
            assert answer.startswith(b"HTTP/1.1 " + status), answer[:300]
