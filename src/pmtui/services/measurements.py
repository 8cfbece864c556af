"""Entering, submitting, approving and rejecting measurement values.

Workflow: draft -> submitted -> approved | rejected (a rejected value can be re-entered
and submitted again). Four-eyes: nobody approves or rejects a value they entered or
submitted; the database enforces the same rule with a trigger.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from pmtui.core import periods, validation
from pmtui.services import users
from pmtui.services.errors import NotFound, PmError
from pmtui.services.framework import id_of
from pmtui.store import audit
from pmtui.store.audit import utc_text
from pmtui.store.db import atomic


def _locate(conn: sqlite3.Connection, kpi: str, unit: str, period: str) -> tuple[int, int]:
    periods.parse(period)
    return id_of(conn, "kpis", kpi, "KPI"), id_of(conn, "units", unit, "unit")


def _current(conn, kpi_id: int, unit_id: int, period: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM measurements WHERE kpi_id = ? AND unit_id = ? AND period = ?",
                        [kpi_id, unit_id, period]).fetchone()


def enter_value(conn, kpi: str, unit: str, period: str, value: str | float, comment: str | None = None, *,
                submit: bool = False, actor: str, now: datetime) -> dict:
    """Enter (or correct) a value as a draft, or submitted for approval when ``submit``.

    The checks are the CSV import's: a finite number inside the range the KPI's unit of
    measure declares (:func:`pmtui.core.validation.check_range`: a KPI in % holds 0 to 100),
    for the current period or an earlier one (:func:`pmtui.core.validation.period_problem`).

    Raises:
        PmError: bad value, period or comment, unknown code, or the value is already
            approved (approved values are never edited in place).
    """
    try:
        number = validation.parse_value(value) if isinstance(value, str) else validation.parse_value(str(value))
        text = validation.check_text(comment, field="comment") if comment else None
        kpi_id, unit_id = _locate(conn, kpi, unit, period)
        future = validation.period_problem(period, periods.of_date(now.date()))
        if future:
            raise ValueError(future)
        uom, low, high = conn.execute("SELECT uom, min_value, max_value FROM kpis WHERE id = ?", [kpi_id]).fetchone()
        validation.check_range(number, kpi=kpi, uom=uom, low=low, high=high)
    except ValueError as exc:
        raise PmError(str(exc)) from None
    users.require(conn, actor, "enter_data", unit_id, now=now, entity="measurements",
                  key=f"{kpi}|{unit}|{period}", attempted={"value": number})
    locked = _current(conn, kpi_id, unit_id, period)
    if locked is not None and locked["status"] == "approved":  # checked before the write: the refusal stays audited
        audit.record_refusal(conn, actor=actor, now=now, action="enter_data", entity="measurements", key=locked["id"],
                             attempted={"value": number}, reason="approved values are never edited in place")
        raise PmError(f"{kpi} {unit} {period} is approved ({locked['value']:g}); approved values are locked:"
                      " propose a correction ('pmtui correct'), which goes through approval")
    status = "submitted" if submit else "draft"
    stamp = utc_text(now)
    with atomic(conn):
        row = _current(conn, kpi_id, unit_id, period)
        changes = {"value": number, "comment": text, "status": status, "entered_by": actor, "entered_at": stamp,
                   "submitted_by": actor if submit else None, "submitted_at": stamp if submit else None,
                   "decided_by": None, "decided_at": None, "reason": None}
        if row is None:
            key = audit.insert(conn, "measurements", changes | {"kpi_id": kpi_id, "unit_id": unit_id,
                                                               "period": period},
                               actor=actor, now=now, action=f"measurement.{status}")
            return audit.fetch_row(conn, "measurements", key)
        if row["status"] == "approved":  # approved meanwhile by another session
            raise PmError(f"{kpi} {unit} {period} was approved meanwhile: propose a correction ('pmtui correct')")
        return audit.update(conn, "measurements", row["id"], changes, actor=actor, now=now,
                            action=f"measurement.{status}")


def current_value(conn: sqlite3.Connection, kpi: str, unit: str, period: str) -> dict | None:
    """The value stored for ``kpi`` at ``unit`` in ``period`` (any status), or None.

    Returns:
        ``{"value", "status", "comment", "entered_by", "entered_at"}``.

    Raises:
        PmError: malformed period or unknown code.
    """
    try:
        kpi_id, unit_id = _locate(conn, kpi, unit, period)
    except ValueError as exc:
        raise PmError(str(exc)) from None
    row = _current(conn, kpi_id, unit_id, period)
    return None if row is None else {k: row[k] for k in ("value", "status", "comment", "entered_by", "entered_at")}


def submit(conn, kpi: str, unit: str, period: str, *, actor: str, now: datetime) -> dict:
    """Move a draft to submitted."""
    kpi_id, unit_id = _locate(conn, kpi, unit, period)
    users.require(conn, actor, "enter_data", unit_id, now=now, entity="measurements",
                  key=f"{kpi}|{unit}|{period}", attempted={"status": "submitted"})
    with atomic(conn):
        row = _current(conn, kpi_id, unit_id, period)
        if row is None or row["status"] != "draft":
            raise PmError(f"{kpi} {unit} {period}: only a draft can be submitted (now {row['status'] if row else 'none'})")
        return audit.update(conn, "measurements", row["id"], {"status": "submitted", "submitted_by": actor,
                            "submitted_at": utc_text(now)}, actor=actor, now=now, action="measurement.submit")


def decide(conn, kpi: str, unit: str, period: str, *, approve: bool, reason: str | None = None,
           actor: str, now: datetime) -> dict:
    """Approve or reject a submitted value (four-eyes: not your own entry or submission)."""
    kpi_id, unit_id = _locate(conn, kpi, unit, period)
    key = f"{kpi}|{unit}|{period}"
    if not approve and not (reason or "").strip():
        raise PmError("a rejection needs a reason (--reason)")
    users.require(conn, actor, "approve", unit_id, now=now, entity="measurements", key=key,
                  attempted={"status": "approved" if approve else "rejected"})
    row = _current(conn, kpi_id, unit_id, period)
    if row is None:
        raise NotFound(f"no value for {key}")
    if row["status"] != "submitted":
        raise PmError(f"{key} is {row['status']}; only submitted values can be approved or rejected")
    if actor in (row["submitted_by"], row["entered_by"]):
        rule = "four-eyes rule: nobody approves or rejects a value they entered or submitted"
        audit.record_refusal(conn, actor=actor, now=now, action="approve", entity="measurements", key=row["id"],
                             attempted={"status": "approved" if approve else "rejected"}, reason=rule)
        raise PmError(f"refused by the {rule} ({key} was submitted by {row['submitted_by']})")
    status = "approved" if approve else "rejected"
    with atomic(conn):
        decided = audit.update(conn, "measurements", row["id"], {"status": status, "decided_by": actor,
                               "decided_at": utc_text(now), "reason": reason}, actor=actor, now=now,
                               action=f"measurement.{status[:-1] if approve else 'reject'}", reason=reason)
        if approve:  # calculated KPIs and SPC charts follow, in the same transaction
            from pmtui.services import commentary, derived  # noqa: PLC0415 - derived imports services that import this one

            derived.value_approved(conn, kpi_id, unit_id, period, now=now)
            commentary.gate(conn, kpi_id, unit_id, period, now=now)  # red or SPC concern: commentary first (M7.5)
        return decided


def queue(conn: sqlite3.Connection, status: str = "submitted", limit: int = 500, offset: int = 0) -> list[dict]:
    """Measurements in a status (the approval queue), oldest submission first."""
    rows = conn.execute(
        """SELECT k.code AS kpi, u.code AS unit, m.period, m.value, m.status, m.comment,
                  m.entered_by, m.submitted_by, m.submitted_at, m.decided_by, m.reason
           FROM measurements m JOIN kpis k ON k.id = m.kpi_id JOIN units u ON u.id = m.unit_id
           WHERE m.status = ? ORDER BY m.submitted_at, m.id LIMIT ? OFFSET ?""",
        [status, limit, offset])
    return [dict(r) for r in rows]
