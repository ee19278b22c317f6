"""The CI benchmark guard: fail when a guarded ratio (ours against its naive baseline, measured in the
same run) falls below its floor in benchmarks/guard.json, or when an HTTP scenario answered errors.

    python -m benchmarks.guard benchmarks/results/report.json

Ratios, not milliseconds: a CI runner's speed varies from run to run, while ours and the baseline run
side by side on the same machine. The floors are set at about half the ratio measured at CI scale
(BENCH_VIDEOS=20000, BENCH_EVENTS=200000), so noise passes and a lost index or a plan gone wrong fails.
Query plans are guarded by search/tests/test_plans.py, which the benchmark job runs too.

The search mix is guarded the same way against tantivy: each match-count band's p95 ratio (ours over
HTTP, tantivy in-process, the same queries in the same run) must stay under its ceiling in guard.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

FLOORS = Path(__file__).resolve().parent / "guard.json"


def check(report: dict, floors: dict[str, float]) -> list[str]:
    ratios = {
        f"{row['scenario']}|{row['baseline']}": row["ratio"] for row in report["inprocess"] if row["baseline"]
    }
    failures = []
    for key, floor in sorted(floors.items()):
        ratio = ratios.get(key)
        if ratio is None:
            failures.append(f"{key}: not measured")
        elif ratio < floor:
            failures.append(f"{key}: ratio {ratio} below its floor {floor}")
        else:
            print(f"ok  {key}: {ratio} (floor {floor})")
    for row in report.get("http", []):
        if row.get("errors"):
            failures.append(f"{row['scenario']}: {row['errors']} HTTP errors")
    ingest = report.get("ingest")
    if ingest and ingest.get("errors"):
        failures.append(f"ingestion: {ingest['errors']} HTTP errors")
    return failures


def check_peer(report: dict, ceilings: dict[str, float]) -> list[str]:
    """The search mix (benchmarks.search_mix): each match-count band's p95 over tantivy's p95, measured
    in the same run, must stay under its ceiling; a band with no query at this scale is not judged."""
    mix = report.get("search_mix")
    if mix is None:
        return ["search mix: not measured"]
    failures = []
    for band, ceiling in sorted(ceilings.items()):
        row = mix["by_band"].get(band)
        if row is None:
            print(f"--  band {band}: no query of the mix at this scale")
        elif row["p95_ratio"] is None or row["p95_ratio"] > ceiling:
            failures.append(
                f"search mix, band {band}: p95 {row['p95_ratio']}x tantivy's, past its ceiling {ceiling}x"
            )
        else:
            print(f"ok  search mix, band {band}: {row['p95_ratio']}x tantivy's p95 (ceiling {ceiling}x)")
    if mix["concurrent"]["errors"]:
        failures.append(f"search mix: {mix['concurrent']['errors']} HTTP errors with concurrent clients")
    return failures


def main() -> None:
    report = json.loads(
        Path(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/results/report.json").read_text()
    )
    guard = json.loads(FLOORS.read_text())
    failures = check(report, guard["floors"]) + check_peer(report, guard["peer_p95_ratio_ceilings"])
    for failure in failures:
        print(f"FAIL {failure}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
