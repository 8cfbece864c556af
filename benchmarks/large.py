"""The large benchmark file: 50 units x 400 KPIs x 60 months = 1.2M measurements.

The framework (units, KPIs, objectives, targets for the last period) is created through
the services like any other file; the measurements come as one CSV that the benchmark
imports. Deterministic: same file every run.
"""

from __future__ import annotations

import csv
import random
from datetime import date, datetime
from pathlib import Path

from pmtui.core import periods
from pmtui.services import framework as fw
from pmtui.services import setup, users
from pmtui.store.db import atomic, connect

UNITS, KPIS, MONTHS = 50, 400, 60
LAST_PERIOD = "2026-09"
PERSPECTIVES = ("FIN", "CUS", "INT", "LRN")


def unit_codes() -> list[str]:
    """GROUP, 5 regions and 44 business units (50 units)."""
    regions = [f"REG{r}" for r in range(1, 6)]
    return ["GROUP", *regions, *[f"BU{i:02d}" for i in range(1, UNITS - len(regions))]]


def build_framework(path: Path, now: datetime, kpis: int = KPIS) -> None:
    """Units, users, KPIs and objectives (8 per unit, each measured by kpis/8 KPIs)."""
    conn = connect(path)
    a = {"actor": users.SYSTEM, "now": now}
    with atomic(conn):
        setup.initialise(conn, company="Benchmark Group", admin="admin", now=now)
        codes = unit_codes()
        for r in codes[1:6]:
            fw.create_unit(conn, r, f"Region {r}", "region", "GROUP", **a)
        for i, code in enumerate(codes[6:]):
            fw.create_unit(conn, code, f"Business unit {code}", "business_unit", codes[1 + i % 5], **a)
        users.create_role(conn, "LOADER", "Data loader", ["view", "enter_data"], **a)
        users.create_user(conn, "loader", "Nightly loader", **a)
        users.assign_role(conn, "loader", "LOADER", None, date(2020, 1, 1), **a)
        for k in range(kpis):
            fw.create_kpi(conn, f"K{k:04d}", name=f"KPI {k}", direction="higher" if k % 3 else "lower",
                          perspective=PERSPECTIVES[k % 4], uom="index", **a)  # not %: values pass 100
        per = max(1, kpis // 8)
        for code in codes:
            level = "corporate" if code == "GROUP" else "unit"
            for o in range(8):
                obj = f"O{o}_{code}"
                fw.create_objective(conn, obj, f"Objective {o} of {code}", level=level, unit=code,
                                    perspective=PERSPECTIVES[o % 4], parent=None if code == "GROUP" else f"O{o}_GROUP",
                                    **a)
                if code != "GROUP":
                    for k in range(o * per, (o + 1) * per):
                        fw.link_kpi(conn, obj, f"K{k:04d}", **a)
                        fw.set_target(conn, f"K{k:04d}", code, LAST_PERIOD, 100.0 if k % 3 else 50.0,
                                      90.0 if k % 3 else 60.0, **a)
    conn.close()


def write_csv(path: Path, kpis: int = KPIS, months: int = MONTHS) -> int:
    """The measurements CSV (unit,kpi,period,value); returns the number of data rows."""
    rng = random.Random(42)
    span = periods.last_n(LAST_PERIOD, months)
    rows = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit", "kpi", "period", "value"])
        for unit in unit_codes():
            for k in range(kpis):
                level = 100.0 if k % 3 else 50.0
                kpi = f"K{k:04d}"
                writer.writerows((unit, kpi, p, round(level * (1 + rng.gauss(0, 0.06)), 2)) for p in span)
                rows += len(span)
    return rows
