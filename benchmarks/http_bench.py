"""Latency over HTTP against gunicorn, warm: p50, p95, p99 and throughput per scenario.

Started by benchmarks.run with DATABASE_URL set; also usable alone:
    DATABASE_URL=... python -m benchmarks.http_bench --requests 300 --out benchmarks/results/http.json
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from benchmarks.scenarios import SEARCH_SCENARIOS, SUGGEST_SCENARIOS

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "WEB_CONCURRENCY": str(workers),
        "LOG_LEVEL": "warning",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-" + "x" * 50),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--access-logfile", "/dev/null"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/readyz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("gunicorn did not become ready")


def measure(port: int, path: str, *, requests: int, concurrency: int) -> dict:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_client = requests // concurrency

    def client():
        nonlocal errors
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(per_client):
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                errors += response.status != 200

    for _ in range(10):  # warm the workers and caches
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        warm.request("GET", path)
        warm.getresponse().read()
    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 2)

    return {
        "path": path,
        "requests": len(ordered),
        "errors": errors,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "mean_ms": round(statistics.fmean(ordered), 2),
        "rps": round(len(ordered) / wall, 1),
    }


def run(*, requests: int, concurrency: int, workers: int) -> dict:
    port = free_port()
    server = start_gunicorn(port, workers)
    try:
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
        return results
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "http.json")
    args = parser.parse_args()
    results = run(requests=args.requests, concurrency=args.concurrency, workers=args.workers)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
