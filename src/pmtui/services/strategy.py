"""Planning cycles, the alignment report and the strategy map (capabilities M1.1, M1.4).

An objective with ``cycle_id`` NULL is *standing*: valid in every cycle. The alignment
report of a cycle reads the objectives valid in it and hands them to the pure
:mod:`pmtui.core.alignment`; the strategy map reads a unit's own objectives, their
statuses from :func:`pmtui.services.scorecard.build` and their cause-and-effect links.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from pmtui.core import alignment, periods
from pmtui.core.strategy_map import Edge, Lane, Node, StrategyMap
from pmtui.services import scorecard, users
from pmtui.services.errors import NotFound, PmError
from pmtui.services.framework import check_code, id_of
from pmtui.store import audit
from pmtui.store.db import atomic

CONFIDENTIAL = "confidential"


def add_cycle(conn, code: str, name: str, start: str, end: str, *, actor: str, now: datetime) -> dict:
    """Create a planning cycle (a fiscal year) from ``start`` to ``end`` (``YYYY-MM``, inclusive).

    Raises:
        PmError: bad code or periods, ``end`` before ``start``, overlap with another cycle,
            or the actor lacks group-wide ``edit_definitions``.
    """
    check_code(code, "cycle")
    if not name.strip():
        raise PmError("a planning cycle needs a name (--name)")
    try:
        periods.parse(start)
        periods.parse(end)
    except ValueError as exc:
        raise PmError(str(exc)) from None
    if end < start:
        raise PmError(f"cycle {code}: end {end} is before start {start}")
    users.require(conn, actor, "edit_definitions", None, now=now, entity="planning_cycles", key=code,
                  attempted={"code": code, "start": start, "end": end})
    with atomic(conn):
        if conn.execute("SELECT 1 FROM planning_cycles WHERE code = ?", [code]).fetchone():
            raise PmError(f"planning cycle {code} already exists")
        clash = conn.execute("SELECT code FROM planning_cycles WHERE start_period <= ? AND end_period >= ?",
                             [end, start]).fetchone()
        if clash:
            raise PmError(f"cycle {code} ({start}..{end}) overlaps cycle {clash[0]}")
        key = audit.insert(conn, "planning_cycles", {"code": code, "name": name.strip(), "start_period": start,
                                                     "end_period": end}, actor=actor, now=now)
        return audit.fetch_row(conn, "planning_cycles", key)


def list_cycles(conn: sqlite3.Connection) -> list[dict]:
    """Every planning cycle, earliest first, with its number of cycle-specific objectives."""
    rows = conn.execute(
        """SELECT c.code, c.name, c.start_period, c.end_period, c.status,
                  (SELECT count(*) FROM objectives o WHERE o.cycle_id = c.id) AS objectives
           FROM planning_cycles c ORDER BY c.start_period""")
    return [dict(r) for r in rows]


def set_objective_cycle(conn, objective: str, cycle: str | None, *, actor: str, now: datetime) -> dict:
    """Tie an objective to one cycle, or make it standing (``cycle`` None)."""
    users.require(conn, actor, "edit_definitions", None, now=now, entity="objectives", key=objective,
                  attempted={"cycle": cycle})
    with atomic(conn):
        cycle_id = id_of(conn, "planning_cycles", cycle, "planning cycle") if cycle else None
        return audit.update(conn, "objectives", id_of(conn, "objectives", objective, "objective"),
                            {"cycle_id": cycle_id}, actor=actor, now=now)


def alignment_report(conn: sqlite3.Connection, cycle: str) -> dict:
    """The alignment report of ``cycle`` as a JSON-ready dict (see :mod:`pmtui.core.alignment`)."""
    row = conn.execute("SELECT * FROM planning_cycles WHERE code = ?", [cycle]).fetchone()
    if row is None:
        raise NotFound(f"unknown planning cycle {cycle!r}: see 'pmtui cycles list'")
    objectives = [alignment.Objective(r["id"], r["code"], r["name"], r["level"], r["parent_id"], r["perspective"],
                                      r["unit"])
                  for r in conn.execute(
                      """SELECT o.id, o.code, o.name, o.level, o.parent_id, p.code AS perspective, u.code AS unit
                         FROM objectives o JOIN perspectives p ON p.id = o.perspective_id
                         JOIN units u ON u.id = o.unit_id
                         WHERE o.cycle_id IS NULL OR o.cycle_id = ?""", [row["id"]])]
    links = [alignment.KpiLink(r["objective_id"], r["code"], r["name"]) for r in conn.execute(
        """SELECT ok.objective_id, k.code, k.name FROM objective_kpis ok JOIN kpis k ON k.id = ok.kpi_id
           JOIN objectives o ON o.id = ok.objective_id
           WHERE k.active = 1 AND (o.cycle_id IS NULL OR o.cycle_id = ?)""", [row["id"]])]
    order = [r[0] for r in conn.execute("SELECT code FROM perspectives ORDER BY sort_order, code")]
    result = alignment.report(objectives, links, order).to_dict()
    return {"cycle": {k: row[k] for k in ("code", "name", "start_period", "end_period", "status")}} | result


def strategy_map(conn: sqlite3.Connection, unit: str = "GROUP", period: str | None = None, *,
                 published: bool = False) -> StrategyMap:
    """A unit's objectives by perspective, coloured by status, with their cause-and-effect links.

    Args:
        unit: unit code (default GROUP).
        period: the period whose statuses colour the boxes (default: the latest with data).
        published: leave out confidential objectives (and a confidential unit altogether:
            it is refused like an unknown one), and use only approved values.
    """
    row = conn.execute("SELECT id, name, confidentiality FROM units WHERE code = ?", [unit]).fetchone()
    if row is None or (published and row["confidentiality"] == CONFIDENTIAL):
        raise NotFound(f"unknown{' or unpublished' if published else ''} unit {unit!r}")
    if period is not None:
        try:
            periods.parse(period)
        except ValueError as exc:
            raise PmError(str(exc)) from None
    card = scorecard.build(conn, unit, period, published=published)
    lines = {o.code: o for p in card.perspectives for o in p.objectives}
    lanes = [Lane(r["code"], r["name"]) for r in conn.execute("SELECT code, name FROM perspectives"
                                                              " ORDER BY sort_order, code")]
    secret = " AND o.confidentiality != 'confidential'" if published else ""
    nodes = []
    for r in conn.execute(
            f"""SELECT o.code, o.name, o.level, p.code AS lane FROM objectives o
                JOIN perspectives p ON p.id = o.perspective_id
                WHERE o.unit_id = ?{secret} ORDER BY p.sort_order, o.code""", [row["id"]]):
        line = lines.get(r["code"])
        nodes.append(Node(r["code"], r["name"], r["lane"], r["level"], line.score if line else None,
                          line.status if line else None))
    shown = {n.code for n in nodes}
    edges = [Edge(r[0], r[1]) for r in conn.execute(
        """SELECT c.code, e.code FROM objective_links l JOIN objectives c ON c.id = l.cause_id
           JOIN objectives e ON e.id = l.effect_id ORDER BY c.code, e.code""") if r[0] in shown and r[1] in shown]
    return StrategyMap(unit, row["name"], card.period, lanes, nodes, edges)
