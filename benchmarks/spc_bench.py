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


def bench_refresh(db_path: Path) -> dict:
    """Seconds of ``pmtui spc refresh`` (load, evaluate, rewrite both caches) over every series.

    Works on a copy of ``db_path`` in which every measurement is marked approved (the
    imported benchmark values are only submitted; approving 1.2M values one by one is
    not what is measured here).
    """
    import shutil
    import tempfile

    from pmtui.services import spc
    from pmtui.store.db import atomic, connect

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "spc.db"
        shutil.copy(db_path, copy)
        conn = connect(copy)
        with atomic(conn):  # benchmark set-up only: not audited
            conn.execute("UPDATE measurements SET status = 'approved', decided_by = 'bench' WHERE status != 'approved'")
        runs = [spc.refresh(conn) for _ in range(2)]
        conn.close()
    best = min(runs, key=lambda r: r.seconds)
    return {"series": best.series, "points": best.points, "flagged": best.flagged, "refresh_s": best.seconds}


def build_approved(path: Path, kpis: int = 400, months: int = 60) -> None:
    """The large file's framework plus its 1.2M values stored as approved in one bulk insert."""
    import random

    from benchmarks import large
    from pmtui.core import periods
    from pmtui.store.db import atomic, connect

    large.build_framework(path, datetime_now(), kpis=kpis)
    conn = connect(path)
    kpi_ids = {r[0]: r[1] for r in conn.execute("SELECT code, id FROM kpis")}
    unit_ids = {r[0]: r[1] for r in conn.execute("SELECT code, id FROM units")}
    rng = random.Random(42)
    span = periods.last_n(large.LAST_PERIOD, months)
    with atomic(conn):  # benchmark set-up only: not audited
        for unit in large.unit_codes():
            rows = []
            for k in range(kpis):
                level = 100.0 if k % 3 else 50.0
                rows += [(kpi_ids[f"K{k:04d}"], unit_ids[unit], p, round(level * (1 + rng.gauss(0, 0.06)), 2))
                         for p in span]
            conn.executemany("INSERT INTO measurements (kpi_id, unit_id, period, value, status, entered_by,"
                             " entered_at, decided_by) VALUES (?, ?, ?, ?, 'approved', 'loader', '', 'bench')", rows)
    conn.close()


def datetime_now():
    """The benchmark's fixed clock."""
    from datetime import datetime, timezone

    return datetime(2026, 11, 26, 9, tzinfo=timezone.utc)


if __name__ == "__main__":  # python -m benchmarks.spc_bench [FILE]: time a full refresh
    import sys

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/pmtui-spc-large.db")
    if not target.exists():
        build_approved(target)
    print(bench_refresh(target))
