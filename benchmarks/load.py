"""`make load`: the mixed workload of benchmarks/locustfile.py (locust, headless) against gunicorn on the
seeded database; writes benchmarks/results/load.json, load.md (p50, p95, p99, requests/s per endpoint)
and load.png (latency per endpoint).

    LOAD_USERS=16 LOAD_SECONDS=60 make load
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks.http_bench import bench_gunicorn, bench_tokens
from benchmarks.scenarios import analytics_subjects

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"


def main() -> None:
    users = int(os.environ.get("LOAD_USERS", "16"))
    seconds = int(os.environ.get("LOAD_SECONDS", "60"))
    workers = int(os.environ.get("LOAD_WORKERS", "2"))
    tokens = bench_tokens()  # sets Django up on the configured database
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 1) FROM api_video")
        max_video = cursor.fetchone()[0]
    subjects = analytics_subjects() or {}
    RESULTS.mkdir(parents=True, exist_ok=True)
    # the service as deployed: gunicorn and the maintenance worker (trending snapshots stay fresh off the
    # request path, suggestions follow the ingested catalogue)
    # the trending snapshots made before the first request, as `make run` and Compose do
    subprocess.run(
        [sys.executable, "manage.py", "maintain", "--once", "--job", "trending_snapshots"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        check=True,
    )
    worker = subprocess.Popen([sys.executable, "manage.py", "maintain"], cwd=ROOT, stdout=subprocess.DEVNULL)
    with bench_gunicorn(workers) as server:
        port = server.port
        env = {
            **os.environ,
            "LOAD_ANALYST_TOKEN": tokens["analysts"],
            "LOAD_INGEST_TOKEN": tokens["ingest"],
            "LOAD_SUBJECTS": json.dumps(subjects),
            "LOAD_MAX_VIDEO": str(max_video),
        }
        print(f"locust: {users} users for {seconds} s against gunicorn ({workers} workers) ...", flush=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "benchmarks" / "locustfile.py"),
                "--headless",
                "-u",
                str(users),
                "-r",
                str(users),
                "-t",
                f"{seconds}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(RESULTS / "load"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            check=False,
        )
    worker.terminate()
    worker.wait()
    report(seconds, users)


def report(seconds: int, users: int) -> None:
    rows = []
    with (RESULTS / "load_stats.csv").open() as f:
        for row in csv.DictReader(f):
            rows.append(
                {
                    "endpoint": row["Name"],
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "p50_ms": float(row["50%"] or 0),
                    "p95_ms": float(row["95%"] or 0),
                    "p99_ms": float(row["99%"] or 0),
                    "rps": round(float(row["Requests/s"]), 1),
                }
            )
    (RESULTS / "load.json").write_text(
        json.dumps({"users": users, "seconds": seconds, "endpoints": rows}, indent=2)
    )
    lines = [
        f"# Mixed load: {users} users, {seconds} s",
        "",
        "| endpoint | requests | failures | p50 ms | p95 ms | p99 ms | req/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r['endpoint']} | {r['requests']} | {r['failures']} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | "
        f"{r['p99_ms']:.0f} | {r['rps']} |"
        for r in rows
    ]
    (RESULTS / "load.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    chart(
        [r for r in rows if r["endpoint"] != "Aggregated"],
        RESULTS / "load.png",
        f"{users} users, {seconds} s",
    )


def chart(rows: list[dict], path: Path, subtitle: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [r["endpoint"] for r in rows]
    x = range(len(rows))
    fig, ax = plt.subplots(figsize=(8, 4.5))
    width = 0.27
    for offset, key, label in ((-width, "p50_ms", "p50"), (0, "p95_ms", "p95"), (width, "p99_ms", "p99")):
        ax.bar([i + offset for i in x], [r[key] for r in rows], width, label=label)
    ax.set_xticks(list(x), names)
    ax.set_ylabel("latency (ms)")
    ax.set_title(f"Latency per endpoint under the mixed load ({subtitle})")
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


if __name__ == "__main__":
    main()
