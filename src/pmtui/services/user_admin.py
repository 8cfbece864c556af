"""Reads behind the users and roles administration screen, and the date its forms type.

The writes are the checked services, each needing ``administer`` (a refusal is audited):
:func:`pmtui.services.people.add_user`, ``edit_user`` and ``deactivate_user``,
:func:`pmtui.services.roles.assign` (grant a role from a date) and
:func:`pmtui.services.users.end_assignment` (end it on a date).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from pmtui.services import users
from pmtui.services.errors import PmError


@dataclass(frozen=True)
class UserRow:
    """A user with the roles held today (``ROLE`` group-wide or ``ROLE@UNIT``)."""

    name: str
    display_name: str
    email: str | None
    active: bool
    roles: tuple[str, ...]


def may_administer(conn: sqlite3.Connection, user: str | None, today: date) -> bool:
    """True when ``user`` holds ``administer`` group-wide today."""
    return bool(user) and users.has_permission(conn, user, "administer", None, today)


def page(conn: sqlite3.Connection, today: date, *, offset: int = 0, limit: int = 100) -> tuple[list[UserRow], int]:
    """A page of users by name (active first) with their current roles, and how many users there are."""
    total = conn.execute("SELECT count(*) FROM users").fetchone()[0]
    day = today.isoformat()
    rows = conn.execute(
        """WITH shown AS (SELECT id, name, display_name, email, active FROM users
                          ORDER BY active DESC, name LIMIT ? OFFSET ?)
           SELECT s.name, s.display_name, s.email, s.active,
                  (SELECT group_concat(held, ' ') FROM (
                       SELECT r.code || coalesce('@' || u.code, '') AS held FROM role_assignments a
                       JOIN roles r ON r.id = a.role_id LEFT JOIN units u ON u.id = a.unit_id
                       WHERE a.user_id = s.id AND a.valid_from <= ? AND (a.valid_to IS NULL OR a.valid_to >= ?)
                       ORDER BY r.code, u.code)) AS roles
           FROM shown s ORDER BY s.active DESC, s.name""", [limit, offset, day, day])
    return [UserRow(r[0], r[1], r[2], bool(r[3]), tuple((r[4] or "").split())) for r in rows], total


def role_codes(conn: sqlite3.Connection) -> list[str]:
    """Every role code (a few dozen at most), for completing the role field."""
    return [r[0] for r in conn.execute("SELECT code FROM roles ORDER BY code")]


def day(text: str | None, field: str, default: date) -> date:
    """A date typed as ``YYYY-MM-DD`` (``default`` when empty)."""
    text = (text or "").strip()
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PmError(f"{field}: {text!r} is not a date YYYY-MM-DD") from None


def role_at(text: str | None) -> tuple[str, str | None]:
    """``"HEAD@BU_A"`` -> ``("HEAD", "BU_A")``; ``"ADMIN"`` -> ``("ADMIN", None)`` (group-wide)."""
    role, _, unit = (text or "").strip().partition("@")
    if not role:
        raise PmError("role: give a role code, e.g. HEAD or HEAD@BU_A")
    return role, unit or None
