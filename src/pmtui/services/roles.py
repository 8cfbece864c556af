"""Ownership held by roles (M3.1): who holds a role when, and what nobody holds today.

KPIs, objectives, RACI entries, escalation steps and initiatives are owned by roles;
people hold roles over dated intervals (``role_assignments.valid_from`` .. ``valid_to``,
both days included). A role held at a unit covers that unit and every unit below it, and
a group-wide assignment covers every unit. When someone leaves, their assignment is
ended (:func:`pmtui.services.users.end_assignment`): ownership stays with the role, the
history keeps who held it, and :func:`unheld` lists what is left without a holder.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from pmtui.services import users
from pmtui.services.errors import PmError
from pmtui.services.framework import id_of
from pmtui.store.views_accountability import UNHELD_SQL


def _role_id(conn: sqlite3.Connection, role: str) -> int:
    return id_of(conn, "roles", role, "role")


def holders(conn: sqlite3.Connection, role: str, unit: str | None, on_date: date) -> list[dict]:
    """Users holding ``role`` for ``unit`` on ``on_date``: at the unit itself, a unit above it or group-wide.

    ``unit`` None asks for every holder wherever they hold it. Nearest holders come first
    (``distance`` 0 = at the unit, 1 = its parent ...; group-wide assignments last).
    """
    role_id = _role_id(conn, role)
    day = on_date.isoformat()
    if unit is None:
        rows = conn.execute(
            """SELECT p.name AS user, p.display_name, u.code AS held_at, 0 AS distance, a.valid_from, a.valid_to
               FROM role_assignments a JOIN users p ON p.id = a.user_id LEFT JOIN units u ON u.id = a.unit_id
               WHERE a.role_id = ? AND p.active = 1 AND a.valid_from <= ? AND (a.valid_to IS NULL OR a.valid_to >= ?)
               ORDER BY u.code IS NULL, u.code, p.name""", [role_id, day, day])
        return [dict(r) for r in rows]
    unit_id = id_of(conn, "units", unit, "unit")
    rows = conn.execute(
        """WITH RECURSIVE up(id, distance) AS (SELECT ?, 0 UNION ALL
               SELECT u.parent_id, up.distance + 1 FROM units u JOIN up ON u.id = up.id WHERE u.parent_id IS NOT NULL)
           SELECT p.name AS user, p.display_name, u.code AS held_at,
                  coalesce(up.distance, (SELECT max(distance) + 1 FROM up)) AS distance, a.valid_from, a.valid_to
           FROM role_assignments a JOIN users p ON p.id = a.user_id
           LEFT JOIN units u ON u.id = a.unit_id LEFT JOIN up ON up.id = a.unit_id
           WHERE a.role_id = ? AND p.active = 1 AND a.valid_from <= ? AND (a.valid_to IS NULL OR a.valid_to >= ?)
             AND (a.unit_id IS NULL OR up.id IS NOT NULL)
           ORDER BY distance, p.name""", [unit_id, role_id, day, day])
    return [dict(r) for r in rows]


def role_history(conn: sqlite3.Connection, role: str, *, today: date | None = None) -> list[dict]:
    """Every assignment of ``role``, by unit then start date: who held it where, from when to when.

    With ``today`` each row says whether it is ``current``.
    """
    role_id = _role_id(conn, role)
    rows = conn.execute(
        """SELECT a.id, p.name AS user, p.display_name, u.code AS unit, a.valid_from, a.valid_to
           FROM role_assignments a JOIN users p ON p.id = a.user_id LEFT JOIN units u ON u.id = a.unit_id
           WHERE a.role_id = ? ORDER BY u.code IS NOT NULL, u.code, a.valid_from, p.name""", [role_id])
    out = []
    for r in rows:
        item = dict(r)
        if today is not None:
            item["current"] = r["valid_from"] <= today.isoformat() and (r["valid_to"] is None
                                                                        or r["valid_to"] >= today.isoformat())
        out.append(item)
    return out


def assignments(conn: sqlite3.Connection, *, role: str | None = None, today: date,
                limit: int = 200, offset: int = 0) -> dict:
    """A page of every role assignment (all roles, or one) by role, unit and start: ``{"total", "rows"}``."""
    where, params = ("WHERE a.role_id = ?", [_role_id(conn, role)]) if role else ("", [])
    total = conn.execute(f"SELECT count(*) FROM role_assignments a {where}", params).fetchone()[0]
    day = today.isoformat()
    rows = conn.execute(
        f"""SELECT r.code AS role, p.name AS user, p.display_name, u.code AS unit, a.valid_from, a.valid_to,
                   a.valid_from <= ? AND (a.valid_to IS NULL OR a.valid_to >= ?) AS current
            FROM role_assignments a JOIN roles r ON r.id = a.role_id JOIN users p ON p.id = a.user_id
            LEFT JOIN units u ON u.id = a.unit_id {where}
            ORDER BY r.code, u.code IS NOT NULL, u.code, a.valid_from, p.name LIMIT ? OFFSET ?""",
        [day, day, *params, limit, offset])
    return {"total": total, "rows": [dict(r) | {"current": bool(r["current"])} for r in rows]}


def assign(conn, user: str, role: str, unit: str | None, valid_from: date, *, actor: str, now: datetime) -> dict:
    """Give ``user`` the ``role`` from ``valid_from`` (needs ``administer`` for the unit).

    Raises:
        PmError: the user already holds the role there on that day, or unknown codes.
    """
    unit_id = id_of(conn, "units", unit, "unit") if unit else None
    _role_id(conn, role)
    users.user_id_of(conn, user)
    where = f"{role} at {unit}" if unit else f"{role} group-wide"
    users.require(conn, actor, "administer", unit_id, now=now, entity="role_assignments", key=f"{user}:{where}",
                  attempted={"from": valid_from.isoformat()})
    overlap = conn.execute(
        """SELECT a.valid_from FROM role_assignments a JOIN users p ON p.id = a.user_id JOIN roles r ON r.id = a.role_id
           WHERE p.name = ? AND r.code = ? AND a.unit_id IS ? AND (a.valid_to IS NULL OR a.valid_to >= ?)""",
        [user, role, unit_id, valid_from.isoformat()]).fetchone()
    if overlap:
        raise PmError(f"{user} already holds {where} from {overlap[0]}: end that assignment first")
    key = users.assign_role(conn, user, role, unit, valid_from, actor=actor, now=now)
    return {"id": key, "user": user, "role": role, "unit": unit, "valid_from": valid_from.isoformat(), "valid_to": None}


def unheld(conn: sqlite3.Connection, today: date, *, published: bool = False) -> list[dict]:
    """Elements whose owning role nobody holds on ``today`` for the element's unit (or a unit above it).

    One row per element and role, with the units left uncovered: ``{"kind", "element",
    "detail", "role", "units", "last_holder"}`` (who held the role for the first of those
    units before, or None). Kinds: ``kpi`` (owner role, at each unit measuring the
    KPI), ``objective``, ``raci`` (each entry, at each unit measuring the KPI),
    ``escalation`` (each step, at every unit of its level) and ``initiative`` (open ones).
    ``published`` leaves out confidential elements and units.
    """
    grouped: dict[tuple, dict] = {}
    for r in conn.execute(UNHELD_SQL.format(today=":today"), {"today": today.isoformat()}):
        if published and (r["confidential"] or r["confidential_unit"]):
            continue
        key = (r["kind"], r["element"], r["detail"], r["role"])
        item = grouped.setdefault(key, {"kind": r["kind"], "element": r["element"], "detail": r["detail"],
                                        "role": r["role"], "units": []})
        item["units"].append(r["unit"])
    for item in grouped.values():
        item["last_holder"] = last_holder(conn, item["role"], item["units"][0], today)
    return list(grouped.values())


def last_holder(conn: sqlite3.Connection, role: str, unit: str, today: date) -> dict | None:
    """Who last held ``role`` for ``unit`` (there or above) before ``today``: ``{"user", "held_at", "valid_to"}``."""
    row = conn.execute(
        """WITH RECURSIVE up(id) AS (SELECT id FROM units WHERE code = ? UNION ALL
               SELECT u.parent_id FROM units u JOIN up ON u.id = up.id WHERE u.parent_id IS NOT NULL)
           SELECT p.name AS user, u.code AS held_at, a.valid_to
           FROM role_assignments a JOIN users p ON p.id = a.user_id JOIN roles r ON r.id = a.role_id
           LEFT JOIN units u ON u.id = a.unit_id
           WHERE r.code = ? AND a.valid_to < ? AND (a.unit_id IS NULL OR a.unit_id IN (SELECT id FROM up))
           ORDER BY a.valid_to DESC LIMIT 1""", [unit, role, today.isoformat()]).fetchone()
    return dict(row) if row else None



def role_codes(conn: sqlite3.Connection) -> list[dict]:
    """Every role ``{"code", "name"}``, by code (for pickers)."""
    return [dict(r) for r in conn.execute("SELECT code, name FROM roles ORDER BY code")]


def is_top_unit(conn: sqlite3.Connection, unit: str) -> bool:
    """True when ``unit`` has no parent (the group), or does not exist."""
    row = conn.execute("SELECT parent_id IS NULL FROM units WHERE code = ?", [unit]).fetchone()
    return row is None or bool(row[0])
