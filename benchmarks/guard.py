"""The CI benchmark guard: fail when a guarded ratio (ours against its naive baseline, measured in the
same run) falls below its floor in benchmarks/guard.json, or when an HTTP scenario answered errors.

    python -m benchmarks.guard benchmarks/results/report.json

Ratios, not milliseconds: a CI runner's speed varies from run to run, while ours and the baseline run
side by side on the same machine. The floors are set at about half the ratio measured at CI scale
(BENCH_VIDEOS=20000, BENCH_EVENTS=200000), so noise passes and a lost index or a plan gone wrong fails.
Query plans are guarded by search/tests/test_plans.py, which the benchmark job runs too.
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


def main() -> None:
    report = json.loads(
        Path(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/results/report.json").read_text()
    )
    failures = check(report, json.loads(FLOORS.read_text())["floors"])
    for failure in failures:
        print(f"FAIL {failure}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
