"""Latency over HTTP against gunicorn, warm: p50, p95, p99 and throughput per scenario.

Started by benchmarks.run with DATABASE_URL set; also usable alone:
    DATABASE_URL=... python -m benchmarks.http_bench --requests 300 --out benchmarks/results/http.json
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import statistics
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from urllib.parse import urlencode

from tqdm import tqdm

from benchmarks.scenarios import (
    MODEL_SHAPES,
    RELATED_SCENARIOS,
    SEARCH_SCENARIOS,
    SUGGEST_SCENARIOS,
    analytics_paths,
    analytics_subjects,
    model_path,
    realtime_paths,
    related_sources,
)
from tests.live import Gunicorn

ROOT = Path(__file__).resolve().parent.parent


def bench_gunicorn(workers: int) -> Gunicorn:
    """gunicorn as configured, through the tests' own harness (tests/live.py), on the configured database
    with throttling off and no cap on one address's concurrent requests (every simulated user comes from
    127.0.0.1; the benchmarks measure capacity, not the limits); `workers` 0: as gunicorn.conf.py says."""
    from django.conf import settings

    return Gunicorn(
        database_url=settings.DATABASE_URL,
        log=Path(tempfile.gettempdir()) / f"vidsearch-bench-gunicorn-{os.getpid()}.log",
        workers=workers or None,
        THROTTLING="off",
        CLIENT_CONCURRENCY="1000",
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "bench-" + "x" * 50),
    )


def run_clients(arguments: list[tuple], client) -> float:
    """Run `client(*args)` in one thread per entry of `arguments`; the wall time in seconds."""
    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=args) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def percentile(ordered: list[float], p: float) -> float:
    return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 2)


def measure(
    port: int, path: str | list[str], *, requests: int, concurrency: int, headers: dict | None = None
) -> dict:
    """Latencies of `requests` GETs of `path` (or of each of a list of paths in turn) by `concurrency`
    clients on their own connections."""
    paths = [path] if isinstance(path, str) else path
    turn = itertools.count()
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_client = requests // concurrency

    def client():
        nonlocal errors
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(per_client):
            with lock:
                next_path = paths[next(turn) % len(paths)]
            started = time.perf_counter()
            connection.request("GET", next_path, headers=headers or {})
            response = connection.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                errors += response.status != 200

    for i in range(10):  # warm the workers and caches
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        warm.request("GET", paths[i % len(paths)], headers=headers or {})
        warm.getresponse().read()
    wall = run_clients([()] * concurrency, client)
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return percentile(ordered, p)

    return {
        "path": path if isinstance(path, str) else f"{paths[0]} and {len(paths) - 1} more, in turn",
        "requests": len(ordered),
        "errors": errors,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "mean_ms": round(statistics.fmean(ordered), 2),
        "rps": round(len(ordered) / wall, 1),
    }


def bench_tokens() -> dict[str, str]:
    """API tokens of an analyst and an ingest client of the benchmark database (made once)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from rest_framework.authtoken.models import Token

    tokens = {}
    for group in ("analysts", "ingest"):
        user, _ = User.objects.get_or_create(username=f"bench-{group}")
        user.groups.add(Group.objects.get_or_create(name=group)[0])
        tokens[group] = Token.objects.get_or_create(user=user)[0].key
    return tokens


def ingest_batches(batches: int, size: int) -> list[bytes]:
    """Batches of new view events as a live feed sends them: videos drawn by popularity (as seed
    --events draws them), each event from the last ten minutes; as request bodies."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id, view_count FROM api_video ORDER BY id")
        videos = cursor.fetchall()
    ids = [video_id for video_id, _ in videos]
    weights = list(accumulate((views + 1) ** 0.7 for _, views in videos))
    rng = random.Random(7)
    now = datetime.now(UTC)
    bodies = []
    for _ in tqdm(range(batches), desc="batches", unit="batch", mininterval=2, disable=batches < 100):
        picks = rng.choices(ids, cum_weights=weights, k=size)
        events = []
        for video_id in picks:
            watch = round(rng.random() * 600, 1)
            event = {
                "event_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "video_id": video_id,
                "occurred_at": (now - timedelta(seconds=rng.random() * 600)).isoformat(),
                "watch_seconds": watch,
                "country": rng.choice(("US", "KR", "GB", "JP", "DE")),
                "device": rng.choice(("mobile", "desktop", "tv")),
                "viewer_id": f"bench-viewer-{rng.randint(1, 100_000)}",
            }
            if rng.random() < 0.5:  # half the players report the position reached (audience retention)
                event["position_seconds"] = round(watch + rng.random() * 60, 1)
            events.append(event)
        bodies.append(json.dumps({"events": events}).encode())
    return bodies


# Ingestion's working set is the rollups' pages of the videos a feed touches: gigabytes of long-tail rows
# that differ from batch to batch, cold after a restart or after the naive baselines' scans of the raw
# events. Its first minute runs at a third to a half of its steady rate, so the clients post until the rate
# of two consecutive windows agrees (at least INGEST_WARMUP_S[0] seconds, at most [1]), then the sustained
# figure is measured over the next INGEST_MEASURE_S seconds. Every window's rate is reported, the first
# (cold) one included.
INGEST_WINDOW_S = 10
INGEST_WARMUP_S = (30, 120)
INGEST_MEASURE_S = 60
INGEST_SETTLED = 0.05  # two windows within 5% of each other
INGEST_MAX_BATCHES_PER_S = 15  # bodies are made before the run, for at most this rate


def events_waiting() -> int:
    """Events stored and not yet folded into every rollup: the longer of the two folds' queues
    (analytics.services.views_fold)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT greatest((SELECT count(*) FROM analytics_view_pending),"
            " (SELECT count(*) FROM analytics_view_pending_channels))"
        )
        return int(cursor.fetchone()[0])


def measure_ingest(
    port: int,
    token: str,
    *,
    concurrency: int,
    size: int = 1_000,
    measure_s: float = INGEST_MEASURE_S,
    warmup_s: tuple[float, float] = INGEST_WARMUP_S,
    window_s: float = INGEST_WINDOW_S,
) -> dict:
    """Events per second sustained by `concurrency` clients posting batches of `size` new events: counted
    over `measure_s` seconds once the rate has settled (see INGEST_WARMUP_S)."""
    planned = int((warmup_s[1] + measure_s) * INGEST_MAX_BATCHES_PER_S)
    print(f"ingest: making {planned} batches of {size} events", flush=True)
    bodies = iter(ingest_batches(planned, size))
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    done: list[tuple[float, int, float, int]] = []  # (finished at, accepted, ms, status)
    lock = threading.Lock()
    stop = threading.Event()

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while not stop.is_set():
            with lock:
                body = next(bodies, None)
            if body is None:
                return
            started = time.perf_counter()
            connection.request("POST", "/api/v1/events/views", body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            finished = time.perf_counter()
            accepted = json.loads(answer)["accepted"] if response.status == 202 else 0
            with lock:
                done.append((finished, accepted, (finished - started) * 1000, response.status))

    def events_between(t0: float, t1: float) -> int:
        with lock:
            return sum(accepted for at, accepted, _, _ in done if t0 <= at < t1)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    windows: list[float] = []
    waiting: list[int] = []
    measure_from = None
    while any(thread.is_alive() for thread in threads):
        edge = began + window_s * (len(windows) + 1)
        time.sleep(max(0.0, edge - time.perf_counter()))
        windows.append(events_between(edge - window_s, edge) / window_s)
        waiting.append(events_waiting())
        elapsed = edge - began
        print(
            f"ingest: {elapsed:4.0f} s  {windows[-1]:8.0f} events/s, {waiting[-1]:7d} waiting to be folded",
            flush=True,
        )
        if measure_from is None:
            settled = len(windows) >= 2 and abs(windows[-1] - windows[-2]) <= INGEST_SETTLED * windows[-2]
            if (elapsed >= warmup_s[0] and settled) or elapsed >= warmup_s[1]:
                measure_from = edge
        elif edge - measure_from >= measure_s - 1e-9:
            break
    stop.set()
    for thread in threads:
        thread.join()
    if measure_from is None:
        raise RuntimeError(f"ingestion ran out of its {planned} batches before its rate was measured")
    measure_to = measure_from + measure_s
    counted = [row for row in done if measure_from <= row[0] < measure_to]
    ordered = sorted(ms for _, _, ms, _ in counted)
    return {
        "path": "POST /api/v1/events/views",
        "requests": len(counted),
        "errors": sum(1 for row in done if row[3] != 202),
        "events_accepted": sum(accepted for _, accepted, _, _ in counted),
        "events_per_s": round(sum(accepted for _, accepted, _, _ in counted) / measure_s, 1),
        "p50_ms": percentile(ordered, 0.50),
        "p95_ms": percentile(ordered, 0.95),
        "clients": concurrency,
        "batch": size,
        "measured_s": measure_s,
        "warmup_s": round(measure_from - began, 1),
        "warmup_events_per_s": round(events_between(began, measure_from) / (measure_from - began), 1),
        "window_s": window_s,
        "windows_events_per_s": [round(rate) for rate in windows],
        # the queue of stored events not yet folded into the rollups, at the end of each window
        "windows_events_waiting": waiting,
    }


def run(*, requests: int, concurrency: int, workers: int, ingest_measure_s: float = INGEST_MEASURE_S) -> dict:
    from django.db import connection

    from benchmarks.workload import suggest_workload

    tokens = bench_tokens()
    with bench_gunicorn(workers) as server:
        port = server.port
        results = {}
        for name, (params, _) in {**SEARCH_SCENARIOS}.items():
            results[f"search:{name}"] = measure(
                port, f"/api/v1/search/videos?{urlencode(params)}", requests=requests, concurrency=concurrency
            )
            print(name, results[f"search:{name}"], flush=True)
        for name, (params, _) in SUGGEST_SCENARIOS.items():
            results[f"suggest:{name}"] = measure(
                port,
                f"/api/v1/search/suggest?{urlencode(params)}",
                requests=requests,
                concurrency=concurrency,
            )
            print(name, results[f"suggest:{name}"], flush=True)
        with connection.cursor() as cursor:  # prefixes typed from the catalogue (benchmarks.workload)
            typed = suggest_workload(cursor)
        for kind, prefixes in typed.items():
            paths = [f"/api/v1/search/suggest?{urlencode({'q': prefix})}" for prefix in prefixes]
            results[f"suggest_mix:{kind}"] = measure(
                port, paths, requests=max(requests, 2 * len(paths)), concurrency=concurrency
            )
            print(f"suggest_mix:{kind}", results[f"suggest_mix:{kind}"], flush=True)
        sources = related_sources()
        for name, (params, _) in RELATED_SCENARIOS.items():
            query = f"?{urlencode(params)}" if params else ""
            paths = [f"/api/v1/videos/{video_id}/related{query}" for video_id in sources]
            results[f"related:{name}"] = measure(port, paths, requests=requests, concurrency=concurrency)
            print(name, results[f"related:{name}"], flush=True)
        subjects = analytics_subjects()
        if subjects is not None:
            analyst = {"Authorization": f"Token {tokens['analysts']}"}
            for name, path in analytics_paths(subjects).items():
                results[name] = measure(
                    port, path, requests=requests, concurrency=concurrency, headers=analyst
                )
                print(name, results[name], flush=True)
            for name, (scope, params) in MODEL_SHAPES.items():
                path = model_path(subjects, scope, params)
                results[f"model:{name}"] = measure(
                    port, path, requests=requests, concurrency=concurrency, headers=analyst
                )
                print(f"model:{name}", results[f"model:{name}"], flush=True)
            results["ingest:batches_of_1000"] = measure_ingest(
                port, tokens["ingest"], concurrency=2, measure_s=ingest_measure_s
            )
            print("ingest", results["ingest:batches_of_1000"], flush=True)
            for rate in (REALTIME_INGEST_RATE, 0):
                results.update(
                    realtime_during_ingestion(port, tokens, subjects, requests=requests, events_per_s=rate)
                )
        return results


# Realtime reads beside a live feed: one client posting batches of 1,000 at REALTIME_INGEST_RATE events/s
# (a sixth of what two clients sustain here without pause), and then without pause (the CPU saturated).
REALTIME_INGEST_BATCHES = 600
REALTIME_INGEST_RATE = 1_000


def realtime_during_ingestion(
    port: int, tokens: dict[str, str], subjects: dict, *, requests: int, events_per_s: int
) -> dict:
    """Realtime reads (one client, each path in turn) while one client posts batches of 1,000 new events
    at `events_per_s` (0: without pause); and the rate that ingestion kept beside them."""
    bodies = ingest_batches(REALTIME_INGEST_BATCHES, 1_000)
    headers = {"Authorization": f"Token {tokens['ingest']}", "Content-Type": "application/json"}
    stop = threading.Event()
    accepted: list[int] = []
    began = time.perf_counter()

    def post() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for n, body in enumerate(bodies):
            if stop.is_set():
                return
            if events_per_s:  # batch n leaves at n * 1,000 / events_per_s seconds
                time.sleep(max(0.0, began + n * 1_000 / events_per_s - time.perf_counter()))
            connection.request("POST", "/api/v1/events/views", body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            accepted.append(json.loads(answer)["accepted"] if response.status == 202 else 0)

    poster = threading.Thread(target=post)
    poster.start()
    time.sleep(5)  # ingestion under way
    results = {}
    analyst = {"Authorization": f"Token {tokens['analysts']}"}
    suffix = f"_during_ingest_{events_per_s}_per_s" if events_per_s else "_during_ingest_unpaced"
    for name, path in realtime_paths(subjects).items():
        results[f"{name}{suffix}"] = measure(port, path, requests=requests, concurrency=1, headers=analyst)
        print(f"{name}{suffix}", results[f"{name}{suffix}"], flush=True)
    stop.set()
    poster.join()
    rate = round(sum(accepted) / (time.perf_counter() - began), 1)
    print(f"ingestion beside the realtime reads: {rate} events/s", flush=True)
    for values in results.values():
        values["ingest_events_per_s_beside"] = rate
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--ingest-seconds",
        type=float,
        default=INGEST_MEASURE_S,
        help="seconds over which ingestion's sustained rate is counted, after its warm-up",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "http.json")
    args = parser.parse_args()
    results = run(
        requests=args.requests,
        concurrency=args.concurrency,
        workers=args.workers,
        ingest_measure_s=args.ingest_seconds,
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
