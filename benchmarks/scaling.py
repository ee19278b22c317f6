"""The ceiling of one primary, and what a read replica adds (docs/scaling.md): searches/s of the search
mix with 8 and 32 clients against gunicorn on the primary alone, then with reads going to the replicas in
SCALING_REPLICA_URLS (comma-separated), and ingestion events/s on the primary.

    DATABASE_URL=... SCALING_REPLICA_URLS=postgres://...:5433/db python -m benchmarks.scaling

SCALING_REPLICAS_ONLY=1 measures only the setup with replicas.
"""

from __future__ import annotations

import http.client
import json
import os
import re

from benchmarks.http_bench import bench_gunicorn, bench_tokens, measure_ingest
from benchmarks.report import RESULTS
from benchmarks.search_mix import concurrent, setup_django

SECONDS = float(os.environ.get("SCALING_SECONDS", "30"))


def reads_by_target(port: int) -> dict[str, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/metrics", headers={"Host": "localhost"})
    text = conn.getresponse().read().decode()
    return {m[1]: float(m[2]) for m in re.finditer(r'^db_reads_total\{target="(\w+)"\} (\S+)$', text, re.M)}


def main() -> None:
    setup_django()
    from django.db import connection

    from benchmarks.workload import search_workload

    with connection.cursor() as cursor:
        workload = search_workload(cursor, seed=15, per_kind=30)
    replicas = os.environ.get("SCALING_REPLICA_URLS", "")
    results: dict[str, object] = {"workload": len(workload), "seconds": SECONDS}
    for setup, urls in (("primary alone", ""), ("primary + replicas", replicas)):
        if (setup != "primary alone" and not urls) or (
            setup == "primary alone" and os.environ.get("SCALING_REPLICAS_ONLY")
        ):
            continue
        os.environ["DATABASE_REPLICA_URLS"] = urls  # gunicorn's workers inherit it
        with bench_gunicorn(0) as server:
            for clients in (8, 32):
                print(f"{setup}: {clients} clients for {SECONDS:.0f} s ...", flush=True)
                run = concurrent(server.port, workload, clients=clients, seconds=SECONDS)
                run["reads"] = reads_by_target(server.port)
                results[f"{setup}, {clients} clients"] = run
                print(json.dumps(run), flush=True)
            if setup == "primary alone":
                print("ingestion, 2 clients ...", flush=True)
                results["ingestion"] = measure_ingest(server.port, bench_tokens()["ingest"], concurrency=2)
                print(json.dumps(results["ingestion"]), flush=True)
    os.environ.pop("DATABASE_REPLICA_URLS", None)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "scaling.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
