"""SPC over every series of the large file: load from SQL, then vectorised XmR."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pandas as pd

from pmtui.core.spc_vector import xmr_many


def bench_spc(db_path: Path) -> dict:
    """Seconds to load all series and to evaluate them with :func:`xmr_many` (best of 3)."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    start = time.perf_counter()
    frame = pd.read_sql_query(
        "SELECT unit_id * 100000 + kpi_id AS series, value FROM measurements ORDER BY unit_id, kpi_id, period",
        conn)
    load = time.perf_counter() - start
    conn.close()
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        result = xmr_many(frame)
        runs.append(time.perf_counter() - start)
    flagged = int(result.points["rule"].notna().sum())
    return {"points": len(frame), "series": int(frame["series"].nunique()), "load_s": round(load, 2),
            "xmr_s": round(min(runs), 3), "points_flagged": flagged}
