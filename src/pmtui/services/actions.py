"""The central action register (capability M5.4).

An action has a title, an owner (a user who holds a role at the action's unit or a
unit above it: ownership is held through a role, M3.1), a due date, a status
(open -> in_progress -> done, or cancelled; done and cancelled can be reopened), a
source (a review meeting, a root-cause analysis, an execution alert, or manual) and
optional links to a KPI and an initiative. Progress notes are kept beside it.

Anyone with ``view`` for the unit may raise an action or add a note; only its owner or
a user with ``approve`` for its unit may start, close or reopen it; cancelling needs
``approve``. Open actions past their due date are *overdue*: :func:`overdue` feeds the
next review's agenda.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from pmtui.core import action_register as rules
from pmtui.services import users
from pmtui.services.action_support import UNIT_AND_BELOW, check_level, clean_text, require_owner_or, unit_id
from pmtui.services.errors import NotFound, PmError
from pmtui.services.framework import id_of
from pmtui.store import audit
from pmtui.store.audit import utc_text
from pmtui.store.db import atomic

#: Longest title (characters).
MAX_TITLE = 200
#: Status filter that means "open or in progress".
ACTIVE = "active"
#: The link each source must carry: (column, option name, what it is).
SOURCE_LINKS = {"meeting": ("meeting_id", "--meeting", "the review meeting"),
                "rca": ("root_cause_id", "--rca", "the root-cause record"),
                "alert": ("alert_id", "--alert", "the execution alert")}

SELECT = """
SELECT a.id, a.title, a.description, p.name AS owner, p.display_name AS owner_name, r.code AS owner_role,
       u.code AS unit, u.name AS unit_name, a.due_on, a.status, a.source, m.code AS meeting, a.meeting_id,
       a.agenda_item_id, a.root_cause_id, a.alert_id, k.code AS kpi, i.code AS initiative,
       a.created_by, a.created_at, a.closed_by, a.closed_at, a.close_note, a.confidentiality,
       (SELECT count(*) FROM action_notes n WHERE n.action_id = a.id) AS notes
FROM actions a JOIN users p ON p.id = a.owner_user_id JOIN units u ON u.id = a.unit_id
LEFT JOIN roles r ON r.id = a.owner_role_id LEFT JOIN meetings m ON m.id = a.meeting_id
LEFT JOIN kpis k ON k.id = a.kpi_id LEFT JOIN initiatives i ON i.id = a.initiative_id
"""
ORDER = " ORDER BY a.status IN ('open', 'in_progress') DESC, a.due_on, a.id"


def _row(row: sqlite3.Row, today: date) -> dict:
    out = dict(row)
    out["days_overdue"] = rules.days_overdue(out["status"], out["due_on"], today)
    out["overdue"] = out["days_overdue"] > 0
    return out


def get(conn: sqlite3.Connection, action_id: int, *, today: date) -> dict:
    """One action with its codes, ``overdue`` and ``days_overdue`` as of ``today``."""
    row = conn.execute(SELECT + " WHERE a.id = ?", [action_id]).fetchone()
    if row is None:
        raise NotFound(f"no action {action_id}")
    return _row(row, today)


def owner_role_id(conn: sqlite3.Connection, owner: str, role: str | None, unit: int, today: date) -> int:
    """The role through which ``owner`` owns an action at ``unit``.

    The owner must hold the role (``role``, or by default the one held nearest the
    unit) at the unit, a unit above it, or group-wide, on ``today``.

    Raises:
        PmError: the owner holds no such role.
    """
    users.user_id_of(conn, owner)
    held = conn.execute(
        """WITH RECURSIVE up(id, depth) AS (SELECT ?, 0 UNION SELECT u.parent_id, up.depth + 1 FROM units u
                                            JOIN up ON u.id = up.id WHERE u.parent_id IS NOT NULL)
           SELECT r.id, r.code FROM role_assignments a JOIN users p ON p.id = a.user_id
           JOIN roles r ON r.id = a.role_id LEFT JOIN up ON up.id = a.unit_id
           WHERE p.name = ? AND a.valid_from <= ? AND (a.valid_to IS NULL OR a.valid_to >= ?)
             AND (a.unit_id IS NULL OR up.id IS NOT NULL)
           ORDER BY coalesce(up.depth, 1000), r.code""",
        [unit, owner, today.isoformat(), today.isoformat()]).fetchall()
    unit_code = conn.execute("SELECT code FROM units WHERE id = ?", [unit]).fetchone()[0]
    if not held:
        raise PmError(f"owner {owner} holds no role at {unit_code} or a unit above it: actions are owned"
                      " through a role, so give the owner a role there first")
    if role is None:
        return held[0]["id"]
    match = next((h["id"] for h in held if h["code"] == role), None)
    if match is None:
        raise PmError(f"owner {owner} does not hold role {role} at {unit_code} or above"
                      f" (holds: {', '.join(sorted({h['code'] for h in held}))})")
    return match


def _links(conn, source: str, links: dict) -> dict:
    """Check the linked rows exist and the source carries its own link."""
    if source not in rules.SOURCES:
        raise PmError(f"source must be one of {', '.join(rules.SOURCES)}, not {source!r}")
    if links["agenda_item_id"] is not None:
        item = conn.execute("SELECT meeting_id FROM agenda_items WHERE id = ?", [links["agenda_item_id"]]).fetchone()
        if item is None:
            raise NotFound(f"no agenda item {links['agenda_item_id']}")
        if links["meeting_id"] not in (None, item[0]):
            raise PmError(f"agenda item {links['agenda_item_id']} belongs to another meeting")
        links["meeting_id"] = item[0]
    for column, table in (("meeting_id", "meetings"), ("root_cause_id", "root_causes"),
                          ("alert_id", "execution_alerts")):
        if links[column] is not None and not conn.execute(f"SELECT 1 FROM {table} WHERE id = ?",
                                                          [links[column]]).fetchone():
            raise NotFound(f"no {table.rstrip('s').replace('_', ' ')} {links[column]}")
    if source in SOURCE_LINKS:
        column, option, what = SOURCE_LINKS[source]
        if links[column] is None:
            raise PmError(f"an action from source {source!r} needs {what} it came from ({option})")
    return links


def add(conn, title: str, *, owner: str, due_on: str, unit: str, source: str, description: str = "",
        owner_role: str | None = None, meeting_id: int | None = None, agenda_item_id: int | None = None,
        root_cause_id: int | None = None, alert_id: int | None = None, kpi: str | None = None,
        initiative: str | None = None, confidentiality: str = "public", actor: str, now: datetime) -> dict:
    """Raise an action; returns it as :func:`get` does.

    Raises:
        PmError: empty or unsafe text, a bad or past due date, an owner without a role
            at the unit, unknown codes or links, a source without its link, or the
            actor lacks ``view`` for the unit.
    """
    title = clean_text(title, "title", required=True, max_length=MAX_TITLE)
    description = clean_text(description, "description")
    check_level(confidentiality)
    try:
        due = rules.check_due(rules.parse_due(due_on), now.date())
    except ValueError as exc:
        raise PmError(str(exc)) from None
    uid = unit_id(conn, unit)
    users.require(conn, actor, "view", uid, now=now, entity="actions", key=unit,
                  attempted={"title": title, "owner": owner, "due_on": due_on})
    with atomic(conn):
        links = _links(conn, source, {"meeting_id": meeting_id, "agenda_item_id": agenda_item_id,
                                      "root_cause_id": root_cause_id, "alert_id": alert_id})
        values = {"title": title, "description": description, "owner_user_id": users.user_id_of(conn, owner),
                  "owner_role_id": owner_role_id(conn, owner, owner_role, uid, now.date()), "unit_id": uid,
                  "due_on": due.isoformat(), "status": "open", "source": source, **links,
                  "kpi_id": id_of(conn, "kpis", kpi, "KPI") if kpi else None,
                  "initiative_id": id_of(conn, "initiatives", initiative, "initiative") if initiative else None,
                  "created_by": actor, "created_at": utc_text(now), "confidentiality": confidentiality}
        key = audit.insert(conn, "actions", values, actor=actor, now=now, action="action.add")
    return get(conn, key, today=now.date())


def note(conn, action_id: int, text: str, *, actor: str, now: datetime) -> dict:
    """Add a progress note to an open action (needs ``view`` for its unit); returns the note."""
    action = get(conn, action_id, today=now.date())
    text = clean_text(text, "note", required=True)
    users.require(conn, actor, "view", unit_id(conn, action["unit"]), now=now, entity="action_notes",
                  key=str(action_id), attempted={"note": text})
    if not rules.is_open(action["status"]):
        raise PmError(f"action {action_id} is {action['status']}: reopen it before adding notes")
    with atomic(conn):
        key = audit.insert(conn, "action_notes", {"action_id": action_id, "written_by": actor,
                                                  "written_at": utc_text(now), "note": text},
                           actor=actor, now=now, action="action.note")
    return dict(conn.execute("SELECT * FROM action_notes WHERE id = ?", [key]).fetchone())


def _change(conn, action_id: int, new_status: str, text: str | None, *, actor: str, now: datetime) -> dict:
    """Move an action to ``new_status`` after the permission and transition checks."""
    action = get(conn, action_id, today=now.date())
    try:
        verb = rules.check_transition(action["status"], new_status)
    except ValueError as exc:
        raise PmError(f"action {action_id}: {exc}") from None
    needs_note = verb in ("close", "cancel", "reopen")
    text = clean_text(text, f"{verb} note", required=needs_note)
    uid = unit_id(conn, action["unit"])
    attempted = {"status": new_status, "note": text}
    if verb == "cancel":
        users.require(conn, actor, "approve", uid, now=now, entity="actions", key=str(action_id), attempted=attempted)
    else:
        require_owner_or(conn, actor, action["owner"], "approve", uid, what=f"{verb} action {action_id}", now=now,
                         entity="actions", key=str(action_id), attempted=attempted)
    changes: dict = {"status": new_status}
    if verb in ("close", "cancel"):
        changes |= {"closed_by": actor, "closed_at": utc_text(now), "close_note": text}
    elif verb == "reopen":
        changes |= {"closed_by": None, "closed_at": None, "close_note": None}
    with atomic(conn):
        audit.update(conn, "actions", action_id, changes, actor=actor, now=now, action=f"action.{verb}",
                     reason=text or None)
        if text and verb in ("start", "reopen"):  # the why of these stays readable beside the action
            audit.insert(conn, "action_notes", {"action_id": action_id, "written_by": actor,
                                                "written_at": utc_text(now), "note": f"{verb}: {text}"},
                         actor=actor, now=now, action="action.note")
    return get(conn, action_id, today=now.date())


def start(conn, action_id: int, *, note: str | None = None, actor: str, now: datetime) -> dict:
    """Mark an open action as in progress (its owner, or ``approve`` for its unit)."""
    return _change(conn, action_id, "in_progress", note, actor=actor, now=now)


def close(conn, action_id: int, note: str, *, actor: str, now: datetime) -> dict:
    """Close an action as done with a note saying what was done (its owner, or ``approve``)."""
    return _change(conn, action_id, "done", note, actor=actor, now=now)


def cancel(conn, action_id: int, note: str, *, actor: str, now: datetime) -> dict:
    """Cancel an action that is no longer needed, saying why (needs ``approve`` for its unit)."""
    return _change(conn, action_id, "cancelled", note, actor=actor, now=now)


def reopen(conn, action_id: int, note: str, *, actor: str, now: datetime) -> dict:
    """Reopen a done or cancelled action, saying why (its owner, or ``approve``)."""
    return _change(conn, action_id, "open", note, actor=actor, now=now)


def _filters(conn, *, today: date, owner=None, unit=None, source=None, status=None, overdue=False, kpi=None,
             initiative=None, meeting=None, root_cause=None) -> tuple[str, list]:
    """WHERE clause and parameters shared by :func:`search` and :func:`count`."""
    where, params = [], []
    if status is not None and status != ACTIVE and status not in rules.STATUSES:
        raise PmError(f"status must be one of {', '.join((ACTIVE, *rules.STATUSES))}, not {status!r}")
    if source is not None and source not in rules.SOURCES:
        raise PmError(f"source must be one of {', '.join(rules.SOURCES)}, not {source!r}")
    if unit is not None:
        where.append(f"a.unit_id IN {UNIT_AND_BELOW}")
        params.append(unit_id(conn, unit))
    for column, value in (("p.name", owner), ("a.source", source), ("k.code", kpi), ("i.code", initiative),
                          ("m.code", meeting), ("a.root_cause_id", root_cause)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if status == ACTIVE or overdue:
        where.append("a.status IN ('open', 'in_progress')")
    elif status is not None:
        where.append("a.status = ?")
        params.append(status)
    if overdue:
        where.append("a.due_on < ?")
        params.append(today.isoformat())
    return (" WHERE " + " AND ".join(where)) if where else "", params


def search(conn: sqlite3.Connection, *, today: date, limit: int = 50, offset: int = 0, **filters) -> list[dict]:
    """A page of the register: open actions first, then by due date.

    Filters (all optional): ``owner`` (user name), ``unit`` (that unit and the units
    below it), ``source``, ``status`` (a status, or ``active`` for open and in
    progress), ``overdue`` (open and past due on ``today``), ``kpi``, ``initiative``,
    ``meeting`` (codes), ``root_cause`` (a record's id).
    """
    where, params = _filters(conn, today=today, **filters)
    rows = conn.execute(SELECT + where + ORDER + " LIMIT ? OFFSET ?", [*params, limit, offset])
    return [_row(r, today) for r in rows]


def count(conn: sqlite3.Connection, *, today: date, **filters) -> int:
    """How many actions :func:`search` would page through with these filters."""
    where, params = _filters(conn, today=today, **filters)
    sql = ("SELECT count(*) FROM actions a JOIN users p ON p.id = a.owner_user_id LEFT JOIN meetings m"
           " ON m.id = a.meeting_id LEFT JOIN kpis k ON k.id = a.kpi_id LEFT JOIN initiatives i"
           " ON i.id = a.initiative_id")
    return conn.execute(sql + where, params).fetchone()[0]


def overdue(conn: sqlite3.Connection, *, unit: str | None = None, today: date, limit: int = 500) -> list[dict]:
    """Open actions past their due date on ``today`` (at ``unit`` and below), longest overdue first.

    Each carries ``id, title, owner, due_on, unit, kpi, days_overdue`` and the rest of
    :func:`get`'s keys: the next review's agenda carries them (M5.4).
    """
    return search(conn, today=today, unit=unit, overdue=True, limit=limit)


def for_kpi(conn: sqlite3.Connection, kpi: str, *, unit: str | None = None, today: date,
            limit: int = 200) -> list[dict]:
    """Actions linked to a KPI (at ``unit`` and below), open ones first."""
    return search(conn, today=today, kpi=kpi, unit=unit, limit=limit)


def notes(conn: sqlite3.Connection, action_id: int, *, limit: int = 200) -> list[dict]:
    """Progress notes of an action, oldest first."""
    rows = conn.execute("SELECT id, written_by, written_at, note FROM action_notes WHERE action_id = ?"
                        " ORDER BY written_at, id LIMIT ?", [action_id, limit])
    return [dict(r) for r in rows]
