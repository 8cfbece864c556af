"""Run the speed benchmarks and print ratios against baselines measured in the same run.

    make bench            # or: .venv/bin/python -m benchmarks.run [--quick]

Targets (from the issues):
- import: ``pmtui import measurements`` of the 1.2M-row CSV (full validation and audit)
  vs the sqlite3 shell's ``.import`` of the same CSV: goal <= 2x.
- first paint: the TUI's scorecard on the large file vs on the demo file: goal <= 1.5x.
- SPC: XmR over every series of the large file (20,000 x 60 points), absolute seconds.
- publish: the published home (scorecard) page's p95 vs a primary-key row page's p95 on
  the published large file: goal <= 2x (``benchmarks/publish_bench.py``).
- apply: ``framework apply`` of 50 units, 2,000 KPIs, 400 objectives and 240,000 target
  rows vs inserting the same rows with executemany: goal <= 5x; re-apply <= 2 s
  (``benchmarks/apply_bench.py``).

Results go to ``benchmarks/out/results.json``. ``--quick`` uses a tenth of the KPIs
(a smoke test of the harness, not a measurement).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from benchmarks import apply_bench, large, paint, publish_bench, spc_bench

OUT = Path(__file__).parent / "out"
NOW = datetime(2026, 11, 26, 9, tzinfo=timezone.utc)


def _timed(cmd: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def bench_import(kpis: int) -> dict:
    """pmtui import vs sqlite3 .import of the same CSV (fresh copies, same run)."""
    csv_path, framework = OUT / "large.csv", OUT / "framework.db"
    for stale in OUT.glob("framework.db*"):
        stale.unlink()
    large.build_framework(framework, NOW, kpis=kpis)
    rows = large.write_csv(csv_path, kpis=kpis)
    baseline, ours = [], []
    for attempt in range(2):
        raw = OUT / "sqlite3-import.db"
        raw.unlink(missing_ok=True)
        baseline.append(_timed(["sqlite3", str(raw), f".import --csv {csv_path} measurements"]))
        target = OUT / "large.db"
        for stale in OUT.glob("large.db*"):
            stale.unlink()
        shutil.copy(framework, target)
        env = os.environ | {"PMTUI_NOW": NOW.isoformat(), "PMTUI_DB": str(target), "PMTUI_USER": "loader"}
        ours.append(_timed([sys.executable, "-m", "pmtui.cli", "import", "measurements", str(csv_path)], env))
    best_base, best_ours = min(baseline), min(ours)
    return {"rows": rows, "sqlite3_import_s": round(best_base, 2), "pmtui_import_s": round(best_ours, 2),
            "ratio": round(best_ours / best_base, 2), "goal": 2.0}


def main() -> None:
    """Entry point: run every benchmark and print a summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the KPIs (harness smoke test)")
    parser.add_argument("--only", choices=("publish", "apply"),
                        help="run one benchmark (publish: reuses benchmarks/out/large-approved.db once built)")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    results = json.loads((OUT / "results.json").read_text()) if args.only and (OUT / "results.json").exists() else {}
    if not args.only:
        if shutil.which("sqlite3") is None:
            sys.exit("the sqlite3 shell is needed for the import baseline (apt-get install sqlite3)")
        kpis = large.KPIS // 10 if args.quick else large.KPIS
        results["import"] = bench_import(kpis)
        results["first_paint"] = paint.bench_first_paint(OUT / "large.db", OUT / "demo.db", NOW)
        results["spc"] = spc_bench.bench_spc(OUT / "large.db")
    if args.only in (None, "apply"):
        results["apply"] = apply_bench.bench_apply(OUT, NOW, scale=10 if args.quick else 1)
    if args.only in (None, "publish"):
        # Published pages: scorecard and home pages vs a primary-key row page on the published large file.
        results["publish"] = publish_bench.bench_published_pages(requests=20 if args.quick else publish_bench.REQUESTS)
    (OUT / "results.json").write_text(json.dumps(results, indent=1))
    for name, figures in results.items():
        print(f"{name:12} " + "  ".join(f"{k}={v}" for k, v in figures.items()))
    _ = statistics  # kept for the paint module's medians


if __name__ == "__main__":
    main()
