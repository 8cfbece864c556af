"""People: roles and users, created, edited and deactivated by administrators (issue 10).

The same conventions as :mod:`pmtui.services.framework_edit` (codes resolved, values
validated, ``administer`` group-wide checked before one audited transaction; ``None``
keeps a value, ``""`` clears an optional one). Deactivating a user sets
``users.active = 0`` and ends every assignment not ended before today on today (one
that starts later never starts), in one transaction; the user keeps their history and
can no longer act. Nobody deactivates themselves, and the last active group-wide holder
of ``administer`` stays.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from typing import Any

from pmtui.services import users
from pmtui.services.errors import NotFound, PmError
from pmtui.services.framework import id_of
from pmtui.services.framework_edit import _changed, _new, _ref, _require, _text
from pmtui.store import audit
from pmtui.store.db import atomic


def get_user(conn: sqlite3.Connection, name: str, today: date) -> dict:
    """One user, active or not: ``{"name", "display_name", "email", "active", "roles"}`` (roles held on ``today``)."""
    row = conn.execute("SELECT name, display_name, email, active FROM users WHERE name = ?", [name]).fetchone()
    if row is None:
        raise NotFound(f"unknown user {name!r}")
    held = [f"{r['role']}@{r['unit']}" if r["unit"] else r["role"] for r in users.current_roles(conn, name, today)]
    return dict(row) | {"active": bool(row["active"]), "roles": held if row["active"] else []}




def add_role(conn, code: str, *, name: str, permissions: list[str], actor: str, now: datetime) -> dict:
    """Create a role carrying ``permissions`` (needs ``administer`` group-wide)."""
    _new(conn, "roles", code, "role")
    name = _text(name, "name")
    unknown = sorted(set(permissions) - set(users.PERMISSIONS))
    if unknown:
        raise PmError(f"role {code}: unknown permission(s) {', '.join(unknown)}; use {', '.join(users.PERMISSIONS)}")
    wanted = [p for p in users.PERMISSIONS if p in permissions]
    _require(conn, actor, "administer", None, now=now, entity="roles", key=code,
             attempted={"name": name, "permissions": wanted})
    users.create_role(conn, code, name, wanted, actor=actor, now=now)
    return {"code": code, "name": name, "permissions": wanted}


def _email(value: str) -> str | None:
    value = _text(value, "email", required=False)
    if value and (" " in value or value.count("@") != 1 or value.startswith("@") or value.endswith("@")):
        raise PmError(f"email {value!r} is not an address like name@example.com")
    return value or None


def add_user(conn, name: str, *, display_name: str | None = None, email: str | None = None,
             roles: list[tuple[str, str | None]] = (), valid_from: date | None = None,
             actor: str, now: datetime) -> dict:
    """Create a user holding ``roles`` (``(role, unit or None)``) from ``valid_from`` (default today).

    Needs ``administer`` group-wide; the user and their roles are one transaction.
    """
    if conn.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchone():
        raise PmError(f"user {name} already exists")
    shown = _text(display_name or name, "display_name")
    address = _email(email) if email else None
    held = list(dict.fromkeys((role, unit or None) for role, unit in roles))
    for role, unit in held:
        id_of(conn, "roles", role, "role")
        _ref(conn, "units", unit, "unit")
    _require(conn, actor, "administer", None, now=now, entity="users", key=name,
             attempted={"display_name": shown, "email": address,
                        "roles": [f"{r}@{u}" if u else r for r, u in held]})
    start = valid_from or now.date()
    with atomic(conn):
        users.create_user(conn, name, shown, address, actor=actor, now=now)
        for role, unit in held:
            users.assign_role(conn, name, role, unit, start, actor=actor, now=now)
    return get_user(conn, name, now.date())


def _user_row(conn: sqlite3.Connection, name: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM users WHERE name = ?", [name]).fetchone()
    if row is None:
        raise NotFound(f"unknown user {name!r}")
    return row


def edit_user(conn, name: str, *, display_name: str | None = None, email: str | None = None,
              actor: str, now: datetime) -> dict:
    """Change a user's display name or email (``""`` clears it); needs ``administer`` group-wide."""
    row = _user_row(conn, name)
    values: dict[str, Any] = {}
    if display_name is not None:
        values["display_name"] = _text(display_name, "display_name")
    if email is not None:
        values["email"] = _email(email)
    changes = _changed(row, values)
    _require(conn, actor, "administer", None, now=now, entity="users", key=row["id"], attempted=values)
    if changes:
        with atomic(conn):
            audit.update(conn, "users", row["id"], changes, actor=actor, now=now, action="users.edit")
    return get_user(conn, name, now.date())


def deactivate_user(conn, name: str, *, actor: str, now: datetime, reason: str | None = None) -> dict:
    """Deactivate a user and end their role assignments today, in one transaction (see the module).

    Raises:
        PmError: unknown or already inactive user, the actor themselves, or the last
            active group-wide holder of ``administer``.
    """
    row = _user_row(conn, name)
    if not row["active"]:
        raise PmError(f"user {name} is already deactivated")
    if name == actor:
        raise PmError("you cannot deactivate yourself: ask another administrator")
    _require(conn, actor, "administer", None, now=now, entity="users", key=row["id"],
             attempted={"active": 0, "reason": reason})
    today = now.date().isoformat()
    if users.has_permission(conn, name, "administer", None, now.date()) and not _other_administrators(
            conn, name, today):
        raise PmError(f"{name} is the last active user who administers the whole file: give someone else"
                      " an administering role first")
    note = _text(reason, "reason", required=False) if reason else None
    with atomic(conn):
        audit.update(conn, "users", row["id"], {"active": 0}, actor=actor, now=now, action="users.deactivate",
                     reason=note)
        for (assignment,) in conn.execute("SELECT id FROM role_assignments WHERE user_id = ?"
                                          " AND (valid_to IS NULL OR valid_to > ?) ORDER BY id",
                                          [row["id"], today]).fetchall():
            audit.update(conn, "role_assignments", assignment, {"valid_to": today}, actor=actor, now=now,
                         action="role_assignments.end", reason=note or f"user {name} deactivated")
    return get_user(conn, name, now.date())


def _other_administrators(conn: sqlite3.Connection, name: str, today: str) -> int:
    return conn.execute(
        """SELECT count(DISTINCT p.id) FROM role_assignments a JOIN users p ON p.id = a.user_id
           JOIN roles r ON r.id = a.role_id
           WHERE p.active = 1 AND p.name <> ? AND a.unit_id IS NULL AND a.valid_from <= ?
             AND (a.valid_to IS NULL OR a.valid_to >= ?) AND (' ' || r.permissions || ' ') LIKE '% administer %'""",
        [name, today, today]).fetchone()[0]
