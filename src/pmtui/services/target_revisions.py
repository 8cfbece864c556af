"""Mid-cycle target revisions (capability M1.5): request with a reason, four-eyes decision.

A revision row keeps the target as it stood when the revision was requested
(``original_*``) beside the requested values (``revised_*``). Approval updates the
``targets`` row in the same transaction, audited with the revision's reason, so
scorecards score against the revised target while the original stays on record.
Nobody decides a revision they requested: this service refuses it (and audits the
attempt) and a trigger in the schema refuses it again.
"""

from __future__ import annotations

import math
import sqlite3
from datetime import datetime

from pmtui.core import periods, scoring, validation
from pmtui.services import users
from pmtui.services.errors import NotFound, PmError
from pmtui.services.framework import id_of
from pmtui.store import audit
from pmtui.store.audit import utc_text
from pmtui.store.db import atomic

#: Revision statuses.
STATUSES = ("submitted", "approved", "rejected")
FIELDS = ("target", "amber", "target_high", "amber_high")

FOUR_EYES = "four-eyes rule: nobody decides a target revision they requested"

LIST_SQL = """
SELECT r.id, k.code AS kpi, k.name AS kpi_name, u.code AS unit, t.period,
       r.original_target, r.original_amber, r.original_target_high, r.original_amber_high,
       r.revised_target, r.revised_amber, r.revised_target_high, r.revised_amber_high,
       t.target AS current_target, r.reason, r.status, r.requested_by, r.requested_at,
       r.decided_by, r.decided_at, r.decision_note
FROM target_revisions r JOIN targets t ON t.id = r.target_id
JOIN kpis k ON k.id = t.kpi_id JOIN units u ON u.id = t.unit_id
"""


def _number(value: float | None, what: str) -> float | None:
    if value is not None and not math.isfinite(value):
        raise PmError(f"{what} must be a finite number, not {value!r}")
    return value


def _shifted(value: float | None, shift: float) -> float | None:
    return None if value is None else value + shift


def _revised(current: dict, target: float, amber: float | None, target_high: float | None,
             amber_high: float | None) -> dict:
    """Requested values, with thresholds left out moved by the same amount as their target."""
    shift = target - current["target"]
    high = target_high if target_high is not None else _shifted(current["target_high"], shift)
    high_shift = high - current["target_high"] if high is not None and current["target_high"] is not None else shift
    return {"target": target,
            "amber": amber if amber is not None else _shifted(current["amber"], shift),
            "target_high": high,
            "amber_high": amber_high if amber_high is not None else _shifted(current["amber_high"], high_shift)}


def request(conn, kpi: str, unit: str, period: str, target: float, amber: float | None = None,
            target_high: float | None = None, amber_high: float | None = None, *, reason: str,
            actor: str, now: datetime) -> dict:
    """Request a revision of an existing target; returns the revision as :func:`get` does.

    Thresholds left out keep their distance to the target: a target lowered by 5 lowers
    an amber threshold by 5 too (band limits likewise), so the scoring stays valid.

    Raises:
        PmError: no reason, no target to revise, invalid thresholds, a revision of this
            target is already pending, or the actor lacks ``edit_targets`` for the unit.
    """
    if not (reason or "").strip():
        raise PmError("a target revision needs a reason (--reason)")
    try:
        periods.parse(period)
        reason = validation.check_text(reason.strip(), field="reason")
    except ValueError as exc:
        raise PmError(str(exc)) from None
    for value, what in ((target, "target"), (amber, "amber"), (target_high, "target_high"),
                        (amber_high, "amber_high")):
        _number(value, what)
    kpi_row = conn.execute("SELECT id, direction FROM kpis WHERE code = ?", [kpi]).fetchone()
    if kpi_row is None:
        raise NotFound(f"unknown KPI {kpi!r}")
    unit_id = id_of(conn, "units", unit, "unit")
    key = f"{kpi}|{unit}|{period}"
    users.require(conn, actor, "edit_targets", unit_id, now=now, entity="target_revisions", key=key,
                  attempted={"target": target, "reason": reason})
    with atomic(conn):
        current = conn.execute("SELECT * FROM targets WHERE kpi_id = ? AND unit_id = ? AND period = ?",
                               [kpi_row["id"], unit_id, period]).fetchone()
        if current is None:
            raise NotFound(f"no target set for {key}: only an existing target can be revised")
        pending = conn.execute("SELECT id FROM target_revisions WHERE target_id = ? AND status = 'submitted'",
                               [current["id"]]).fetchone()
        if pending:
            raise PmError(f"revision {pending[0]} of {key} is still pending: decide it first")
        revised = _revised(dict(current), target, amber, target_high, amber_high)
        try:
            scoring.kpi_score(kpi_row["direction"], None, *(revised[f] for f in FIELDS))
        except ValueError as exc:
            raise PmError(f"revised target for {key}: {exc}") from None
        values = {"target_id": current["id"], "reason": reason.strip(), "status": "submitted",
                  "requested_by": actor, "requested_at": utc_text(now)}
        values |= {f"original_{f}": current[f] for f in FIELDS} | {f"revised_{f}": revised[f] for f in FIELDS}
        rid = audit.insert(conn, "target_revisions", values, actor=actor, now=now, action="target_revision.request",
                           reason=reason.strip())
        return get(conn, rid)


def get(conn: sqlite3.Connection, revision_id: int) -> dict:
    """One revision with its KPI, unit and period codes."""
    row = conn.execute(LIST_SQL + " WHERE r.id = ?", [revision_id]).fetchone()
    if row is None:
        raise NotFound(f"no target revision {revision_id}")
    return dict(row)


def decide(conn, revision_id: int, *, approve: bool, note: str | None = None, actor: str,
           now: datetime) -> dict:
    """Approve or reject a pending revision; approval revises the ``targets`` row.

    Needs ``approve`` or ``edit_targets`` for the unit, and someone other than the requester.
    """
    revision = get(conn, revision_id)
    status = "approved" if approve else "rejected"
    unit_id = id_of(conn, "units", revision["unit"], "unit")
    if not users.has_permission(conn, actor, "edit_targets", unit_id, now.date()):
        users.require(conn, actor, "approve", unit_id, now=now, entity="target_revisions", key=str(revision_id),
                      attempted={"status": status})
    if revision["status"] != "submitted":
        raise PmError(f"revision {revision_id} is already {revision['status']}")
    if actor == revision["requested_by"]:
        audit.record_refusal(conn, actor=actor, now=now, action="decide", entity="target_revisions",
                             key=revision_id, attempted={"status": status}, reason=FOUR_EYES)
        raise PmError(f"refused by the {FOUR_EYES} (revision {revision_id} was requested by {actor})")
    note = (note or "").strip() or None
    if note:
        try:
            validation.check_text(note, field="note")
        except ValueError as exc:
            raise PmError(str(exc)) from None
    with atomic(conn):
        row = audit.update(conn, "target_revisions", revision_id,
                           {"status": status, "decided_by": actor, "decided_at": utc_text(now),
                            "decision_note": note}, actor=actor, now=now,
                           action=f"target_revision.{'approve' if approve else 'reject'}", reason=note)
        if approve:
            audit.update(conn, "targets", row["target_id"], {f: row[f"revised_{f}"] for f in FIELDS},
                         actor=actor, now=now, action="targets.revise", reason=revision["reason"])
    return get(conn, revision_id)


def revisions(conn: sqlite3.Connection, *, unit: str | None = None, kpi: str | None = None,
              status: str | None = None, limit: int = 200, offset: int = 0) -> list[dict]:
    """Revisions (newest request first): original against revised, with the current target."""
    if status is not None and status not in STATUSES:
        raise PmError(f"status must be one of {', '.join(STATUSES)}")
    where, params = [], []
    for column, value in (("u.code", unit), ("k.code", kpi), ("r.status", status)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    sql = LIST_SQL + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY r.requested_at DESC, r.id DESC"
    return [dict(r) for r in conn.execute(sql + " LIMIT ? OFFSET ?", [*params, limit, offset])]


def revision_counts(conn: sqlite3.Connection) -> list[dict]:
    """How often each unit revised targets: requested, approved, rejected and pending."""
    rows = conn.execute(
        """SELECT u.code AS unit, u.name AS unit_name, count(*) AS requested,
                  sum(r.status = 'approved') AS approved, sum(r.status = 'rejected') AS rejected,
                  sum(r.status = 'submitted') AS pending
           FROM target_revisions r JOIN targets t ON t.id = r.target_id JOIN units u ON u.id = t.unit_id
           GROUP BY u.id ORDER BY requested DESC, u.code""")
    return [dict(r) for r in rows]
