"""SPC in the product: per KPI x unit settings, SPC mode, and the derived result caches.

``spc_settings`` and ``kpis.spc_mode`` are definitions: guarded, audited, and changed
only with the ``edit_definitions`` permission. ``spc_results`` (one row per approved
point: mean, limits, special cause, rule) and ``spc_summary`` (one row per KPI x unit:
points, variation, assurance, last rule, warning: collapsed limits and trial limits,
see :func:`summary_warning`) are *derived caches*: rebuilt from
approved values by :func:`refresh`, never audited (the audit trail already holds the
values they are computed from), ignored by ``audit verify``'s replay.
"""

from __future__ import annotations

import math
import re
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime

from pmtui.core import spc as core_spc
from pmtui.core.spc_status import IMPROVEMENT
from pmtui.services import users
from pmtui.services.errors import PmError
from pmtui.services.framework import id_of
from pmtui.store import audit
from pmtui.store.db import atomic

#: Settings of a KPI x unit without a row in ``spc_settings``.
DEFAULTS = {"baseline_points": None, "rebase_periods": "", "screen_outliers": 1, "shift_length": 7, "trend_length": 7}
#: Approved values from which an empty cache waits for an explicit refresh (see :func:`refresh_series`).
BULK_FROM = 1000
SHORT_WARNING = f"fewer than {core_spc.MIN_POINTS} points: trial limits"
_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_KEEP = object()
_INSERT_POINT = "INSERT INTO spc_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
_INSERT_SUMMARY = "INSERT INTO spc_summary VALUES (?, ?, ?, ?, ?, ?, ?)"


@dataclass(frozen=True)
class RefreshResult:
    """What :func:`refresh` rebuilt."""

    series: int
    points: int
    flagged: int
    seconds: float

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return self.__dict__.copy()


def summary_warning(short: bool, collapsed: bool) -> str | None:
    """The text of ``spc_summary.warning``: collapsed limits first (they change what the
    chart means), then trial limits; None when neither applies."""
    parts = ([core_spc.COLLAPSED_WARNING] if collapsed else []) + ([SHORT_WARNING] if short else [])
    return "; ".join(parts) or None


def parse_rebase(text: str | None) -> list[str]:
    """``"2025-11, 2026-03"`` -> sorted unique periods.

    Raises:
        PmError: a part is not ``YYYY-MM``.
    """
    parts = [p.strip() for p in (text or "").split(",") if p.strip()]
    bad = [p for p in parts if not _PERIOD.match(p)]
    if bad:
        raise PmError(f"rebase periods must be YYYY-MM, comma separated: {', '.join(bad)}")
    return sorted(set(parts))


def settings_of(conn: sqlite3.Connection, kpi_id: int, unit_id: int) -> dict:
    """The SPC settings of a KPI at a unit (defaults where none are stored)."""
    row = conn.execute("SELECT * FROM spc_settings WHERE kpi_id = ? AND unit_id = ?", [kpi_id, unit_id]).fetchone()
    return {k: row[k] for k in DEFAULTS} if row else dict(DEFAULTS)


def set_settings(conn, kpi: str, unit: str, *, baseline_points=_KEEP, rebase=_KEEP, screen_outliers=_KEEP,
                 shift_length=_KEEP, trend_length=_KEEP, actor: str, now: datetime) -> dict:
    """Change the SPC settings of ``kpi`` at ``unit`` (audited; ``edit_definitions``), then refresh that series.

    Args:
        baseline_points: Fix the limits after this many points (None: use every point).
        rebase: Periods (``YYYY-MM``, list or comma text) where limits are recalculated.
        screen_outliers: Screen large moving ranges before computing limits.
        shift_length: Shift run length, 6-8.
        trend_length: Trend run length, 6-8.

    Returns:
        The stored settings row.
    """
    kpi_id, unit_id = id_of(conn, "kpis", kpi, "KPI"), id_of(conn, "units", unit, "unit")
    changes: dict = {}
    if baseline_points is not _KEEP:
        if baseline_points is not None and (not isinstance(baseline_points, int) or baseline_points < 2):
            raise PmError("--baseline-points must be an integer of at least 2")
        changes["baseline_points"] = baseline_points
    if rebase is not _KEEP:
        changes["rebase_periods"] = ",".join(parse_rebase(rebase if isinstance(rebase, str) else ",".join(rebase)))
    if screen_outliers is not _KEEP:
        changes["screen_outliers"] = int(bool(screen_outliers))
    for name, length in (("shift_length", shift_length), ("trend_length", trend_length)):
        if length is not _KEEP:
            if length not in core_spc.RUN_LENGTHS:
                raise PmError(f"{name.replace('_', ' ')} must be 6, 7 or 8, not {length!r}")
            changes[name] = length
    users.require(conn, actor, "edit_definitions", unit_id, now=now, entity="spc_settings", key=f"{kpi}|{unit}",
                  attempted=changes)
    with atomic(conn):
        row = conn.execute("SELECT id FROM spc_settings WHERE kpi_id = ? AND unit_id = ?", [kpi_id, unit_id]).fetchone()
        if row:
            stored = audit.update(conn, "spc_settings", row[0], changes, actor=actor, now=now, action="spc.settings")
        else:
            key = audit.insert(conn, "spc_settings", DEFAULTS | changes | {"kpi_id": kpi_id, "unit_id": unit_id},
                               actor=actor, now=now, action="spc.settings")
            stored = audit.fetch_row(conn, "spc_settings", key)
        refresh_series(conn, kpi_id, unit_id)
    return stored | {"kpi": kpi, "unit": unit}


def set_mode(conn, kpi: str, on: bool, *, actor: str, now: datetime) -> dict:
    """Let the KPI's intervention status follow SPC (``on``) or its fixed thresholds (audited)."""
    kpi_id = id_of(conn, "kpis", kpi, "KPI")
    users.require(conn, actor, "edit_definitions", None, now=now, entity="kpis", key=kpi_id,
                  attempted={"spc_mode": int(on)})
    with atomic(conn):
        row = audit.update(conn, "kpis", kpi_id, {"spc_mode": int(on)}, actor=actor, now=now, action="kpi.spc_mode")
    return {"kpi": kpi, "spc_mode": row["spc_mode"]}


def _latest_targets(conn, kpi_id: int | None = None, unit_id: int | None = None) -> dict[tuple[int, int], float]:
    where, args = ("WHERE kpi_id = ? AND unit_id = ?", [kpi_id, unit_id]) if kpi_id is not None else ("", [])
    rows = conn.execute(
        f"""SELECT t.kpi_id, t.unit_id, t.target FROM targets t
            JOIN (SELECT kpi_id, unit_id, max(period) AS period FROM targets {where} GROUP BY kpi_id, unit_id) l
            ON l.kpi_id = t.kpi_id AND l.unit_id = t.unit_id AND l.period = t.period""", args)
    return {(r[0], r[1]): r[2] for r in rows}


def rebase_positions(periods: list[str], rebase_periods: str) -> list[int]:
    """Positions of the first point at or after each rebase period (position 0 is no rebase)."""
    out = set()
    for rebase in parse_rebase(rebase_periods):
        position = next((i for i, p in enumerate(periods) if p >= rebase), None)
        if position:
            out.add(position)
    return sorted(out)


def _num(x: float) -> float | None:
    return x if x is not None and math.isfinite(x) else None


def refresh_series(conn: sqlite3.Connection, kpi_id: int, unit_id: int, *, force: bool = False) -> None:
    """Recompute one KPI x unit's cached results with :func:`pmtui.core.spc.xmr`.

    While the caches are empty and the file already holds :data:`BULK_FROM` approved
    values, this does nothing (unless ``force``): loading years of history value by value
    stays fast, and ``pmtui spc refresh`` builds the caches once at the end.
    """
    if not force and conn.execute("SELECT 1 FROM spc_summary LIMIT 1").fetchone() is None and conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM measurements WHERE status = 'approved' LIMIT ?)",
            [BULK_FROM]).fetchone()[0] >= BULK_FROM:
        return
    rows = conn.execute("SELECT period, value FROM measurements WHERE kpi_id = ? AND unit_id = ?"
                        " AND status = 'approved' ORDER BY period", [kpi_id, unit_id]).fetchall()
    direction = conn.execute("SELECT direction FROM kpis WHERE id = ?", [kpi_id]).fetchone()[0]
    with atomic(conn):
        conn.execute("DELETE FROM spc_results WHERE kpi_id = ? AND unit_id = ?", [kpi_id, unit_id])
        conn.execute("DELETE FROM spc_summary WHERE kpi_id = ? AND unit_id = ?", [kpi_id, unit_id])
        if not rows:
            return
        s = settings_of(conn, kpi_id, unit_id)
        periods = [r[0] for r in rows]
        result = core_spc.xmr(
            [r[1] for r in rows], improvement=IMPROVEMENT[direction],
            target=_latest_targets(conn, kpi_id, unit_id).get((kpi_id, unit_id)),
            screen_outliers=bool(s["screen_outliers"]), shift_length=s["shift_length"],
            trend_length=s["trend_length"], fix_after_n_points=s["baseline_points"],
            rebase=rebase_positions(periods, s["rebase_periods"]))
        conn.executemany(_INSERT_POINT, [
            (kpi_id, unit_id, period, p.value, _num(p.mean), _num(p.upl), _num(p.lpl), p.special_cause, p.rule)
            for period, p in zip(periods, result.points)])
        conn.execute(_INSERT_SUMMARY, (kpi_id, unit_id, len(rows), result.variation, result.assurance,
                                       result.points[-1].rule,
                                       summary_warning(bool(result.warnings), result.limits_collapsed)))


def refresh(conn: sqlite3.Connection) -> RefreshResult:
    """Rebuild ``spc_results`` and ``spc_summary`` from every approved value, in one transaction.

    Series are grouped by their settings and each group is evaluated at once with the
    vectorised :func:`pmtui.core.spc_vector.xmr_many`; the improvement direction comes
    from ``kpis.direction`` and the assurance target is the latest target.
    """
    from pmtui.services import spc_bulk  # noqa: PLC0415 - pandas only when refreshing everything

    started = time.perf_counter()
    with atomic(conn):
        points, summaries, flagged = spc_bulk.evaluate_all(conn, _latest_targets(conn), summary_warning)
        conn.execute("DELETE FROM spc_results")
        conn.execute("DELETE FROM spc_summary")
        conn.executemany(_INSERT_POINT, points)
        conn.executemany(_INSERT_SUMMARY, summaries)
    return RefreshResult(len(summaries), len(points), flagged, round(time.perf_counter() - started, 3))
