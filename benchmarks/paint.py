"""TUI time to first paint of the scorecard: large file vs demo file.

Each measurement is a fresh process (imports included, as a user starting pmtui sees
it) that runs the app headless and stops when the scorecard screen has drawn its
first data. ``python -m benchmarks.paint DB`` prints one measurement in seconds.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

START = time.perf_counter()
RUNS = 5


async def _probe(db_path: str) -> float:
    from pmtui.app import PmApp
    from pmtui.screens.scorecard import ScorecardScreen

    app = PmApp(db_path=db_path, user=None, clock=lambda: datetime(2026, 11, 26, 9), cursor_blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        while not (isinstance(app.screen, ScorecardScreen) and app.screen.card is not None):
            await asyncio.sleep(0.005)
        await pilot.pause()  # one refresh: the data is on screen
        return time.perf_counter() - START


def measure(db_path: Path) -> float:
    """One first-paint measurement in a fresh interpreter."""
    out = subprocess.run([sys.executable, "-m", "benchmarks.paint", str(db_path)], capture_output=True, text=True,
                         check=True).stdout
    return float(out.strip().splitlines()[-1])


def bench_first_paint(large_db: Path, demo_db: Path, now: datetime) -> dict:
    """Median of alternating runs on both files; builds the demo file if it is missing."""
    if not demo_db.exists():
        from pmtui.services import demo

        demo.build_demo(demo_db, now=now)
    large, small = [], []
    for _ in range(RUNS):
        small.append(measure(demo_db))
        large.append(measure(large_db))
    demo_s, large_s = statistics.median(small), statistics.median(large)
    return {"demo_s": round(demo_s, 3), "large_s": round(large_s, 3), "ratio": round(large_s / demo_s, 2),
            "goal": 1.5}


if __name__ == "__main__":
    print(f"{asyncio.run(_probe(sys.argv[1])):.4f}")
