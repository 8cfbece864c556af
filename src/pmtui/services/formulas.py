"""Calculated KPIs: formulas over other KPIs, validated, versioned in the audit trail, recomputed.

``kpis.formula`` holds the text (see :mod:`pmtui.core.expr` for the language). A formula
KPI's value at a unit and period is computed when every KPI it refers to has an
approved value there, and stored as an *approved* measurement entered by the pseudo-user
``calc`` and decided by ``system`` (the four-eyes trigger accepts that: they differ), with
the comment ``calculated: <formula>``. Every such write is audited like any other.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from pmtui.core import expr, kpi_graph
from pmtui.services import users
from pmtui.services.errors import PmError
from pmtui.services.framework import id_of
from pmtui.store import audit
from pmtui.store.audit import utc_text
from pmtui.store.db import atomic

#: Who enters and who decides calculated values.
CALC_USER, DECIDER = "calc", users.SYSTEM


def graph(conn: sqlite3.Connection) -> dict[str, set[str]]:
    """Formula KPI code -> the KPI codes its formula refers to."""
    return {r[0]: expr.references(expr.parse(r[1]))
            for r in conn.execute("SELECT code, formula FROM kpis WHERE formula IS NOT NULL AND formula != ''")}


def validate(conn: sqlite3.Connection, kpi: str, text: str) -> set[str]:
    """Check a formula for ``kpi``: syntax, known KPI codes, no dependency cycle.

    Returns:
        The KPI codes it refers to.

    Raises:
        PmError: with the position of a syntax error, the unknown codes, or the cycle.
    """
    try:
        refs = expr.references(expr.parse(text))
    except ValueError as exc:
        raise PmError(f"formula for {kpi}: {exc}") from None
    known = {r[0] for r in conn.execute("SELECT code FROM kpis")}
    unknown = sorted(refs - known)
    if unknown:
        raise PmError(f"formula for {kpi}: unknown KPI code(s) {', '.join(unknown)}")
    try:
        kpi_graph.check_acyclic(graph(conn) | {kpi: refs})
    except ValueError as exc:
        raise PmError(f"formula for {kpi} refused: {exc}") from None
    return refs


def set_formula(conn, kpi: str, text: str | None, *, actor: str, now: datetime) -> dict:
    """Set (or with ``text=None`` clear) a KPI's formula: ``edit_definitions``, audited.

    Values already calculated stay until the next recomputation.
    """
    kpi_id = id_of(conn, "kpis", kpi, "KPI")
    text = text.strip() if text else None
    if text:
        validate(conn, kpi, text)
    users.require(conn, actor, "edit_definitions", None, now=now, entity="kpis", key=kpi_id,
                  attempted={"formula": text})
    with atomic(conn):
        row = audit.update(conn, "kpis", kpi_id, {"formula": text}, actor=actor, now=now,
                           action="kpi.formula" if text else "kpi.formula_clear")
    return {"kpi": kpi, "formula": row["formula"]}


def _inputs(conn, codes: set[str], unit_id: int, period: str) -> dict[str, float]:
    marks = ",".join("?" * len(codes))
    rows = conn.execute(f"SELECT k.code, m.value FROM measurements m JOIN kpis k ON k.id = m.kpi_id"
                        f" WHERE m.unit_id = ? AND m.period = ? AND m.status = 'approved' AND k.code IN ({marks})",
                        [unit_id, period, *sorted(codes)])
    return {r[0]: r[1] for r in rows}


def _store(conn, kpi: sqlite3.Row, unit_id: int, period: str, value: float | None, now: datetime,
           reason: str | None) -> str:
    """Write (or update, or remove) one calculated value; returns what happened."""
    row = conn.execute("SELECT * FROM measurements WHERE kpi_id = ? AND unit_id = ? AND period = ?",
                       [kpi["id"], unit_id, period]).fetchone()
    if value is None:
        if row is not None and row["entered_by"] == CALC_USER:
            audit.delete(conn, "measurements", row["id"], actor=DECIDER, now=now, action="measurement.calculate",
                         reason=reason)
            return "removed"
        return "no value"
    stamp = utc_text(now)
    changes = {"value": value, "comment": f"calculated: {kpi['formula']}", "status": "approved",
               "entered_by": CALC_USER, "entered_at": stamp, "submitted_by": CALC_USER, "submitted_at": stamp,
               "decided_by": DECIDER, "decided_at": stamp, "reason": None}
    if row is None:
        audit.insert(conn, "measurements", changes | {"kpi_id": kpi["id"], "unit_id": unit_id, "period": period},
                     actor=DECIDER, now=now, action="measurement.calculate", reason=reason)
        return "inserted"
    if row["status"] == "approved" and row["value"] == value and row["comment"] == changes["comment"]:
        return "unchanged"
    if row["status"] == "approved" and row["entered_by"] != CALC_USER:
        # An approved value someone entered by hand is locked (it changes only through an
        # approved correction), so recalculation leaves it and reports it.
        return "manual"
    audit.update(conn, "measurements", row["id"], changes, actor=DECIDER, now=now,
                 action="measurement.recalculate", reason=reason)
    return "updated"


def _compute(conn, codes: list[str], deps: dict[str, set[str]], pairs, now: datetime, reason: str) -> dict:
    """Evaluate ``codes`` (in dependency order) at each (unit_id, period) of ``pairs``."""
    counts = {"inserted": 0, "updated": 0, "unchanged": 0, "removed": 0, "no value": 0, "incomplete": 0, "manual": 0}
    problems: list[dict] = []
    for code in codes:
        kpi = conn.execute("SELECT id, code, formula, decimals FROM kpis WHERE code = ?", [code]).fetchone()
        tree = expr.parse(kpi["formula"])
        for unit_id, period in pairs(code):
            values = _inputs(conn, deps[code], unit_id, period)
            if set(values) != deps[code]:
                counts["incomplete"] += 1
                continue
            try:
                value, why = round(expr.evaluate(tree, values), kpi["decimals"] + 2), reason
            except expr.NoValue as exc:
                value, why = None, f"no value: {exc}"
                problems.append({"kpi": code, "unit_id": unit_id, "period": period, "reason": str(exc)})
            counts[_store(conn, kpi, unit_id, period, value, now, why)] += 1
    return counts | {"problems": problems[:100]}


def after_approval(conn: sqlite3.Connection, kpi_id: int, unit_id: int, period: str, *, now: datetime) -> list[int]:
    """Recompute every formula KPI that depends on the approved value (transitively, in order).

    Runs inside the approval's transaction (called by :func:`pmtui.services.measurements.decide`).

    Returns:
        Ids of the formula KPIs whose value was written.
    """
    deps = graph(conn)
    if not deps:
        return []
    code = conn.execute("SELECT code FROM kpis WHERE id = ?", [kpi_id]).fetchone()[0]
    order = kpi_graph.dependents(deps, [code])
    written = []
    with atomic(conn):
        for dependent in order:
            result = _compute(conn, [dependent], deps, lambda _c: [(unit_id, period)], now,
                              f"input {code} approved for {period}")
            if result["inserted"] or result["updated"] or result["removed"]:
                written.append(id_of(conn, "kpis", dependent, "KPI"))
    return written


def recompute(conn, *, kpi: str | None = None, period: str | None = None, actor: str, now: datetime) -> dict:
    """Recompute formula KPIs (all, or ``kpi`` and those depending on it) at every unit, or one period.

    Requires ``edit_definitions``; each write is audited.
    """
    deps = graph(conn)
    if kpi is not None:
        id_of(conn, "kpis", kpi, "KPI")
        if kpi not in deps:
            raise PmError(f"{kpi} has no formula (set one with 'pmtui kpis formula --kpi {kpi} --set ...')")
    codes = kpi_graph.order(deps) if kpi is None else [kpi, *kpi_graph.dependents(deps, [kpi])]
    users.require(conn, actor, "edit_definitions", None, now=now, entity="kpis", key=kpi or "*",
                  attempted={"recompute": period or "all"})

    def pairs(code: str) -> list[tuple[int, str]]:
        marks = ",".join("?" * len(deps[code]))
        extra, args = ("AND m.period = ?", [period]) if period else ("", [])
        return conn.execute(f"SELECT DISTINCT m.unit_id, m.period FROM measurements m JOIN kpis k ON k.id = m.kpi_id"
                            f" WHERE m.status = 'approved' AND k.code IN ({marks}) {extra}"
                            f" ORDER BY m.unit_id, m.period", [*sorted(deps[code]), *args]).fetchall()

    with atomic(conn):
        result = _compute(conn, codes, deps, pairs, now, f"recomputed by {actor}")
        from pmtui.services import spc  # noqa: PLC0415

        for code in codes:
            kid = id_of(conn, "kpis", code, "KPI")
            for (uid,) in conn.execute("SELECT DISTINCT unit_id FROM measurements WHERE kpi_id = ?", [kid]).fetchall():
                spc.refresh_series(conn, kid, uid)
    return {"kpis": codes, "period": period} | result
