"""Cross-functional committees (M3.5): who hears and decides disputes on metric ownership.

A committee has a code, a name, a purpose and members (users). Setting one up, or
adding a member, needs group-wide ``edit_definitions``: committees are part of the
framework's governance, like the KPI definitions they rule on.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

from pmtui.core import validation
from pmtui.services import users
from pmtui.services.errors import NotFound, PmError
from pmtui.services.framework import check_code
from pmtui.store import audit
from pmtui.store.db import atomic


def _clean(text: str, field: str, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise PmError(f"a committee needs a {field} (--{field})")
    try:
        return validation.check_text(text, field=field, max_length=500)
    except ValueError as exc:
        raise PmError(str(exc)) from None


def committee_row(conn: sqlite3.Connection, code: str) -> sqlite3.Row:
    """The committee with ``code``, or :class:`NotFound` naming it."""
    row = conn.execute("SELECT * FROM committees WHERE code = ?", [code]).fetchone()
    if row is None:
        raise NotFound(f"unknown committee {code!r} (see 'pmtui committees list')")
    return row


def _member_id(conn: sqlite3.Connection, name: str) -> int:
    row = conn.execute("SELECT id FROM users WHERE name = ? AND active = 1", [name]).fetchone()
    if row is None:
        raise NotFound(f"unknown member {name!r}: members must be active users (see 'pmtui users')")
    return row[0]


def is_member(conn: sqlite3.Connection, committee_id: int, user: str) -> bool:
    """True when ``user`` sits on the committee."""
    return conn.execute("SELECT 1 FROM committee_members m JOIN users u ON u.id = m.user_id"
                        " WHERE m.committee_id = ? AND u.name = ?", [committee_id, user]).fetchone() is not None


def add(conn, code: str, name: str, *, purpose: str = "", members: Iterable[str] = (), actor: str,
        now: datetime) -> dict:
    """Set up a committee with its members, in one audited transaction.

    Raises:
        PmError: bad code or text, the code is taken, an unknown member, or the actor
            lacks group-wide ``edit_definitions``.
    """
    check_code(code, "committee")
    name, purpose = _clean(name, "name", required=True), _clean(purpose, "purpose", required=False)
    names = list(dict.fromkeys(m.strip() for m in members if m and m.strip()))
    users.require(conn, actor, "edit_definitions", None, now=now, entity="committees", key=code,
                  attempted={"name": name, "members": names})
    with atomic(conn):
        if conn.execute("SELECT 1 FROM committees WHERE code = ?", [code]).fetchone():
            raise PmError(f"committee {code} already exists")
        key = audit.insert(conn, "committees", {"code": code, "name": name, "purpose": purpose},
                           actor=actor, now=now, action="committee.add")
        for member in names:
            audit.insert(conn, "committee_members", {"committee_id": key, "user_id": _member_id(conn, member)},
                         actor=actor, now=now, action="committee.member_add")
    return get(conn, code)


def add_member(conn, code: str, user: str, *, actor: str, now: datetime) -> dict:
    """Add a member to a committee (group-wide ``edit_definitions``)."""
    users.require(conn, actor, "edit_definitions", None, now=now, entity="committee_members", key=code,
                  attempted={"member": user})
    with atomic(conn):
        row = committee_row(conn, code)
        if is_member(conn, row["id"], user):
            raise PmError(f"{user} already sits on committee {code}")
        audit.insert(conn, "committee_members", {"committee_id": row["id"], "user_id": _member_id(conn, user)},
                     actor=actor, now=now, action="committee.member_add")
    return get(conn, code)


_SELECT = """
SELECT c.id, c.code, c.name, c.purpose, c.active,
       (SELECT group_concat(name, ' ') FROM (SELECT u.name FROM committee_members m JOIN users u ON u.id = m.user_id
         WHERE m.committee_id = c.id ORDER BY u.name)) AS members,
       (SELECT count(*) FROM disputes d WHERE d.committee_id = c.id AND d.status IN ('raised', 'heard')) AS open_disputes,
       (SELECT count(*) FROM disputes d WHERE d.committee_id = c.id) AS disputes
FROM committees c
"""


def _dict(row: sqlite3.Row) -> dict:
    return dict(row) | {"members": (row["members"] or "").split(), "active": bool(row["active"])}


def get(conn: sqlite3.Connection, code: str) -> dict:
    """One committee with its members and dispute counts."""
    row = conn.execute(_SELECT + " WHERE c.code = ?", [code]).fetchone()
    if row is None:
        raise NotFound(f"unknown committee {code!r} (see 'pmtui committees list')")
    return _dict(row)


def list_committees(conn: sqlite3.Connection, *, limit: int = 200, offset: int = 0) -> list[dict]:
    """Committees by code, with members (user names) and counts of open and all disputes."""
    return [_dict(r) for r in conn.execute(_SELECT + " ORDER BY c.code LIMIT ? OFFSET ?", [limit, offset])]
