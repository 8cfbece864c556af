"""``framework apply`` of a group-sized framework vs inserting the same rows with executemany.

The framework: 50 units, 2,000 KPIs (each unit measures 400 of them through 8
objectives of 50 KPIs), 400 objectives and a year of monthly targets for every measured
KPI x unit (240,000 target rows). Goals (issue 10): apply <= 5x the baseline that
inserts the same units, KPIs, objectives, links and targets with one ``executemany``
per table in one transaction (no validation, no audit); re-applying the same file
(no changes) <= 2 s.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime
from pathlib import Path

import tomli_w

from pmtui.services import framework_code, setup
from pmtui.store.db import connect

UNITS, KPIS, MEASURED, OBJECTIVES_PER_UNIT = 50, 2000, 400, 8
YEAR = ("2026-04", "2027-03")


def document(units: int = UNITS, kpis: int = KPIS, measured: int = MEASURED) -> dict:
    """The framework file as a dict (deterministic)."""
    codes = ["GROUP", *[f"R{r}" for r in range(1, 5)]]
    codes += [f"BU{i:02d}" for i in range(units - len(codes))]
    unit_rows = [{"code": "GROUP", "name": "Benchmark Group", "kind": "group"}]
    unit_rows += [{"code": c, "name": f"Region {c}", "kind": "region", "parent": "GROUP"} for c in codes[1:5]]
    unit_rows += [{"code": c, "name": f"Unit {c}", "kind": "business_unit", "parent": codes[1 + i % 4]}
                  for i, c in enumerate(codes[5:])]
    kpi_rows = [{"code": f"K{k:04d}", "name": f"KPI {k}", "uom": "%", "direction": "higher" if k % 3 else "lower",
                 "perspective": ("FIN", "CUS", "INT", "LRN")[k % 4]} for k in range(kpis)]
    per = measured // OBJECTIVES_PER_UNIT
    objectives, targets = [], []
    for u, unit in enumerate(codes):
        start = (u * 37) % kpis
        for o in range(OBJECTIVES_PER_UNIT):
            links = [f"K{(start + o * per + i) % kpis:04d}" for i in range(per)]
            objectives.append({"code": f"O{o}_{unit}", "name": f"Objective {o} of {unit}",
                               "level": "corporate" if unit == "GROUP" else "unit", "unit": unit,
                               "perspective": ("FIN", "CUS", "INT", "LRN")[o % 4],
                               "kpis": [{"code": k, "weight": 1.0} for k in links]})
            for k in links:
                higher = int(k[1:]) % 3
                targets.append({"kpi": k, "unit": unit, "from": YEAR[0], "to": YEAR[1],
                                "target": 100.0 if higher else 50.0, "amber": 90.0 if higher else 60.0})
    return {"company": {"name": "Benchmark Group"}, "units": unit_rows, "kpis": kpi_rows,
            "objectives": objectives, "targets": targets}


def _baseline(path: Path, template: Path, doc: dict) -> float:
    """Insert the same rows with executemany into the same tables (no triggers), one transaction."""
    schema = sqlite3.connect(template)
    tables = ("units", "kpis", "objectives", "objective_kpis", "targets")
    ddl = [r[0] for r in schema.execute(f"SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN"
                                        f" ({','.join('?' * len(tables))})", tables)]
    schema.close()
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    for statement in ddl:
        conn.execute(statement)
    unit_id = {u["code"]: i for i, u in enumerate(doc["units"], start=1)}
    kpi_id = {k["code"]: i for i, k in enumerate(doc["kpis"], start=1)}
    months = [f"{2026 + (m + 3) // 12}-{(m + 3) % 12 + 1:02d}" for m in range(12)]
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("INSERT INTO units (id, code, name, kind, parent_id) VALUES (?, ?, ?, ?, ?)",
                     [(unit_id[u["code"]], u["code"], u["name"], u["kind"], unit_id.get(u.get("parent")))
                      for u in doc["units"]])
    conn.executemany("INSERT INTO kpis (id, code, name, uom, direction) VALUES (?, ?, ?, ?, ?)",
                     [(kpi_id[k["code"]], k["code"], k["name"], k["uom"], k["direction"]) for k in doc["kpis"]])
    conn.executemany("INSERT INTO objectives (id, code, name, level, unit_id, perspective_id) VALUES (?, ?, ?, ?, ?, 1)",
                     [(i, o["code"], o["name"], o["level"], unit_id[o["unit"]])
                      for i, o in enumerate(doc["objectives"], start=1)])
    conn.executemany("INSERT INTO objective_kpis (objective_id, kpi_id, weight) VALUES (?, ?, ?)",
                     [(i, kpi_id[link["code"]], link["weight"]) for i, o in enumerate(doc["objectives"], start=1)
                      for link in o["kpis"]])
    conn.executemany("INSERT INTO targets (kpi_id, unit_id, period, target, amber) VALUES (?, ?, ?, ?, ?)",
                     [(kpi_id[t["kpi"]], unit_id[t["unit"]], p, t["target"], t["amber"])
                      for t in doc["targets"] for p in months])
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def bench_apply(out: Path, now: datetime, *, scale: int = 1) -> dict:
    """Time apply and re-apply against the executemany baseline (best of two each)."""
    doc = document(UNITS, KPIS // scale, MEASURED // scale)
    text = tomli_w.dumps(doc)
    ours, again, base = [], [], []
    for _ in range(2):
        path = out / "apply.db"
        for stale in out.glob("apply.db*"):
            stale.unlink()
        conn = connect(path)
        setup.initialise(conn, company="Benchmark Group", admin="admin", now=now)
        start = time.perf_counter()
        result = framework_code.apply(conn, text, actor="admin", now=now)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        second = framework_code.apply(conn, text, actor="admin", now=now)
        again.append(time.perf_counter() - start)
        assert second.changes == 0, "re-apply must change nothing"
        conn.close()
        base.append(_baseline(out / "apply-baseline.db", path, doc))
    targets = sum(1 for _ in result.plan["targets"].added)
    return {"units": len(doc["units"]), "kpis": len(doc["kpis"]), "objectives": len(doc["objectives"]),
            "target_rows": targets, "file_mb": round(len(text.encode()) / 1e6, 1),
            "executemany_s": round(min(base), 2), "apply_s": round(min(ours), 2),
            "ratio": round(min(ours) / min(base), 2), "goal": 5.0, "reapply_s": round(min(again), 2),
            "reapply_goal_s": 2.0}
