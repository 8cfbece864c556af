"""Corrections of approved values: propose, decide (four eyes), and the versions of a value.

An approved value is never edited in place. A correction carries the value as it stands
(``old_value``), the corrected value and a reason, and goes through approval like a first
submission: by someone holding ``approve`` for the unit who neither entered the
correction nor entered the value it corrects. On approval the measurement takes the new
value in the same transaction (audited), and what depends on it follows: calculated KPIs
and the SPC caches (:mod:`pmtui.services.derived`). The database repeats every rule in
triggers (see :mod:`pmtui.store.schema_governance`).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from pmtui.core import approvals, periods, validation
from pmtui.services import users
from pmtui.services.errors import NotFound, PmError
from pmtui.services.framework import id_of
from pmtui.store import audit
from pmtui.store.audit import utc_text
from pmtui.store.db import atomic

STATUSES = ("submitted", "approved", "rejected")
FOUR_EYES = approvals.FOUR_EYES_CORRECTION

LIST_SQL = """
SELECT c.id, k.code AS kpi, u.code AS unit, m.period, c.old_value, c.value, m.value AS current_value,
       c.reason, c.comment, c.status, c.entered_by, c.entered_at, c.old_value_by, c.decided_by, c.decided_at,
       c.decision_reason, c.measurement_id
FROM measurement_corrections c JOIN measurements m ON m.id = c.measurement_id
JOIN kpis k ON k.id = m.kpi_id JOIN units u ON u.id = m.unit_id
"""


def _text(text: str | None, field: str, *, required: bool = False) -> str | None:
    text = (text or "").strip()
    if not text:
        if required:
            raise PmError(f"a correction needs a {field} (--{field})")
        return None
    try:
        return validation.check_text(text, field=field)
    except ValueError as exc:
        raise PmError(str(exc)) from None


def _measurement(conn, kpi: str, unit: str, period: str) -> tuple[int, sqlite3.Row | None]:
    try:
        periods.parse(period)
    except ValueError as exc:
        raise PmError(str(exc)) from None
    kpi_id, unit_id = id_of(conn, "kpis", kpi, "KPI"), id_of(conn, "units", unit, "unit")
    row = conn.execute("SELECT * FROM measurements WHERE kpi_id = ? AND unit_id = ? AND period = ?",
                       [kpi_id, unit_id, period]).fetchone()
    return unit_id, row


def _corrections_of(conn, measurement_id: int) -> list[dict]:
    return [dict(r) for r in conn.execute("SELECT * FROM measurement_corrections WHERE measurement_id = ?"
                                          " ORDER BY id", [measurement_id])]


def propose(conn, kpi: str, unit: str, period: str, value: str | float, reason: str, comment: str | None = None,
            *, actor: str, now: datetime) -> dict:
    """Propose a correction of an approved value; returns it as :func:`get` does.

    Raises:
        PermissionDenied: the actor lacks ``enter_data`` for the unit (the attempt is audited).
        PmError: bad value or text, no reason, the value is not approved (or is calculated),
            the correction would not change it, or another correction of it is pending.
    """
    try:
        number = validation.parse_value(str(value))
    except ValueError as exc:
        raise PmError(f"value: {exc}") from None
    reason = _text(reason, "reason", required=True)
    comment = _text(comment, "comment")
    unit_id, row = _measurement(conn, kpi, unit, period)
    key = f"{kpi}|{unit}|{period}"
    users.require(conn, actor, "enter_data", unit_id, now=now, entity="measurement_corrections", key=key,
                  attempted={"value": number, "reason": reason})
    with atomic(conn):
        earlier = _corrections_of(conn, row["id"]) if row else []
        pending = next((c["id"] for c in earlier if c["status"] == "submitted"), None)
        problem = approvals.correction_problem(status=row["status"] if row else None,
                                               entered_by=row["entered_by"] if row else None,
                                               current=row["value"] if row else None, proposed=number,
                                               open_id=pending)
        if problem:
            raise (NotFound if row is None else PmError)(f"{key}: {problem}")
        values = {"measurement_id": row["id"], "old_value": row["value"], "value": number, "comment": comment,
                  "reason": reason, "status": "submitted", "entered_by": actor, "entered_at": utc_text(now),
                  "old_value_by": approvals.last_changed_by(row["entered_by"], earlier)}
        cid = audit.insert(conn, "measurement_corrections", values, actor=actor, now=now,
                           action="correction.propose", reason=reason)
        return get(conn, cid)


def get(conn: sqlite3.Connection, correction_id: int) -> dict:
    """One correction with its KPI, unit and period codes and the value as it stands."""
    row = conn.execute(LIST_SQL + " WHERE c.id = ?", [correction_id]).fetchone()
    if row is None:
        raise NotFound(f"no correction {correction_id}")
    return dict(row)


def decide(conn, correction_id: int, *, approve: bool, reason: str | None = None, actor: str,
           now: datetime) -> dict:
    """Approve or reject a pending correction; approval changes the value in the same transaction.

    Raises:
        NotFound: no such correction.
        PermissionDenied: the actor lacks ``approve`` for the unit (audited).
        PmError: no reason for a rejection, already decided, or refused by the four-eyes
            rule (audited): the actor entered the correction or the value it corrects.
    """
    c = get(conn, correction_id)
    status = "approved" if approve else "rejected"
    if not approve and not (reason or "").strip():
        raise PmError("a rejection needs a reason (--reason)")
    reason = _text(reason, "reason")
    unit_id = id_of(conn, "units", c["unit"], "unit")
    users.require(conn, actor, "approve", unit_id, now=now, entity="measurement_corrections", key=correction_id,
                  attempted={"status": status})
    if c["status"] != "submitted":
        raise PmError(f"correction {correction_id} is already {c['status']}")
    if not approvals.four_eyes_ok(actor, (c["entered_by"], c["old_value_by"])):
        audit.record_refusal(conn, actor=actor, now=now, action="approve" if approve else "reject",
                             entity="measurement_corrections", key=correction_id, attempted={"status": status},
                             reason=FOUR_EYES)
        who = "entered by you" if actor == c["entered_by"] else "a correction of a value you entered"
        raise PmError(f"refused by the {FOUR_EYES} (correction {correction_id} is {who});"
                      " the attempt is recorded in the audit trail")
    with atomic(conn):
        audit.update(conn, "measurement_corrections", correction_id,
                     {"status": status, "decided_by": actor, "decided_at": utc_text(now), "decision_reason": reason},
                     actor=actor, now=now, action=f"correction.{'approve' if approve else 'reject'}", reason=reason)
        if approve:
            _apply(conn, c, actor=actor, now=now)
    return get(conn, correction_id)


def _apply(conn, c: dict, *, actor: str, now: datetime) -> None:
    """Give the measurement its corrected value, then refresh what is derived from it."""
    row = conn.execute("SELECT * FROM measurements WHERE id = ?", [c["measurement_id"]]).fetchone()
    if row["status"] != "approved" or row["value"] != c["old_value"]:
        raise PmError(f"correction {c['id']} no longer matches the value ({row['value']:g}): reject it")
    audit.update(conn, "measurements", row["id"], {"value": c["value"]}, actor=actor, now=now,
                 action="measurement.correct", reason=c["reason"])
    from pmtui.services import derived  # noqa: PLC0415 - derived imports services that import this one

    derived.value_approved(conn, row["kpi_id"], row["unit_id"], row["period"], now=now)


def corrections(conn: sqlite3.Connection, *, status: str | None = None, kpi: str | None = None,
                unit: str | None = None, limit: int = 200, offset: int = 0) -> list[dict]:
    """Corrections, newest first, optionally in one status or of one KPI / unit."""
    if status is not None and status not in STATUSES:
        raise PmError(f"status must be one of {', '.join(STATUSES)}")
    where, params = [], []
    for column, value in (("c.status", status), ("k.code", kpi), ("u.code", unit)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    sql = LIST_SQL + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY c.id DESC LIMIT ? OFFSET ?"
    return [dict(r) for r in conn.execute(sql, [*params, limit, offset])]


def history(conn: sqlite3.Connection, kpi: str, unit: str, period: str) -> dict:
    """Every version of one value: the original entry and each correction, with who, when and why.

    Raises:
        NotFound: unknown code, or no value for that KPI, unit and period.
    """
    _, row = _measurement(conn, kpi, unit, period)
    if row is None:
        raise NotFound(f"no value for {kpi} {unit} {period}")
    return {"kpi": kpi, "unit": unit, "period": period, "value": row["value"], "status": row["status"],
            "versions": approvals.versions(dict(row), _corrections_of(conn, row["id"]))}
