"""The excluded-metrics register (capability M1.6): what was left out, why, who decided, when.

Entries record a decision *not* to measure something, so that the question is not
reopened every cycle without the earlier reasoning at hand. ``decided_by`` is the
acting user and ``decided_on`` the date of ``now``: both come from the caller.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from pmtui.core import validation
from pmtui.services import users
from pmtui.services.errors import PmError
from pmtui.services.framework import id_of
from pmtui.store import audit
from pmtui.store.db import atomic

LEVELS = ("public", "internal", "confidential")


def add(conn, name: str, reason: str, *, cycle: str | None = None, description: str = "",
        confidentiality: str = "public", actor: str, now: datetime) -> dict:
    """Record that a metric was considered and left out.

    Raises:
        PmError: empty name or reason, unsafe text, unknown cycle, or the actor lacks
            group-wide ``edit_definitions``.
    """
    name, reason, description = (name or "").strip(), (reason or "").strip(), (description or "").strip()
    if not name or not reason:
        raise PmError("an excluded metric needs a name (--name) and a reason (--reason)")
    if confidentiality not in LEVELS:
        raise PmError(f"confidentiality must be one of {', '.join(LEVELS)}")
    try:
        for text, field in ((name, "name"), (reason, "reason"), (description, "description")):
            validation.check_text(text, field=field)
    except ValueError as exc:
        raise PmError(str(exc)) from None
    users.require(conn, actor, "edit_definitions", None, now=now, entity="excluded_metrics", key=name,
                  attempted={"name": name, "reason": reason})
    with atomic(conn):
        cycle_id = id_of(conn, "planning_cycles", cycle, "planning cycle") if cycle else None
        key = audit.insert(conn, "excluded_metrics",
                           {"cycle_id": cycle_id, "name": name, "description": description, "reason": reason,
                            "decided_by": actor, "decided_on": now.date().isoformat(),
                            "confidentiality": confidentiality},
                           actor=actor, now=now, action="excluded_metric.add", reason=reason)
    return entries(conn, entry_id=key)[0]


def entries(conn: sqlite3.Connection, *, published: bool = False, entry_id: int | None = None,
            limit: int = 500, offset: int = 0) -> list[dict]:
    """Register entries, latest decision first (``published``: confidential ones left out)."""
    where, params = [], []
    if published:
        where.append("e.confidentiality != 'confidential'")
    if entry_id is not None:
        where.append("e.id = ?")
        params.append(entry_id)
    rows = conn.execute(
        f"""SELECT e.id, e.name, e.description, e.reason, c.code AS cycle, e.decided_by, e.decided_on,
                   e.confidentiality
            FROM excluded_metrics e LEFT JOIN planning_cycles c ON c.id = e.cycle_id
            {'WHERE ' + ' AND '.join(where) if where else ''}
            ORDER BY e.decided_on DESC, e.id DESC LIMIT ? OFFSET ?""", [*params, limit, offset])
    return [dict(r) for r in rows]
