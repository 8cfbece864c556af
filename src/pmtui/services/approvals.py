"""The approvals inbox, "who am I" and the audited switch of the acting user.

The inbox of a user holds what waits for them: submitted values and corrections of
units where they hold ``approve``, and target revisions of units where they hold
``approve`` or ``edit_targets``, never their own work (the four-eyes rule); then their
own drafts and submissions that wait on someone else. It is read one page at a time
straight from SQL, oldest first.

Who acts: a session acts as the user it was started with (``--user``, ``PMTUI_USER``, or
the login name when a user of that name exists: :func:`session_user`). Switching to
someone else (:func:`switch_user`) is for administrators and demos: it needs
group-wide ``administer`` held by the user who started the session, unless the file's
setting ``user_switch`` is ``anyone`` (the demo company sets it). Every switch and every
refused switch is audited, and every decision taken after a switch carries the switch
in an audit entry of its own (:data:`AFTER_SWITCH`), in the decision's transaction.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from pmtui.services import users
from pmtui.services.errors import PermissionDenied, PmError
from pmtui.store import audit
from pmtui.store.db import atomic

#: Audit entity of session events (not a table: ``audit verify`` replays no row for it).
SESSION = "session"
#: Setting that opens switching to every user (``anyone``); otherwise only administrators switch.
SWITCH_SETTING = "user_switch"
#: Values of :data:`SWITCH_SETTING`.
SWITCH_CHOICES = ("administrators", "anyone")
#: Audit action of the entry that flags a decision taken after a switch of the acting user:
#: ``SELECT * FROM audit_log WHERE action = 'session.decided_after_switch'`` lists them, with
#: ``new`` holding ``switched_from``, ``acting_as``, ``kind``, ``id`` and ``decision``.
AFTER_SWITCH = "session.decided_after_switch"
#: How a session without a user is named in the audit trail.
NO_USER = "(no user)"

#: Units where the user holds a permission today (and every unit below them).
_SCOPES = """
WITH RECURSIVE grants(unit_id, perms) AS (
    SELECT a.unit_id, ' ' || r.permissions || ' '
    FROM role_assignments a JOIN users p ON p.id = a.user_id JOIN roles r ON r.id = a.role_id
    WHERE p.name = :user AND p.active = 1 AND a.valid_from <= :today AND (a.valid_to IS NULL OR a.valid_to >= :today)
), approve_scope(id) AS (
    SELECT u.id FROM units u WHERE EXISTS (SELECT 1 FROM grants WHERE unit_id IS NULL AND perms LIKE '% approve %')
    UNION SELECT unit_id FROM grants WHERE unit_id IS NOT NULL AND perms LIKE '% approve %'
    UNION SELECT u.id FROM units u JOIN approve_scope s ON u.parent_id = s.id
), target_scope(id) AS (
    SELECT u.id FROM units u WHERE EXISTS (SELECT 1 FROM grants WHERE unit_id IS NULL
                                           AND (perms LIKE '% approve %' OR perms LIKE '% edit_targets %'))
    UNION SELECT unit_id FROM grants WHERE unit_id IS NOT NULL
                                      AND (perms LIKE '% approve %' OR perms LIKE '% edit_targets %')
    UNION SELECT u.id FROM units u JOIN target_scope s ON u.parent_id = s.id
)"""

#: Every inbox item; ``mine`` is 0 for what the user may decide, 1 for their own work.
_ITEMS = _SCOPES + """, items AS (
    SELECT 0 AS mine, 'value' AS kind, m.id, m.kpi_id, m.unit_id, m.period, NULL AS old_value, m.value,
           m.submitted_by, m.submitted_at, m.status, m.comment AS note
    FROM measurements m
    WHERE m.status = 'submitted' AND m.unit_id IN (SELECT id FROM approve_scope)
      AND m.entered_by IS NOT :user AND m.submitted_by IS NOT :user
    UNION ALL
    SELECT 0, 'correction', c.id, m.kpi_id, m.unit_id, m.period, c.old_value, c.value, c.entered_by, c.entered_at,
           c.status, c.reason
    FROM measurement_corrections c JOIN measurements m ON m.id = c.measurement_id
    WHERE c.status = 'submitted' AND m.unit_id IN (SELECT id FROM approve_scope)
      AND c.entered_by <> :user AND c.old_value_by <> :user
    UNION ALL
    SELECT 0, 'target', r.id, t.kpi_id, t.unit_id, t.period, r.original_target, r.revised_target, r.requested_by,
           r.requested_at, r.status, r.reason
    FROM target_revisions r JOIN targets t ON t.id = r.target_id
    WHERE r.status = 'submitted' AND t.unit_id IN (SELECT id FROM target_scope) AND r.requested_by <> :user
    UNION ALL
    SELECT 1, 'value', m.id, m.kpi_id, m.unit_id, m.period, NULL, m.value, coalesce(m.submitted_by, m.entered_by),
           coalesce(m.submitted_at, m.entered_at), m.status, m.comment
    FROM measurements m
    WHERE (m.status = 'draft' OR m.status = 'submitted') AND (m.entered_by = :user OR m.submitted_by = :user)
    UNION ALL
    SELECT 1, 'correction', c.id, m.kpi_id, m.unit_id, m.period, c.old_value, c.value, c.entered_by, c.entered_at,
           c.status, c.reason
    FROM measurement_corrections c JOIN measurements m ON m.id = c.measurement_id
    WHERE c.status = 'submitted' AND c.entered_by = :user
    UNION ALL
    SELECT 1, 'target', r.id, t.kpi_id, t.unit_id, t.period, r.original_target, r.revised_target, r.requested_by,
           r.requested_at, r.status, r.reason
    FROM target_revisions r JOIN targets t ON t.id = r.target_id
    WHERE r.status = 'submitted' AND r.requested_by = :user
)"""

PAGE_SQL = _ITEMS + """
SELECT i.mine, i.kind, i.id, k.code AS kpi, u.code AS unit, i.period, i.old_value, i.value, i.submitted_by, i.submitted_at, i.status,
       i.note
FROM items i JOIN kpis k ON k.id = i.kpi_id JOIN units u ON u.id = i.unit_id
ORDER BY i.mine, i.submitted_at, i.kind, i.id LIMIT :limit OFFSET :offset"""

COUNT_SQL = _ITEMS + " SELECT mine, count(*) FROM items GROUP BY mine"


def counts(conn: sqlite3.Connection, user: str, today: date) -> tuple[int, int]:
    """(items the user may decide, the user's own items waiting on others)."""
    found = dict(conn.execute(COUNT_SQL, {"user": user, "today": today.isoformat()}).fetchall())
    return found.get(0, 0), found.get(1, 0)


def inbox(conn: sqlite3.Connection, user: str, *, today: date, limit: int = 50, offset: int = 0) -> dict:
    """One page of the user's inbox: what they may decide first, then their own work waiting.

    Returns:
        ``{"user", "for_you", "yours", "total", "limit", "offset", "items"}``; each item has
        ``waits_on`` ("you" or "others"), ``kind`` (value, correction, target), ``id``
        (measurement, correction or revision id), ``kpi``, ``unit``, ``period``,
        ``old_value`` and ``value`` (for a target: original and revised target),
        ``submitted_by``, ``submitted_at``, ``status`` and ``note`` (comment or reason).
    """
    users.user_id_of(conn, user)
    if limit < 1 or offset < 0:
        raise PmError("limit must be at least 1 and offset at least 0")
    for_you, yours = counts(conn, user, today)
    rows = conn.execute(PAGE_SQL, {"user": user, "today": today.isoformat(), "limit": limit, "offset": offset})
    items = [{"waits_on": "others" if r["mine"] else "you"} | {k: r[k] for k in r.keys() if k != "mine"}
             for r in rows]
    return {"user": user, "for_you": for_you, "yours": yours, "total": for_you + yours, "limit": limit,
            "offset": offset, "items": items}


def whoami(conn: sqlite3.Connection, user: str, today: date) -> dict:
    """The acting user: name, display name, current roles and permissions, inbox counts."""
    users.user_id_of(conn, user)
    row = conn.execute("SELECT name, display_name FROM users WHERE name = ?", [user]).fetchone()
    roles = users.current_roles(conn, user, today)
    for_you, yours = counts(conn, user, today)
    return {"user": row["name"], "display_name": row["display_name"],
            "roles": [f"{r['role']}@{r['unit']}" if r["unit"] else r["role"] for r in roles],
            "permissions": sorted({p for r in roles for p in r["permissions"]}),
            "for_you": for_you, "yours": yours}


def session_user(conn: sqlite3.Connection, given: str | None, login: str | None) -> str | None:
    """Who a session acts as: ``given`` (``--user``/``PMTUI_USER``), else ``login`` when an active
    user has that name, else nobody (a browse-only session)."""
    if given:
        return given
    if login and conn.execute("SELECT 1 FROM users WHERE name = ? AND active = 1", [login]).fetchone():
        return login
    return None


def switch_policy(conn: sqlite3.Connection) -> str:
    """``anyone`` when the file lets every user switch (demos), else ``administrators``."""
    from pmtui.services import framework  # noqa: PLC0415

    return "anyone" if framework.get_setting(conn, SWITCH_SETTING) == "anyone" else "administrators"


def switch_user(conn, to: str, *, actor: str | None, now: datetime, session_user: str | None = None) -> dict:
    """Record that the session now acts as ``to``; returns :func:`whoami` of ``to``.

    Args:
        actor: The user acting now (None: a browse-only session).
        session_user: The user the session was started with (defaults to ``actor``): they
            need group-wide ``administer``, unless :func:`switch_policy` is ``anyone``. The
            switch is audited as ``session.switch_user`` with them as the actor.

    Raises:
        NotFound: ``to`` is not an active user.
        PermissionDenied: the session's user may not switch (the refusal is audited).
        PmError: the session already acts as ``to``.
    """
    starter = actor if session_user is None else session_user
    users.user_id_of(conn, to)
    if to == actor:
        raise PmError(f"you are already acting as {to}")
    who = starter or NO_USER
    if switch_policy(conn) != "anyone":
        attempted = {"switch_user": to, "acting": actor}
        if starter is None:
            reason = "a session without a user cannot switch: start pmtui with --user NAME"
            audit.record_refusal(conn, actor=NO_USER, now=now, action="administer", entity=SESSION, key=to,
                                 attempted=attempted, reason=reason)
            raise PermissionDenied(f"refused: {reason} (the attempt is recorded in the audit trail)")
        users.require(conn, starter, "administer", None, now=now, entity=SESSION, key=to, attempted=attempted)
    acting = f" (acting as {actor})" if actor and actor != starter else ""
    with atomic(conn):
        audit.append(conn, actor=who, now=now, action="session.switch_user", entity=SESSION, key=to,
                     old={"user": actor}, new={"user": to},
                     reason=f"{who}{acting} switched the acting user to {to}")
    return whoami(conn, to, now.date())


def decide(conn, kind: str, item_id: int, *, approve: bool, reason: str | None = None, actor: str,
           now: datetime, switched_from: str | None = None) -> dict:
    """Approve or reject one inbox item through its own service (rules, four eyes and audit are theirs).

    Args:
        kind: ``value`` (``item_id`` is the measurement id), ``correction`` or ``target``
            (a target revision id), as :func:`inbox` lists them.
        switched_from: The user who started the session, when it now acts as someone else:
            the decision then gets an :data:`AFTER_SWITCH` audit entry in its transaction.

    Returns:
        ``{"kind", "id", "kpi", "unit", "period", "status"}`` of the decided item.
    """
    if not switched_from or switched_from == actor:
        return _decide(conn, kind, item_id, approve=approve, reason=reason, actor=actor, now=now)
    refused: PmError | None = None
    with atomic(conn):
        try:
            done = _decide(conn, kind, item_id, approve=approve, reason=reason, actor=actor, now=now)
        except PmError as exc:  # a refusal: keep what the service audited, write nothing else
            refused = exc
        else:
            audit.append(conn, actor=actor, now=now, action=AFTER_SWITCH, entity=SESSION, key=f"{kind}:{item_id}",
                         new={"switched_from": switched_from, "acting_as": actor, "kind": kind, "id": item_id,
                              "decision": done["status"]},
                         reason=f"{done['status']} by {actor} in a session started by {switched_from}")
    if refused is not None:
        raise refused
    return done


def _decide(conn, kind: str, item_id: int, *, approve: bool, reason: str | None, actor: str, now: datetime) -> dict:
    from pmtui.services import corrections, measurements, target_revisions  # noqa: PLC0415

    if kind == "value":
        row = conn.execute("SELECT k.code, u.code, m.period FROM measurements m JOIN kpis k ON k.id = m.kpi_id"
                           " JOIN units u ON u.id = m.unit_id WHERE m.id = ?", [item_id]).fetchone()
        if row is None:
            raise PmError(f"no value {item_id}")
        done = measurements.decide(conn, *row, approve=approve, reason=reason, actor=actor, now=now)
        kpi, unit, period = row
    elif kind == "correction":
        done = corrections.decide(conn, item_id, approve=approve, reason=reason, actor=actor, now=now)
        kpi, unit, period = done["kpi"], done["unit"], done["period"]
    elif kind == "target":
        done = target_revisions.decide(conn, item_id, approve=approve, note=reason, actor=actor, now=now)
        kpi, unit, period = done["kpi"], done["unit"], done["period"]
    else:
        raise PmError(f"unknown kind {kind!r}: value, correction or target")
    return {"kind": kind, "id": item_id, "kpi": kpi, "unit": unit, "period": period, "status": done["status"]}


def users_page(conn: sqlite3.Connection, today: date, *, limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
    """One page of active users with the roles they hold today, and how many there are."""
    total = conn.execute("SELECT count(*) FROM users WHERE active = 1").fetchone()[0]
    rows = conn.execute("SELECT name, display_name FROM users WHERE active = 1 ORDER BY name LIMIT ? OFFSET ?",
                        [limit, offset]).fetchall()
    return [{"name": r["name"], "display_name": r["display_name"],
             "roles": [f"{x['role']}@{x['unit']}" if x["unit"] else x["role"]
                       for x in users.current_roles(conn, r["name"], today)]} for r in rows], total
