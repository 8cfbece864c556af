"""Gaming detection over the file (M3.4): sandbagged targets and target hugging, per KPI and unit.

The rules are :mod:`pmtui.core.gaming`'s; this module feeds them from SQL one unit at a
time (approved values of a bounded recent range, each with its period's target, and
each KPI's latest target), so that a file of millions of values is never read into
memory at once. Thresholds come from the settings ``gaming_window``,
``gaming_sandbag_margin``, ``gaming_hug_band``, ``gaming_hug_share``, ``gaming_hug_ratio``
and ``gaming_min_points`` (``pmtui settings set``), defaulting to
:class:`pmtui.core.gaming.Thresholds`. Findings on KPIs with incentive links come first.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, fields, replace
from datetime import date

from pmtui.core import gaming as core
from pmtui.core import periods
from pmtui.services import incentives
from pmtui.services.errors import PmError
from pmtui.services.framework import get_setting, id_of

#: Months per period of each KPI frequency (how far back a window of values reaches).
STEP = {"monthly": 1, "quarterly": 3, "yearly": 12}


def setting_name(field: str) -> str:
    """The settings key of a threshold (``window`` -> ``gaming_window``)."""
    return f"gaming_{field}"


def thresholds(conn: sqlite3.Connection, **overrides) -> core.Thresholds:
    """The thresholds in force: settings over the defaults, ``overrides`` (not None) over both.

    Raises:
        PmError: a stored setting or an override is not a valid number, naming it.
    """
    values: dict = {}
    for f in fields(core.Thresholds):
        text = overrides.get(f.name)
        source = f"--{f.name.replace('_', '-')}"
        if text is None:
            text, source = get_setting(conn, setting_name(f.name)), f"setting {setting_name(f.name)}"
        if text is None:
            continue
        try:
            values[f.name] = int(text) if f.type in (int, "int") else float(text)
        except (TypeError, ValueError):
            raise PmError(f"{source} must be a number, not {text!r}") from None
    try:
        return replace(core.Thresholds(), **values)
    except ValueError as exc:
        raise PmError(f"gaming thresholds: {exc}") from None


def _units(conn: sqlite3.Connection, unit: str | None) -> list[tuple[int, str]]:
    """(id, code) of the active units to scan: ``unit`` and every unit below it, or all."""
    if unit is None:
        return [(r[0], r[1]) for r in conn.execute("SELECT id, code FROM units WHERE active = 1 ORDER BY code")]
    rows = conn.execute(
        """WITH RECURSIVE down(id) AS (SELECT ? UNION SELECT u.id FROM units u JOIN down ON u.parent_id = down.id)
           SELECT u.id, u.code FROM units u JOIN down ON down.id = u.id WHERE u.active = 1 ORDER BY u.code""",
        [id_of(conn, "units", unit, "unit")])
    return [(r[0], r[1]) for r in rows]


def scan(conn: sqlite3.Connection, *, today: date, unit: str | None = None, kpi: str | None = None,
         limits: core.Thresholds | None = None, incentivised_only: bool = False) -> dict:
    """Every gaming finding, incentivised KPIs first: ``{"thresholds", "findings", "pairs"}``.

    Each finding: ``kind, kpi, kpi_name, unit, period, direction, summary, evidence,
    incentives ([{"role", "weight"}]), incentivised``. ``pairs`` counts the KPI x unit
    pairs with a target that were examined.
    """
    limits = limits or thresholds(conn)
    kpi_id = id_of(conn, "kpis", kpi, "KPI") if kpi else None
    links = incentives.by_kpi(conn)
    last_period = periods.of_date(today)
    findings, pairs = [], 0
    for unit_id, unit_code in _units(conn, unit):
        for found in _scan_unit(conn, unit_id, kpi_id, last_period, limits):
            pairs += found is None
            if found is None:
                continue
            kpi_row, finding = found
            linked = links.get(kpi_row["code"], [])
            if incentivised_only and not linked:
                continue
            findings.append({"kind": finding.kind, "kpi": kpi_row["code"], "kpi_name": kpi_row["name"],
                             "unit": unit_code, "period": finding.period, "direction": kpi_row["direction"],
                             "summary": finding.summary, "evidence": finding.evidence, "incentives": linked,
                             "incentivised": bool(linked)})
    findings.sort(key=_rank)
    return {"thresholds": asdict(limits), "findings": findings, "pairs": pairs}


def _rank(f: dict) -> tuple:
    strength = f["evidence"].get("easier_by", 0) if f["kind"] == "sandbagging" else f["evidence"].get("share", 0)
    return (not f["incentivised"], core.KINDS.index(f["kind"]), -strength, f["kpi"], f["unit"])


def _scan_unit(conn: sqlite3.Connection, unit_id: int, kpi_id: int | None, last_period: str,
               limits: core.Thresholds):
    """Yield None per pair examined and (kpi row, finding) per finding, for one unit.

    Three indexed reads: each KPI's latest target at the unit (one index seek per KPI:
    CROSS JOIN keeps SQLite from scanning every target), then the unit's approved values
    and its targets over the recent range. Joining targets per value is twice as slow.
    """
    one = "AND k.id = ?" if kpi_id else ""
    extra = [kpi_id] if kpi_id else []
    latest = conn.execute(
        f"""SELECT k.id, k.code, k.name, k.direction, k.frequency, t.period, t.target, t.target_high
            FROM kpis k CROSS JOIN targets t ON t.kpi_id = k.id AND t.unit_id = ?
              AND t.period = (SELECT max(period) FROM targets x WHERE x.kpi_id = k.id AND x.unit_id = ?)
            WHERE k.active = 1 {one} ORDER BY k.code""", [unit_id, unit_id, *extra]).fetchall()
    if not latest:
        return
    # Enough history for the window and the baseline before it, in the slowest frequency's periods.
    step = max(STEP.get(r["frequency"], 1) for r in latest)
    since = periods.shift(last_period, -(2 * limits.window + 2) * step)
    plain = conn.cursor()
    plain.row_factory = None  # plain tuples: sqlite3.Row costs more than the rules on these reads
    goals = {(r[0], r[1]): (r[2], r[3]) for r in plain.execute(
        f"""SELECT t.kpi_id, t.period, t.target, t.target_high FROM kpis k CROSS JOIN targets t
            ON t.kpi_id = k.id AND t.unit_id = ? AND t.period >= ? AND t.period <= ? WHERE k.active = 1 {one}""",
        [unit_id, since, last_period, *extra])}
    series: dict[int, list[core.Point]] = {}
    # The index (unit_id, period, kpi_id) yields rows in period order: no ORDER BY needed.
    for k, period, value in plain.execute(
            f"""SELECT m.kpi_id, m.period, m.value FROM measurements m
                WHERE m.unit_id = ? AND m.status = 'approved' AND m.period >= ? AND m.period <= ?
                {one.replace('k.id', 'm.kpi_id')}""", [unit_id, since, last_period, *extra]):
        series.setdefault(k, []).append(core.Point(period, value, *goals.get((k, period), (None, None))))
    for k in latest:
        points = sorted(series.get(k["id"], []))
        yield None
        if not points:
            continue
        sandbag = core.sandbagging(k["direction"], k["period"], k["target"], k["target_high"], points, limits)
        if sandbag:
            yield k, sandbag
        hug = core.hugging(k["direction"], points, limits)
        if hug:
            yield k, hug
