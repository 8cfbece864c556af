"""Evaluating every approved series at once for :func:`pmtui.services.spc.refresh`.

Series with the same settings are evaluated together by
:func:`pmtui.core.spc_vector.xmr_many` (one call per distinct settings tuple: almost
every series uses the defaults, so there are only a few calls).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import numpy as np
import pandas as pd

from pmtui.core.spc_status import IMPROVEMENT
from pmtui.core.spc_vector import xmr_many

#: series key = kpi_id * KEY + unit_id (one int64 column factorises fast).
KEY = 1_000_000


def _load(conn: sqlite3.Connection) -> pd.DataFrame:
    cursor = conn.execute("SELECT kpi_id, unit_id, period, value FROM measurements WHERE status = 'approved'")
    frame = pd.DataFrame.from_records(cursor.fetchall(), columns=["kpi_id", "unit_id", "period", "value"])
    if frame.empty:
        return frame
    # spc_results' primary key order: the rewrite then appends to its index instead of seeking
    frame = frame.sort_values(["unit_id", "kpi_id", "period"], kind="stable", ignore_index=True)
    frame["series"] = frame["kpi_id"].astype(np.int64) * KEY + frame["unit_id"].astype(np.int64)
    return frame


def _settings(conn) -> dict[int, tuple]:
    rows = conn.execute("SELECT kpi_id, unit_id, baseline_points, rebase_periods, screen_outliers, shift_length,"
                        " trend_length FROM spc_settings").fetchall()
    return {r[0] * KEY + r[1]: tuple(r[2:]) for r in rows}


def _objects(values) -> list:
    """A column as Python objects with NaN as None."""
    series = pd.Series(values)
    return series.astype(object).where(series.notna(), None).tolist()


def evaluate_all(conn: sqlite3.Connection, targets: dict,
                 warning: Callable[[bool, bool], str | None]) -> tuple[list, list, int]:
    """Rows for ``spc_results`` and ``spc_summary`` from every approved value.

    Args:
        conn: The pmtui connection.
        targets: (kpi_id, unit_id) -> latest target.
        warning: ``(short, collapsed) -> text`` stored in ``spc_summary.warning``: short when
            some segment has fewer than 12 points, collapsed when some segment's limits
            collapsed onto its mean.

    Returns:
        ``(point rows, summary rows, number of flagged points)``.
    """
    from pmtui.services.spc import parse_rebase  # noqa: PLC0415

    frame = _load(conn)
    if frame.empty:
        return [], [], 0
    directions = {r[0]: IMPROVEMENT[r[1]] for r in conn.execute("SELECT id, direction FROM kpis")}
    frame["improvement"] = frame["kpi_id"].map(directions)
    target_of = pd.Series({k * KEY + u: t for (k, u), t in targets.items()}, dtype=float)
    frame["target"] = frame["series"].map(target_of) if len(target_of) else np.nan
    settings = _settings(conn)
    rebase = np.zeros(len(frame), dtype=bool)
    for key, values in settings.items():
        for period in parse_rebase(values[1]):
            rows = frame.index[(frame["series"] == key) & (frame["period"] >= period)]
            if len(rows):
                rebase[rows[0]] = True
    frame["rebase"] = rebase
    custom = frame["series"].isin(list(settings))
    groups = [((None, "", 1, 7, 7), frame[~custom])]
    by_values: dict[tuple, list[int]] = {}
    for key, values in settings.items():
        by_values.setdefault(values, []).append(key)
    groups += [(values, frame[frame["series"].isin(keys)]) for values, keys in by_values.items()]
    points, summaries, flagged = [], [], 0
    for (baseline, _rebase, screen, shift, trend), part in groups:
        if part.empty:
            continue
        result = xmr_many(part, screen_outliers=bool(screen), shift_length=shift, trend_length=trend,
                          fix_after_n_points=baseline)
        p = result.points
        flagged += int(p["rule"].notna().sum())
        points.extend(zip(part["kpi_id"].tolist(), part["unit_id"].tolist(), part["period"].tolist(),
                          p["value"].tolist(), _objects(p["mean"].where(np.isfinite(p["mean"]))),
                          _objects(p["upl"].where(np.isfinite(p["upl"]))),
                          _objects(p["lpl"].where(np.isfinite(p["lpl"]))),
                          _objects(p["special_cause"]), _objects(p["rule"])))
        last = p.drop_duplicates("series", keep="last").set_index("series")["rule"]
        s = result.series
        for key, n, variation, assurance, short, collapsed, rule in zip(
                s.index.tolist(), s["n"].tolist(), _objects(s["variation"]), _objects(s["assurance"]),
                s["short_warning"].tolist(), s["limits_collapsed"].tolist(), _objects(last.reindex(s.index))):
            summaries.append((key // KEY, key % KEY, n, variation, assurance, rule, warning(short, collapsed)))
    return points, summaries, flagged
