"""Approving (or rejecting) every submitted value that matches a filter, in one transaction.

Each value goes through :func:`pmtui.services.measurements.decide`, so every rule of a
single approval holds: four-eyes, the commentary gate for red and SPC-concern values,
calculated KPIs and SPC charts following in the same transaction, one audit entry per
value. Each value runs in its own savepoint (:func:`pmtui.store.db.atomic` nests), so a
value that a rule refuses is rolled back and listed while the others go on.

Filters: ``unit`` means exactly that unit (not the units below it: approving a region's
queue is a separate, deliberate step per unit), ``kpi`` and ``period`` likewise exact.
The actor's own entries and submissions are skipped and listed (four-eyes), never
refused one by one; units where the actor lacks ``approve`` are skipped too, with one
audited refusal per unit.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from pmtui.core import periods
from pmtui.services import measurements, users
from pmtui.services.errors import PermissionDenied, PmError
from pmtui.services.framework import id_of
from pmtui.store.db import atomic


def _submitted(conn: sqlite3.Connection, unit: str | None, kpi: str | None, period: str | None) -> list[sqlite3.Row]:
    where, params = ["m.status = 'submitted'"], []
    if unit:
        where.append("m.unit_id = ?")
        params.append(id_of(conn, "units", unit, "unit"))
    if kpi:
        where.append("m.kpi_id = ?")
        params.append(id_of(conn, "kpis", kpi, "KPI"))
    if period:
        where.append("m.period = ?")
        params.append(period)
    return conn.execute(
        f"""SELECT k.code AS kpi, u.code AS unit, m.unit_id, m.period, m.entered_by, m.submitted_by
            FROM measurements m JOIN kpis k ON k.id = m.kpi_id JOIN units u ON u.id = m.unit_id
            WHERE {' AND '.join(where)} ORDER BY k.code, u.code, m.period""", params).fetchall()


def decide_all(conn, *, approve: bool, reason: str | None = None, unit: str | None = None, kpi: str | None = None,
               period: str | None = None, actor: str, now: datetime) -> dict:
    """Approve (or reject, ``reason`` required) every submitted value matching the filters.

    Returns:
        ``{"approved"|"rejected": n, "skipped_own": [{kpi, unit, period}],
        "skipped": [{kpi, unit, period, reason}]}``.

    Raises:
        PmError: no reason for a rejection, a bad period, an unknown code or acting user
            (nothing is written).
    """
    if not approve and not (reason or "").strip():
        raise PmError("a rejection needs a reason (--reason)")
    if period:
        try:
            periods.parse(period)
        except ValueError as exc:
            raise PmError(str(exc)) from None
    users.user_id_of(conn, actor)
    rows = _submitted(conn, unit, kpi, period)
    today = now.date()
    theirs = [r for r in rows if actor not in (r["entered_by"], r["submitted_by"])]
    codes = {r["unit_id"]: r["unit"] for r in theirs}
    allowed = {u: users.has_permission(conn, actor, "approve", u, today) for u in codes}
    done, own, skipped = 0, [], []
    with atomic(conn):
        for unit_id in sorted(u for u, ok in allowed.items() if not ok):
            try:  # audits the refusal, inside this transaction
                users.require(conn, actor, "approve", unit_id, now=now, entity="measurements",
                              key=f"{kpi or '*'}|{codes[unit_id]}|{period or '*'}",
                              attempted={"all": "approved" if approve else "rejected"})
            except PermissionDenied:
                pass
        for r in rows:
            where = {"kpi": r["kpi"], "unit": r["unit"], "period": r["period"]}
            if actor in (r["entered_by"], r["submitted_by"]):
                own.append(where)
                continue
            if not allowed[r["unit_id"]]:
                skipped.append(where | {"reason": f"{actor} lacks permission 'approve' for {r['unit']}"})
                continue
            try:
                with atomic(conn):
                    measurements.decide(conn, r["kpi"], r["unit"], r["period"], approve=approve, reason=reason,
                                        actor=actor, now=now)
            except PmError as exc:
                skipped.append(where | {"reason": str(exc)})
                continue
            done += 1
    return {"approved" if approve else "rejected": done, "skipped_own": own, "skipped": skipped}
