"""Who takes part in a review meeting: participants, attendance and rotation (M5.5).

Rotation suggests process owners who do not answer for the metrics on the agenda and
who attended this unit's reviews least recently (the ranking is
:func:`pmtui.core.rotation.rank`); the choice is recorded as participants with the role
``rotating``. The same people may run these as may run the meeting
(:func:`pmtui.services.reviews.require_runner`).
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from pmtui.core import rotation
from pmtui.services import reviews, users
from pmtui.services.errors import NotFound, PmError
from pmtui.store import audit
from pmtui.store.db import atomic

#: Roles a participant can be given by hand ('chair' comes with the meeting, 'rotating' from rotation).
INVITED_ROLES = ("member", "guest")
#: Suggestions offered by default.
SUGGESTIONS = 5


def _participant(conn, meeting_id: int, user: str) -> sqlite3.Row | None:
    return conn.execute("SELECT mp.* FROM meeting_participants mp JOIN users p ON p.id = mp.user_id"
                        " WHERE mp.meeting_id = ? AND p.name = ?", [meeting_id, user]).fetchone()


def _checked(conn, code: str, actor: str, now: datetime, action: str, attempted: dict) -> sqlite3.Row:
    m = reviews.meeting(conn, code)
    reviews.require_open(m)
    reviews.require_runner(conn, m, actor, now, action, attempted)
    return m


def invite(conn, code: str, user: str, *, role: str = "member", actor: str, now: datetime) -> list[dict]:
    """Add ``user`` to the meeting as a member or guest."""
    if role not in INVITED_ROLES:
        raise PmError(f"role {role!r} must be one of {', '.join(INVITED_ROLES)} (rotating seats come from"
                      " 'pmtui review rotation')")
    m = _checked(conn, code, actor, now, "meeting.invite", {"meeting": code, "user": user, "role": role})
    user_id = users.user_id_of(conn, user)
    with atomic(conn):
        if _participant(conn, m["id"], user):
            raise PmError(f"{user} already takes part in {code}")
        audit.insert(conn, "meeting_participants", {"meeting_id": m["id"], "user_id": user_id, "role": role},
                     actor=actor, now=now, action="meeting.participant")
    return reviews.participants(conn, m["id"])


def remove(conn, code: str, user: str, *, actor: str, now: datetime) -> list[dict]:
    """Take ``user`` off the meeting (not its chair)."""
    m = _checked(conn, code, actor, now, "meeting.remove", {"meeting": code, "user": user})
    with atomic(conn):
        row = _participant(conn, m["id"], user)
        if row is None:
            raise NotFound(f"{user} does not take part in {code}")
        if row["role"] == "chair":
            raise PmError(f"{user} chairs {code} and cannot be removed")
        audit.delete(conn, "meeting_participants", row["id"], actor=actor, now=now, action="meeting.participant")
    return reviews.participants(conn, m["id"])


def set_attendance(conn, code: str, user: str, attended: bool, *, actor: str, now: datetime) -> list[dict]:
    """Record whether a participant was there."""
    m = _checked(conn, code, actor, now, "meeting.attendance", {"meeting": code, "user": user, "attended": attended})
    with atomic(conn):
        row = _participant(conn, m["id"], user)
        if row is None:
            raise NotFound(f"{user} does not take part in {code}: invite them first")
        audit.update(conn, "meeting_participants", row["id"], {"attended": int(attended)}, actor=actor, now=now,
                     action="meeting.attendance")
    return reviews.participants(conn, m["id"])


def _ancestors(conn) -> dict[str, tuple[str, ...]]:
    parent = {r["code"]: r["parent"] for r in conn.execute(
        "SELECT u.code, p.code AS parent FROM units u LEFT JOIN units p ON p.id = u.parent_id")}
    out = {}
    for code in parent:
        chain, current = [], code
        while current is not None and current not in chain:
            chain.append(current)
            current = parent.get(current)
        out[code] = tuple(chain)
    return out


def _responsibilities(conn, meeting_id: int) -> list[rotation.Responsibility]:
    rows = conn.execute(
        """SELECT DISTINCT k.code AS kpi, u.code AS unit, r.code AS role FROM agenda_items a
           JOIN kpis k ON k.id = a.kpi_id JOIN roles r ON r.id = k.owner_role_id
           JOIN units u ON u.id = coalesce(a.unit_id, (SELECT unit_id FROM meetings WHERE id = a.meeting_id))
           WHERE a.meeting_id = ?""", [meeting_id])
    return [rotation.Responsibility(r["kpi"], r["unit"], r["role"]) for r in rows]


def _candidates(conn, unit_id: int, today: date) -> list[rotation.Candidate]:
    day = today.isoformat()
    holdings: dict[str, list] = {}
    for r in conn.execute(
            """SELECT p.name, r.code AS role, u.code AS unit FROM role_assignments a JOIN users p ON p.id = a.user_id
               JOIN roles r ON r.id = a.role_id LEFT JOIN units u ON u.id = a.unit_id
               WHERE p.active = 1 AND a.valid_from <= ? AND (a.valid_to IS NULL OR a.valid_to >= ?)""", [day, day]):
        holdings.setdefault(r["name"], []).append((r["role"], r["unit"]))
    history = {r["name"]: r for r in conn.execute(
        """SELECT p.name, count(*) AS attended,
                  max(CASE WHEN m.unit_id = ? THEN coalesce(m.held_on, m.period || '-01') END) AS last_here
           FROM meeting_participants mp JOIN meetings m ON m.id = mp.meeting_id JOIN users p ON p.id = mp.user_id
           WHERE mp.attended = 1 GROUP BY p.name""", [unit_id])}
    names = dict(conn.execute("SELECT name, display_name FROM users WHERE active = 1"))
    return [rotation.Candidate(name, names[name], tuple(held), history[name]["last_here"] if name in history else None,
                               history[name]["attended"] if name in history else 0)
            for name, held in holdings.items() if name in names]


def suggest(conn: sqlite3.Connection, code: str, *, today: date, limit: int = SUGGESTIONS) -> dict:
    """Ranked rotation candidates for the meeting, the users left out and why, and those already chosen."""
    m = reviews.meeting(conn, code)
    process_roles = {r[0] for r in conn.execute(
        "SELECT r.code FROM roles r WHERE r.id IN (SELECT owner_role_id FROM kpis WHERE active = 1"
        " UNION SELECT owner_role_id FROM objectives)")}
    present = reviews.participants(conn, m["id"])
    ranking = rotation.rank(_candidates(conn, m["unit_id"], today), _responsibilities(conn, m["id"]),
                            _ancestors(conn), process_roles, taking_part=[p["user"] for p in present], limit=limit)
    return {"meeting": code, "suggested": [s.__dict__.copy() for s in ranking.suggested],
            "excluded": [{"user": u, "why": why} for u, why in ranking.excluded],
            "chosen": [p["user"] for p in present if p["role"] == "rotating"]}


def choose(conn, code: str, chosen: list[str], *, actor: str, now: datetime) -> dict:
    """Record the rotating participants: each must be eligible (see :func:`suggest`); replaces an earlier choice."""
    m = _checked(conn, code, actor, now, "meeting.rotation", {"meeting": code, "chosen": chosen})
    if not chosen:
        raise PmError("choose at least one user for the rotating seat(s)")
    for user in chosen:
        users.user_id_of(conn, user)
    current = suggest(conn, code, today=now.date(), limit=None)
    eligible = {s["user"] for s in current["suggested"]} | set(current["chosen"])
    why = {e["user"]: e["why"] for e in current["excluded"]}
    for user in chosen:
        if user not in eligible:
            raise PmError(f"{user} cannot take a rotating seat at {code}: {why.get(user, 'not a process owner')}")
    with atomic(conn):
        for row in conn.execute("SELECT mp.id, p.name FROM meeting_participants mp JOIN users p ON p.id = mp.user_id"
                                " WHERE mp.meeting_id = ? AND mp.role = 'rotating'", [m["id"]]).fetchall():
            if row["name"] not in chosen:
                audit.delete(conn, "meeting_participants", row["id"], actor=actor, now=now, action="meeting.rotation")
        for user in chosen:
            if user not in current["chosen"]:
                audit.insert(conn, "meeting_participants", {"meeting_id": m["id"], "user_id": users.user_id_of(
                    conn, user), "role": "rotating"}, actor=actor, now=now, action="meeting.rotation")
    return suggest(conn, code, today=now.date())
