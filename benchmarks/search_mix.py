"""Search over the real query mix, beside tantivy, in one run (issue 15).

    DATABASE_URL=... python -m benchmarks.search_mix              # what `make bench` runs
    DATABASE_URL=... python -m benchmarks.search_mix --per-kind 10 --rounds 1 --concurrent-seconds 10

1. Draws the workload (benchmarks.workload: one, two and three words, phrases, exclusions, misspellings,
   Korean and Japanese 2-syllable pieces, a video's title and channel name, filters, facets, each order).
2. Asks each query once (warm-up) and counts the matches of the query the API answered (the corrected
   one where it corrected) exactly in SQL, which puts each query in a band (<=100, <=1,000, <=10,000,
   more matches).
3. Builds the tantivy index of the same videos (benchmarks.tantivy_peer), timing it.
4. Times every query over HTTP against gunicorn as configured, one client, `rounds` times in a shuffled
   order; and tantivy on the same queries, in-process, the same number of times.
5. Runs `clients` concurrent clients through the mix for `concurrent_seconds`: searches/s and latency.

Writes benchmarks/results/search_mix.json and search_mix.md: p50/p95/p99 per kind and per band, tantivy
p50/p95 and the ratio of the p95s, throughput, index sizes and build times.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

from tqdm import tqdm

from benchmarks.http_bench import bench_gunicorn, percentile, run_clients
from benchmarks.workload import BANDS, KINDS, SearchQuery, band_of, search_workload

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
PEER_PATH = ROOT / ".bench" / "tantivy"
# The targets of issue 15, over HTTP with one client, per kind and per band.
P95_TARGET_MS, P99_TARGET_MS, PEER_RATIO_TARGET = 25, 50, 8
CONCURRENT_TARGET = {"searches_per_s": 150, "p95_ms": 100}


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "k" * 50)
    import django

    django.setup()


def path_of(query: SearchQuery) -> str:
    return f"/api/v1/search/videos?{urlencode(query.params)}"


def exact_matches(params: dict[str, str]) -> int:
    """The number of videos the search `params` match, counted in full (no cap)."""
    from django.db import connection

    from api.filters import filter_params
    from benchmarks.scenarios import api_request
    from search.expressions import TsMatch
    from search.query import parse, to_tsquery
    from search.selectors import filtered_documents

    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
    tsquery = to_tsquery(parse(params.get("q", "")))
    if not tsquery:
        return 0
    return (
        filtered_documents(filter_params(api_request(params).query_params)).filter(TsMatch(tsquery)).count()
    )


def answered_params(query: SearchQuery, answer: dict) -> dict[str, str]:
    corrected = answer.get("query", {}).get("corrected")
    return {**query.params, "q": corrected} if corrected else query.params


def get(connection: http.client.HTTPConnection, path: str) -> tuple[int, bytes, float]:
    started = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    return response.status, body, (time.perf_counter() - started) * 1000


def summarise(latencies: list[float]) -> dict:
    ordered = sorted(latencies)
    return {
        "n": len(ordered),
        "p50_ms": percentile(ordered, 0.50),
        "p95_ms": percentile(ordered, 0.95),
        "p99_ms": percentile(ordered, 0.99),
        "mean_ms": round(statistics.fmean(ordered), 2) if ordered else None,
    }


def time_ours(port: int, workload: list[SearchQuery], rounds: int, seed: int) -> dict[int, list[float]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    timings: dict[int, list[float]] = defaultdict(list)
    rng = random.Random(seed)
    order = [i for _ in range(rounds) for i in rng.sample(range(len(workload)), len(workload))]
    errors = 0
    for i in tqdm(order, desc="ours over HTTP", unit="query", mininterval=2):
        status, _, ms = get(connection, path_of(workload[i]))
        errors += status != 200
        timings[i].append(ms)
    if errors:
        raise RuntimeError(f"{errors} searches did not answer 200")
    return timings


def time_peer(peer, workload: list[SearchQuery], rounds: int, seed: int) -> dict[int, list[float]]:
    timings: dict[int, list[float]] = defaultdict(list)
    rng = random.Random(seed)
    order = [i for _ in range(rounds) for i in rng.sample(range(len(workload)), len(workload))]
    for i in tqdm(order, desc="tantivy", unit="query", mininterval=2):
        started = time.perf_counter()
        peer.search(workload[i].params)
        timings[i].append((time.perf_counter() - started) * 1000)
    return timings


def concurrent(port: int, workload: list[SearchQuery], *, clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(offset: int):
        nonlocal errors
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        i = offset
        while time.perf_counter() < deadline:
            status, _, ms = get(connection, path_of(workload[i % len(workload)]))
            i += clients
            with lock:
                latencies.append(ms)
                errors += status != 200

    wall = run_clients([(k * 7,) for k in range(clients)], client)
    return {
        "clients": clients,
        "seconds": round(wall, 1),
        "searches_per_s": round(len(latencies) / wall, 1),
        "errors": errors,
        **summarise(latencies),
    }


def grouped(workload, bands, ours, peer, key) -> dict[str, dict]:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, query in enumerate(workload):
        groups[key(query, bands[i])].append(i)
    table = {}
    for name, members in groups.items():
        mine = summarise([ms for i in members for ms in ours[i]])
        theirs = summarise([ms for i in members for ms in peer[i]])
        table[name] = {
            "queries": len(members),
            "ours": mine,
            "tantivy": theirs,
            "p95_ratio": round(mine["p95_ms"] / theirs["p95_ms"], 1) if theirs["p95_ms"] else None,
        }
    return table


def index_sizes() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT pg_table_size('search_document'), pg_indexes_size('search_document'),
                   pg_total_relation_size('search_lexicon')
            """
        )
        table, indexes, lexicon = cursor.fetchone()
    return {
        "search_document_bytes": table,
        "search_document_indexes_bytes": indexes,
        "lexicon_bytes": lexicon,
    }


def time_rebuild() -> float:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("search_rebuild")
    return round(time.perf_counter() - started, 1)


def peer_index(videos: int, *, reuse: bool):
    """tantivy's index of every video, built now (timed) or, with `reuse`, the one a run left."""
    from django.db import connection, transaction

    from benchmarks import tantivy_peer

    peer = tantivy_peer.reopen(PEER_PATH, documents=videos) if reuse else None
    if peer:
        return peer
    with (
        transaction.atomic(),
        connection.connection.cursor(name="peer_corpus") as cursor,  # a server-side cursor
        tqdm(total=videos, desc="tantivy index", unit="video", mininterval=2) as bar,
    ):
        return tantivy_peer.build(cursor, PEER_PATH, progress=bar.update)


def settle_search_tables() -> None:
    """The tables search reads, as autovacuum leaves them: visibility map set, no dead row versions. Right
    after `seed`, folding the view counts left a dead version of most rows, which every sample visited
    (a third of a search's time), and autovacuum's threshold (a fifth of the table) is not reached."""
    from django.db import connection

    print("VACUUM (ANALYZE) of the search tables ...", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
        for table in ("search_document", "api_video", "api_channel", "analytics_video_trending"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        cursor.execute("RESET statement_timeout")


def run(args) -> dict:
    setup_django()
    from django.db import connection

    with connection.cursor() as cursor:
        workload = search_workload(cursor, seed=args.seed, per_kind=args.per_kind)
        cursor.execute("SELECT count(*) FROM api_video")
        (videos,) = cursor.fetchone()
    print(f"search mix: {len(workload)} queries over {videos:,} videos", flush=True)
    settle_search_tables()
    rebuild_s = time_rebuild() if args.time_rebuild else None
    with bench_gunicorn(args.workers) as server:
        port = server.port
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        answered = []
        for query in tqdm(workload, desc="warm-up", unit="query", mininterval=2):
            status, body, _ = get(warm, path_of(query))
            if status != 200:
                raise RuntimeError(f"{path_of(query)} answered {status}: {body[:300]!r}")
            answered.append(answered_params(query, json.loads(body)))
        matches = [exact_matches(params) for params in tqdm(answered, desc="exact counts", mininterval=2)]
        bands = [band_of(n) for n in matches]
        peer = peer_index(videos, reuse=args.reuse_peer)
        peer_timings = time_peer(peer, workload, args.rounds, args.seed)
        our_timings = time_ours(port, workload, args.rounds, args.seed)
        throughput = concurrent(port, workload, clients=args.clients, seconds=args.concurrent_seconds)
    slowest = sorted(((statistics.median(our_timings[i]), i) for i in range(len(workload))), reverse=True)[
        :15
    ]
    return {
        "videos": videos,
        "queries": len(workload),
        "rounds": args.rounds,
        "workers": args.workers or "as configured",
        "by_kind": grouped(workload, bands, our_timings, peer_timings, lambda q, b: q.kind),
        "by_band": grouped(workload, bands, our_timings, peer_timings, lambda q, b: b),
        "overall": grouped(workload, bands, our_timings, peer_timings, lambda q, b: "all")["all"],
        "concurrent": throughput,
        "slowest": [
            {
                "params": workload[i].params,
                "kind": workload[i].kind,
                "matches": matches[i],
                "median_ms": round(ms, 1),
            }
            for ms, i in slowest
        ],
        "index": {
            **index_sizes(),
            "search_rebuild_s": rebuild_s,
            "tantivy_bytes": peer.size_bytes,
            "tantivy_build_s": round(peer.build_s, 1),
        },
    }


def meets(row: dict) -> bool:
    ours = row["ours"]
    ratio = row["p95_ratio"]
    return (
        ours["p95_ms"] <= P95_TARGET_MS
        and ours["p99_ms"] <= P99_TARGET_MS
        and (ratio is None or ratio <= PEER_RATIO_TARGET)
    )


def markdown(report: dict) -> str:
    def table(title: str, rows: dict, order) -> list[str]:
        lines = [
            "",
            f"{title} | queries | ours p50 | p95 | p99 | tantivy p50 | p95 | p95 ratio | met |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for name in order:
            if name not in rows:
                continue
            row = rows[name]
            lines.append(
                f"| {name} | {row['queries']} | {row['ours']['p50_ms']} | {row['ours']['p95_ms']} | "
                f"{row['ours']['p99_ms']} | {row['tantivy']['p50_ms']} | {row['tantivy']['p95_ms']} | "
                f"{row['p95_ratio']}x | {'yes' if meets(row) else 'NO'} |"
            )
        return lines

    c, index = report["concurrent"], report["index"]
    mib = 1 << 20
    lines = [
        f"# Search over the real mix: {report['queries']} queries x {report['rounds']} rounds, "
        f"{report['videos']:,} videos",
        "",
        f"Ours over HTTP (gunicorn, workers {report['workers']}, one client, sequential) beside tantivy "
        f"in-process, ms. Targets: p95 <= {P95_TARGET_MS}, p99 <= {P99_TARGET_MS}, p95 within "
        f"{PEER_RATIO_TARGET}x of tantivy.",
    ]
    lines += table("| kind", report["by_kind"], KINDS)
    lines += table("| matches", report["by_band"], [name for _, name in BANDS])
    lines += table("| all", {"all": report["overall"]}, ["all"])
    lines += [
        "",
        f"{c['clients']} concurrent clients for {c['seconds']} s: {c['searches_per_s']} searches/s, p50 "
        f"{c['p50_ms']} ms, p95 {c['p95_ms']} ms, p99 {c['p99_ms']} ms, {c['errors']} errors (target at least "
        f"{CONCURRENT_TARGET['searches_per_s']}/s with p95 <= {CONCURRENT_TARGET['p95_ms']} ms).",
        "",
        f"Index: search_document {index['search_document_bytes'] / mib:,.0f} MiB + its indexes "
        f"{index['search_document_indexes_bytes'] / mib:,.0f} MiB, lexicon {index['lexicon_bytes'] / mib:,.0f} MiB"
        + (f", search_rebuild {index['search_rebuild_s']} s" if index["search_rebuild_s"] else "")
        + f"; tantivy {index['tantivy_bytes'] / mib:,.0f} MiB built in {index['tantivy_build_s']} s.",
        "",
        "Slowest queries (median ms over the rounds):",
        "",
    ]
    lines += [
        f"- {s['median_ms']} ms, {s['kind']}, {s['matches']:,} matches: `{urlencode(s['params'])}`"
        for s in report["slowest"]
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--per-kind", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--concurrent-seconds", type=float, default=30)
    parser.add_argument(
        "--workers", type=int, default=0, help="gunicorn workers (0: as gunicorn.conf.py says)"
    )
    parser.add_argument("--time-rebuild", action="store_true", help="also time `manage.py search_rebuild`")
    parser.add_argument(
        "--reuse-peer", action="store_true", help="reuse the tantivy index of a run on as many videos"
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "search_mix.json")
    args = parser.parse_args()
    report = run(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=str))
    text = markdown(report)
    args.out.with_suffix(".md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
