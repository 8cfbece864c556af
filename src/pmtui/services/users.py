"""Users, roles and permissions (role assignments hold over dated intervals)."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from pmtui.services.errors import NotFound, PermissionDenied, PmError
from pmtui.store import audit
from pmtui.store.db import atomic

#: Permissions a role can carry.
PERMISSIONS = ("view", "enter_data", "approve", "edit_definitions", "edit_targets", "administer")

#: Pseudo-user for writes made by the system itself (migrations, demo builder).
SYSTEM = "system"


def create_role(conn, code: str, name: str, permissions: list[str], *, actor: str, now: datetime) -> int:
    """Create a role; ``permissions`` must come from :data:`PERMISSIONS`."""
    unknown = sorted(set(permissions) - set(PERMISSIONS))
    if unknown:
        raise PmError(f"role {code}: unknown permission(s) {', '.join(unknown)}; use {', '.join(PERMISSIONS)}")
    with atomic(conn):
        return audit.insert(conn, "roles", {"code": code, "name": name, "permissions": " ".join(permissions)},
                            actor=actor, now=now)


def create_user(conn, name: str, display_name: str, email: str | None = None, *, actor: str, now: datetime) -> int:
    """Create a user with a unique login ``name``."""
    if not name or not name.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise PmError(f"user name {name!r} must be letters, digits, '.', '_' or '-'")
    with atomic(conn):
        if conn.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchone():
            raise PmError(f"user {name} already exists")
        return audit.insert(conn, "users", {"name": name, "display_name": display_name, "email": email},
                            actor=actor, now=now)


def assign_role(conn, user: str, role: str, unit: str | None, valid_from: date, *, actor: str, now: datetime) -> int:
    """Give ``user`` the ``role`` (for ``unit`` and the units below it, or group-wide when None)."""
    with atomic(conn):
        user_id = user_id_of(conn, user)
        role_row = conn.execute("SELECT id FROM roles WHERE code = ?", [role]).fetchone()
        if not role_row:
            raise NotFound(f"unknown role {role!r}")
        unit_id = None
        if unit:
            unit_row = conn.execute("SELECT id FROM units WHERE code = ?", [unit]).fetchone()
            if not unit_row:
                raise NotFound(f"unknown unit {unit!r}")
            unit_id = unit_row[0]
        values = {"user_id": user_id, "role_id": role_row[0], "unit_id": unit_id, "valid_from": valid_from.isoformat()}
        return audit.insert(conn, "role_assignments", values, actor=actor, now=now)


def user_id_of(conn: sqlite3.Connection, name: str) -> int:
    """The id of an active user, or :class:`NotFound` naming the user."""
    row = conn.execute("SELECT id FROM users WHERE name = ? AND active = 1", [name]).fetchone()
    if not row:
        if conn.execute("SELECT 1 FROM users WHERE name = ? AND active = 0", [name]).fetchone():
            raise NotFound(f"user {name!r} is deactivated: a deactivated user can no longer act or be given work")
        raise NotFound(f"unknown user {name!r}: pass an existing user with --user or PMTUI_USER")
    return row[0]


def current_roles(conn: sqlite3.Connection, name: str, today: date) -> list[dict]:
    """Roles ``name`` holds on ``today``: ``[{"role", "unit", "permissions"}]``."""
    rows = conn.execute(
        """SELECT r.code AS role, u.code AS unit, r.permissions AS permissions
           FROM role_assignments a JOIN users p ON p.id = a.user_id JOIN roles r ON r.id = a.role_id
           LEFT JOIN units u ON u.id = a.unit_id
           WHERE p.name = ? AND a.valid_from <= ? AND (a.valid_to IS NULL OR a.valid_to >= ?)
           ORDER BY r.code, u.code""",
        [name, today.isoformat(), today.isoformat()],
    )
    return [dict(r) | {"permissions": r["permissions"].split()} for r in rows]


def has_permission(conn: sqlite3.Connection, name: str, permission: str, unit_id: int | None, today: date) -> bool:
    """True if ``name`` holds, on ``today``, a role with ``permission`` for ``unit_id`` or a unit above it."""
    row = conn.execute(
        """WITH RECURSIVE up(id) AS (SELECT ? UNION SELECT parent_id FROM units JOIN up ON units.id = up.id
                                     WHERE parent_id IS NOT NULL)
           SELECT 1 FROM role_assignments a JOIN users p ON p.id = a.user_id JOIN roles r ON r.id = a.role_id
           WHERE p.name = ? AND p.active = 1 AND a.valid_from <= ? AND (a.valid_to IS NULL OR a.valid_to >= ?)
             AND (' ' || r.permissions || ' ') LIKE ?
             AND (a.unit_id IS NULL OR a.unit_id IN (SELECT id FROM up))
           LIMIT 1""",
        [unit_id, name, today.isoformat(), today.isoformat(), f"% {permission} %"],
    ).fetchone()
    return row is not None


def require(conn, name: str, permission: str, unit_id: int | None, *, now: datetime,
            entity: str, key: str, attempted: object) -> None:
    """Raise :class:`PermissionDenied` (after auditing the refusal) unless ``name`` may do it."""
    user_id_of(conn, name)
    if has_permission(conn, name, permission, unit_id, now.date()):
        return
    reason = f"user {name} lacks permission {permission!r} for this unit"
    audit.record_refusal(conn, actor=name, now=now, action=permission, entity=entity, key=key,
                         attempted=attempted, reason=reason)
    raise PermissionDenied(f"refused: {reason} (the attempt is recorded in the audit trail)")


def list_users(conn: sqlite3.Connection, today: date) -> list[dict]:
    """Active users with their current roles, for ``pmtui users --json``."""
    users = conn.execute("SELECT name, display_name, email FROM users WHERE active = 1 ORDER BY name").fetchall()
    return [dict(u) | {"roles": [f"{r['role']}@{r['unit']}" if r["unit"] else r["role"]
                                 for r in current_roles(conn, u["name"], today)]} for u in users]


def end_assignment(conn, user: str, role: str, unit: str | None, on: date, *, actor: str, now: datetime,
                   reason: str | None = None) -> dict:
    """End ``user``'s hold of ``role`` (at ``unit``, or group-wide when None): ``on`` is the last day held.

    The row stays, with ``valid_to`` set, so the history shows who held the role when and
    whatever the role owns keeps its owner. Needs ``administer`` for the unit.

    Raises:
        NotFound: unknown user, role or unit, or no assignment current on ``on``.
        PermissionDenied: the actor may not administer the unit (the refusal is audited).
    """
    unit_id = None
    if unit:
        row = conn.execute("SELECT id FROM units WHERE code = ?", [unit]).fetchone()
        if not row:
            raise NotFound(f"unknown unit {unit!r}")
        unit_id = row[0]
    where = f"{role} at {unit}" if unit else f"{role} group-wide"
    require(conn, actor, "administer", unit_id, now=now, entity="role_assignments", key=f"{user}:{where}",
            attempted={"end": on.isoformat()})
    with atomic(conn):
        found = conn.execute(
            """SELECT a.id FROM role_assignments a JOIN users p ON p.id = a.user_id JOIN roles r ON r.id = a.role_id
               WHERE p.name = ? AND r.code = ? AND a.unit_id IS ? AND a.valid_from <= ?
                 AND (a.valid_to IS NULL OR a.valid_to >= ?)
               ORDER BY a.valid_from DESC LIMIT 1""",
            [user, role, unit_id, on.isoformat(), on.isoformat()]).fetchone()
        if not found:
            raise NotFound(f"{user} does not hold {where} on {on.isoformat()}: nothing to end")
        audit.update(conn, "role_assignments", found[0], {"valid_to": on.isoformat()}, actor=actor, now=now,
                     action="role_assignments.end", reason=reason)
    return {"user": user, "role": role, "unit": unit, "valid_to": on.isoformat(), "id": found[0]}
