"""Escalation paths (M3.2): one chain of steps for process failures, another for individual accountability.

Rules (``escalation_rules``) are edited by administrators and must form a valid chain
(:func:`pmtui.core.escalation.check_chain`). :func:`path` resolves a classification's
chain for a problem at a unit open for some days: each step's unit up the hierarchy,
the role and who holds it today, and which step applies now. The classification of a
real problem comes from its root-cause record (``root_causes.classification``):
:func:`path_for_root_cause`.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from pmtui.core import escalation as core
from pmtui.services import roles, users
from pmtui.services.errors import NotFound, PmError
from pmtui.services.framework import id_of
from pmtui.store import audit
from pmtui.store.db import atomic


def rules(conn: sqlite3.Connection, classification: str | None = None) -> list[dict]:
    """The rules ``{"classification", "step", "after_days", "level", "role"}``, by classification and step."""
    where, params = ("WHERE e.classification = ?", [classification]) if classification else ("", [])
    rows = conn.execute(
        f"""SELECT e.classification, e.step, e.after_days, e.level, r.code AS role
            FROM escalation_rules e JOIN roles r ON r.id = e.role_id {where}
            ORDER BY e.classification, e.step""", params)
    return [dict(r) for r in rows]


def _core_rules(conn: sqlite3.Connection, classification: str) -> list[core.Rule]:
    return [core.Rule(r["step"], r["after_days"], r["level"], r["role"]) for r in rules(conn, classification)]


def _check_classification(classification: str) -> None:
    if classification not in core.CLASSIFICATIONS:
        raise PmError(f"classification must be one of {', '.join(core.CLASSIFICATIONS)}, not {classification!r}")


def set_rule(conn, classification: str, step: int, after_days: int, level: str, role: str, *,
             actor: str, now: datetime) -> list[dict]:
    """Add or change one step of a classification's chain (needs group-wide ``administer``).

    The whole chain must stay valid (steps 1, 2, 3 ..., waits that never shrink, levels
    that never go down); returns the classification's rules after the change.
    """
    _check_classification(classification)
    role_id = id_of(conn, "roles", role, "role")
    proposed = [r for r in _core_rules(conn, classification) if r.step != step]
    proposed.append(core.Rule(step, after_days, level, role))
    problems = core.check_chain(proposed)
    if problems:
        raise PmError(f"{classification} escalation path refused: " + "; ".join(problems))
    users.require(conn, actor, "administer", None, now=now, entity="escalation_rules", key=f"{classification}:{step}",
                  attempted={"after_days": after_days, "level": level, "role": role})
    values = {"after_days": after_days, "level": level, "role_id": role_id}
    with atomic(conn):
        row = conn.execute("SELECT id FROM escalation_rules WHERE classification = ? AND step = ?",
                           [classification, step]).fetchone()
        if row:
            audit.update(conn, "escalation_rules", row[0], values, actor=actor, now=now)
        else:
            audit.insert(conn, "escalation_rules", values | {"classification": classification, "step": step},
                         actor=actor, now=now)
    return rules(conn, classification)


def remove_rule(conn, classification: str, step: int, *, actor: str, now: datetime) -> list[dict]:
    """Remove the last step of a chain (removing a middle one would leave a gap)."""
    _check_classification(classification)
    current = _core_rules(conn, classification)
    if not current or max(r.step for r in current) != step:
        raise PmError(f"only the last step of the {classification} path can be removed"
                      f" ({'none' if not current else f'step {max(r.step for r in current)}'})")
    users.require(conn, actor, "administer", None, now=now, entity="escalation_rules", key=f"{classification}:{step}",
                  attempted={"remove": step})
    with atomic(conn):
        row = conn.execute("SELECT id FROM escalation_rules WHERE classification = ? AND step = ?",
                           [classification, step]).fetchone()
        audit.delete(conn, "escalation_rules", row[0], actor=actor, now=now)
    return rules(conn, classification)


def unit_chain(conn: sqlite3.Connection, unit: str) -> list[tuple[str, str]]:
    """(code, kind) of ``unit`` and each unit above it, nearest first."""
    unit_id = id_of(conn, "units", unit, "unit")
    rows = conn.execute(
        """WITH RECURSIVE up(id, depth) AS (SELECT ?, 0 UNION ALL
               SELECT u.parent_id, up.depth + 1 FROM units u JOIN up ON u.id = up.id WHERE u.parent_id IS NOT NULL)
           SELECT u.code, u.kind FROM up JOIN units u ON u.id = up.id ORDER BY up.depth""", [unit_id])
    return [(r[0], r[1]) for r in rows]


def path(conn: sqlite3.Connection, classification: str, unit: str, days_open: int, today: date) -> dict:
    """The escalation path of a problem at ``unit`` open ``days_open`` days.

    Returns:
        ``{"classification", "unit", "days_open", "current_step", "steps": [...]}``; each step
        has ``step, after_days, level, role, unit, state, days_left, due_on, holders``
        (``holders``: the nearest current holders of the role for the step's unit;
        empty when nobody holds it, which :func:`pmtui.services.roles.unheld` reports too).
    """
    _check_classification(classification)
    if days_open < 0:
        raise PmError(f"days open must be 0 or more, not {days_open}")
    chain = unit_chain(conn, unit)
    planned = core.plan(_core_rules(conn, classification), chain, days_open)
    opened = date.fromordinal(today.toordinal() - days_open)
    steps = []
    for s in planned:
        found = roles.holders(conn, s.role, s.unit, today)
        nearest = [h for h in found if h["distance"] == found[0]["distance"]] if found else []
        steps.append(s.to_dict() | {"due_on": date.fromordinal(opened.toordinal() + s.after_days).isoformat(),
                                    "holders": [{"user": h["user"], "display_name": h["display_name"],
                                                 "held_at": h["held_at"]} for h in nearest]})
    current = next((s["step"] for s in steps if s["state"] == "now"), None)
    return {"classification": classification, "unit": unit, "days_open": days_open, "opened_on": opened.isoformat(),
            "current_step": current, "steps": steps}


def path_for_root_cause(conn: sqlite3.Connection, root_cause_id: int, today: date) -> dict:
    """The path of a root-cause record: its classification, its unit, open since it was created."""
    row = conn.execute(
        """SELECT c.classification, u.code AS unit, c.created_at, c.status, k.code AS kpi, c.period
           FROM root_causes c JOIN units u ON u.id = c.unit_id JOIN kpis k ON k.id = c.kpi_id WHERE c.id = ?""",
        [root_cause_id]).fetchone()
    if not row:
        raise NotFound(f"unknown root cause {root_cause_id}")
    if not row["classification"]:
        raise PmError(f"root cause {root_cause_id} is not classified yet (process or individual):"
                      " classify it before escalating")
    days_open = max(0, (today - date.fromisoformat(row["created_at"][:10])).days)
    return path(conn, row["classification"], row["unit"], days_open, today) | {
        "root_cause": root_cause_id, "kpi": row["kpi"], "period": row["period"], "status": row["status"]}


def lowest_unit(conn: sqlite3.Connection) -> str | None:
    """The first active unit of the lowest level (a team if there is one): where a full path starts."""
    order = " ".join(f"WHEN '{level}' THEN {i}" for i, level in enumerate(core.LEVELS))
    row = conn.execute(f"SELECT code FROM units WHERE active = 1 ORDER BY CASE kind {order} END, code LIMIT 1").fetchone()
    return row[0] if row else None
