"""The permissions matrix: roles x permissions (M4.5), viewed by anyone, changed by administrators.

Granting or revoking a permission changes ``roles.permissions`` (audited, with the
permission named in the audit action); the actor needs group-wide ``administer`` and a
refusal is audited. A change that would leave nobody holding ``administer`` today is
refused, so that the file cannot lock out its own administrators.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from pmtui.services import users
from pmtui.services.errors import NotFound, PmError
from pmtui.store import audit
from pmtui.store.db import atomic


def matrix(conn: sqlite3.Connection, today: date) -> dict:
    """``{"permissions": [...], "roles": [{"role", "name", "granted": {perm: bool}, "holders"}]}``.

    ``holders`` counts the users holding the role on ``today`` (anywhere).
    """
    day = today.isoformat()
    rows = conn.execute(
        """SELECT r.code, r.name, r.permissions,
                  (SELECT count(DISTINCT a.user_id) FROM role_assignments a JOIN users p ON p.id = a.user_id
                   WHERE a.role_id = r.id AND p.active = 1 AND a.valid_from <= ?
                     AND (a.valid_to IS NULL OR a.valid_to >= ?)) AS holders
           FROM roles r ORDER BY r.code""", [day, day])
    roles = [{"role": r["code"], "name": r["name"], "holders": r["holders"],
              "granted": {p: p in r["permissions"].split() for p in users.PERMISSIONS}} for r in rows]
    return {"permissions": list(users.PERMISSIONS), "roles": roles}


def grant(conn, role: str, permission: str, *, actor: str, now: datetime) -> dict:
    """Give ``role`` the ``permission``; returns ``{"role", "permissions", "changed"}``."""
    return _change(conn, role, permission, True, actor=actor, now=now)


def revoke(conn, role: str, permission: str, *, actor: str, now: datetime) -> dict:
    """Take ``permission`` from ``role``; returns ``{"role", "permissions", "changed"}``."""
    return _change(conn, role, permission, False, actor=actor, now=now)


def _change(conn, role: str, permission: str, give: bool, *, actor: str, now: datetime) -> dict:
    if permission not in users.PERMISSIONS:
        raise PmError(f"unknown permission {permission!r}: use one of {', '.join(users.PERMISSIONS)}")
    row = conn.execute("SELECT id, permissions FROM roles WHERE code = ?", [role]).fetchone()
    if not row:
        raise NotFound(f"unknown role {role!r}")
    verb = "grant" if give else "revoke"
    users.require(conn, actor, "administer", None, now=now, entity="roles", key=row["id"],
                  attempted={verb: permission, "role": role})
    held = row["permissions"].split()
    if (permission in held) == give:
        return {"role": role, "permissions": held, "changed": False}
    # Keep the matrix's order, whatever order the role listed them in.
    after = set(held) | {permission} if give else set(held) - {permission}
    wanted = [p for p in users.PERMISSIONS if p in after]
    with atomic(conn):
        audit.update(conn, "roles", row["id"], {"permissions": " ".join(wanted)}, actor=actor, now=now,
                     action=f"roles.{verb}", reason=f"{verb} {permission}")
        if permission == "administer" and not give and not _administrators(conn, now):
            raise PmError(f"revoking administer from {role} would leave nobody able to administer the file")
    return {"role": role, "permissions": wanted, "changed": True}


def _administrators(conn: sqlite3.Connection, now: datetime) -> int:
    day = now.date().isoformat()
    return conn.execute(
        """SELECT count(*) FROM role_assignments a JOIN users p ON p.id = a.user_id JOIN roles r ON r.id = a.role_id
           WHERE p.active = 1 AND a.unit_id IS NULL AND a.valid_from <= ? AND (a.valid_to IS NULL OR a.valid_to >= ?)
             AND (' ' || r.permissions || ' ') LIKE '% administer %'""", [day, day]).fetchone()[0]
