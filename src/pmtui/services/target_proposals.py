"""Targets for new periods: proposed, then approved by someone else (four-eyes, M3.3).

A proposal holds a KPI's target at a unit for one period. Only approved targets are
copied into ``targets`` and score. Batches (a year of targets for every KPI of a unit)
are written with ``executemany`` and audited by one batch entry that carries every row
(``<table>.batch``), which ``audit verify`` replays like an import.
A changed approved target is not a proposal: that is a mid-cycle revision
(:mod:`pmtui.services.target_revisions`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from pmtui.core import framework_spec as spec
from pmtui.core import canonical, periods, scoring
from pmtui.services import users
from pmtui.services.errors import NotFound, PmError
from pmtui.store import audit
from pmtui.store.audit import utc_text
from pmtui.store.db import atomic, insert_guard_suspended

#: Columns of a proposal row as the batch audit entry lists them.
ROW_COLUMNS = ("kpi_id", "unit_id", "period", "target", "amber", "target_high", "amber_high")
_ALL = ROW_COLUMNS + ("status", "proposed_by", "proposed_at", "decided_by", "decided_at", "reason", "batch_seq")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def require_units(conn, actor: str, unit_ids: Iterable[int], *, now: datetime, key: str) -> None:
    """``edit_targets`` for every unit (the system pseudo-user needs no role)."""
    if actor == users.SYSTEM:
        return
    for unit_id in sorted(set(unit_ids)):
        users.require(conn, actor, "edit_targets", unit_id, now=now, entity="target_proposals", key=key,
                      attempted={"unit_id": unit_id})


def propose_rows(conn, rows: list[tuple], *, actor: str, now: datetime, source: str) -> int:
    """Insert proposals (tuples in :data:`ROW_COLUMNS` order) and their batch audit entry.

    The caller has validated the rows and checked permissions; this runs inside (or as)
    one transaction. Returns the number of rows.
    """
    if not rows:
        return 0
    with atomic(conn):
        first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM target_proposals").fetchone()[0]
        seq = audit.head(conn)[0] + 1
        common = {"status": "proposed", "proposed_by": actor, "proposed_at": utc_text(now), "decided_by": None,
                  "decided_at": None, "reason": None, "batch_seq": seq}
        payload = {"source": source, "first_id": first, "common": common, "columns": list(ROW_COLUMNS),
                   "rows": [list(r) for r in rows]}
        # Serialise the audit entry in a thread while SQLite inserts (as the measurement import does).
        with ThreadPoolExecutor(max_workers=1) as pool, insert_guard_suspended(conn, "target_proposals"):
            entry = pool.submit(canonical.dumps, payload)
            conn.executemany(
                "INSERT INTO target_proposals (kpi_id, unit_id, period, target, amber, target_high, amber_high,"
                f" status, proposed_by, proposed_at, batch_seq) VALUES (?, ?, ?, ?, ?, ?, ?, 'proposed',"
                f" {_quote(actor)}, '{common['proposed_at']}', {seq})", rows)
            text = entry.result()
        if conn.execute("SELECT max(id) FROM target_proposals").fetchone()[0] != first + len(rows) - 1:
            raise PmError("internal error: proposals were not numbered consecutively; nothing written")
        audit.append(conn, actor=actor, now=now, action="target_proposals.batch", entity="target_proposals",
                     key=f"batch:{seq}", new_text=text)
    return len(rows)


def propose_range(conn, kpi: str, unit: str, first: str, last: str, target: float, amber: float | None = None,
                  target_high: float | None = None, amber_high: float | None = None, *,
                  actor: str, now: datetime) -> dict:
    """Propose one target for every reporting period of ``kpi`` from ``first`` to ``last``.

    Periods that already hold the same approved target or open proposal are skipped;
    a different open proposal is replaced; a different approved target is refused
    (change it with a target revision).

    Raises:
        NotFound: unknown KPI or unit.
        PmError: bad periods or thresholds, a locked target.
        PermissionDenied: the actor lacks ``edit_targets`` for the unit (audited).
    """
    kpi_row = conn.execute("SELECT id, direction, frequency FROM kpis WHERE code = ?", [kpi]).fetchone()
    unit_row = conn.execute("SELECT id FROM units WHERE code = ?", [unit]).fetchone()
    if not kpi_row:
        raise NotFound(f"unknown KPI {kpi!r}")
    if not unit_row:
        raise NotFound(f"unknown unit {unit!r}")
    for name, value in (("from", first), ("to", last)):
        if not periods.is_valid(value):
            raise PmError(f"{name}: {value!r} is not a period YYYY-MM")
    if first > last:
        raise PmError(f"to: {last} is before from = {first}")
    values = (target, amber, target_high, amber_high)
    try:
        scoring.kpi_score(kpi_row["direction"], None, *values)
    except ValueError as exc:
        raise PmError(f"target for {kpi} at {unit}: {exc}") from None
    if kpi_row["direction"] == "band" and target_high is None:
        raise PmError(f"{kpi} is a band KPI: give target and target_high")
    wanted = spec.reporting_periods(first, last, kpi_row["frequency"])
    if not wanted:
        raise PmError(f"no {kpi_row['frequency']} reporting period of {kpi} between {first} and {last}")
    require_units(conn, actor, [unit_row["id"]], now=now, key=f"{kpi}|{unit}|{first}..{last}")
    with atomic(conn):
        rows, replaced, same = [], 0, 0
        for period in wanted:
            state = current(conn, kpi_row["id"], unit_row["id"], period)
            if state and state[1] == values:
                same += 1
                continue
            if state and state[0] == "approved":
                raise PmError(f"the approved target of {kpi} at {unit} for {period} is locked"
                              f" ({state[1][0]:g}): change it with 'pmtui targets revise'")
            if state:
                withdraw(conn, kpi_row["id"], unit_row["id"], period, actor=actor, now=now)
                replaced += 1
            rows.append((kpi_row["id"], unit_row["id"], period, *values))
        proposed = propose_rows(conn, rows, actor=actor, now=now, source="propose")
    return {"kpi": kpi, "unit": unit, "from": first, "to": last, "proposed": proposed, "replaced": replaced,
            "unchanged": same}


def current(conn: sqlite3.Connection, kpi_id: int, unit_id: int, period: str) -> tuple[str, tuple] | None:
    """("approved" | "proposed", (target, amber, target_high, amber_high)) for one period, or None."""
    row = conn.execute("SELECT target, amber, target_high, amber_high FROM targets"
                       " WHERE kpi_id = ? AND unit_id = ? AND period = ?", [kpi_id, unit_id, period]).fetchone()
    if row:
        return "approved", tuple(row)
    row = conn.execute("SELECT target, amber, target_high, amber_high FROM target_proposals"
                       " WHERE kpi_id = ? AND unit_id = ? AND period = ? AND status = 'proposed'",
                       [kpi_id, unit_id, period]).fetchone()
    return ("proposed", tuple(row)) if row else None


def withdraw(conn, kpi_id: int, unit_id: int, period: str, *, actor: str, now: datetime) -> None:
    """Delete an open proposal (audited) so that a new one can take its place."""
    row = conn.execute("SELECT id FROM target_proposals WHERE kpi_id = ? AND unit_id = ? AND period = ?"
                       " AND status = 'proposed'", [kpi_id, unit_id, period]).fetchone()
    if row:
        with atomic(conn):
            audit.delete(conn, "target_proposals", row[0], actor=actor, now=now, action="target_proposals.withdraw")


def _filters(conn, unit: str | None, kpi: str | None, first: str | None, last: str | None) -> tuple[str, list]:
    where, args = ["p.status = 'proposed'"], []
    if unit:
        where.append("p.unit_id = (SELECT id FROM units WHERE code = ?)")
        args.append(unit)
        if not conn.execute("SELECT 1 FROM units WHERE code = ?", [unit]).fetchone():
            raise NotFound(f"unknown unit {unit!r}")
    if kpi:
        where.append("p.kpi_id = (SELECT id FROM kpis WHERE code = ?)")
        args.append(kpi)
        if not conn.execute("SELECT 1 FROM kpis WHERE code = ?", [kpi]).fetchone():
            raise NotFound(f"unknown KPI {kpi!r}")
    for name, value, op in (("from", first, ">="), ("to", last, "<=")):
        if value:
            if not periods.is_valid(value):
                raise PmError(f"{name}: {value!r} is not a period YYYY-MM")
            where.append(f"p.period {op} ?")
            args.append(value)
    return " AND ".join(where), args


def pending(conn: sqlite3.Connection, *, unit: str | None = None, kpi: str | None = None, first: str | None = None,
            last: str | None = None, limit: int = 100, offset: int = 0) -> list[dict]:
    """Open proposals, oldest period first (paged)."""
    where, args = _filters(conn, unit, kpi, first, last)
    rows = conn.execute(
        f"""SELECT p.id, k.code AS kpi, u.code AS unit, p.period, p.target, p.amber, p.target_high, p.amber_high,
                   p.proposed_by, p.proposed_at
            FROM target_proposals p JOIN kpis k ON k.id = p.kpi_id JOIN units u ON u.id = p.unit_id
            WHERE {where} ORDER BY p.period, u.code, k.code LIMIT ? OFFSET ?""", [*args, limit, offset])
    return [dict(r) for r in rows]


def decide_all(conn, *, approve: bool, unit: str | None = None, kpi: str | None = None, first: str | None = None,
               last: str | None = None, reason: str | None = None, actor: str, now: datetime) -> dict:
    """Approve (or reject, with a reason) every open proposal that matches, in one transaction.

    Four-eyes per proposal: the actor's own proposals are skipped and counted. Approved
    proposals are copied into ``targets``; both tables get one batch audit entry.
    """
    if not approve and not (reason or "").strip():
        raise PmError("a rejection needs a reason (--reason)")
    users.user_id_of(conn, actor)
    where, args = _filters(conn, unit, kpi, first, last)
    with atomic(conn):
        found = conn.execute(f"SELECT p.* FROM target_proposals p WHERE {where} ORDER BY p.id", args).fetchall()
        own = [r for r in found if r["proposed_by"] == actor]
        todo = [r for r in found if r["proposed_by"] != actor]
        require_units(conn, actor, [r["unit_id"] for r in todo], now=now, key="decide-all")
        stamp, status = utc_text(now), "approved" if approve else "rejected"
        conn.executemany("UPDATE target_proposals SET status = ?, decided_by = ?, decided_at = ?, reason = ?"
                         " WHERE id = ?", [(status, actor, stamp, reason, r["id"]) for r in todo])
        if todo:
            after = {"status": status, "decided_by": actor, "decided_at": stamp, "reason": reason}
            columns = ["id", *_ALL]
            decided = [[(dict(r) | after)[c] for c in columns] for r in todo]
            audit.append(conn, actor=actor, now=now, action="target_proposals.batch", entity="target_proposals",
                         key=f"decide:{status}", reason=reason, new={"columns": columns, "rows": decided})
        if approve and todo:
            _copy_to_targets(conn, todo, actor=actor, now=now)
    return {status: len(todo), "skipped_own": len(own), "matched": len(found)}


def _copy_to_targets(conn, rows: list[sqlite3.Row], *, actor: str, now: datetime) -> None:
    first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM targets").fetchone()[0]
    values = [tuple(r[c] for c in ROW_COLUMNS) for r in rows]
    try:
        conn.executemany("INSERT INTO targets (kpi_id, unit_id, period, target, amber, target_high, amber_high)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?)", values)
    except sqlite3.IntegrityError:
        raise PmError("a proposed period already has an approved target (set meanwhile): nothing approved") from None
    if conn.execute("SELECT max(id) FROM targets").fetchone()[0] != first + len(values) - 1:
        raise PmError("internal error: targets were not numbered consecutively; nothing approved")
    audit.append(conn, actor=actor, now=now, action="targets.batch", entity="targets", key=f"approved:{first}",
                 new={"first_id": first, "columns": list(ROW_COLUMNS), "rows": [list(v) for v in values]})
