"""Revise-or-hold decisions on targets after a shift (capability M5.3).

:func:`evidence` lays out what the XmR chart says about the latest run of approved
values up to a period (sustained or not, since when, the levels before and after, the
target; see :mod:`pmtui.core.shift_evidence`). :func:`decide` records the user's
judgement of the shift's origin (external, internal, none), the decision and its
rationale together with the evidence as it stood. Choosing *revise* files a target
revision through the normal approval path (:mod:`pmtui.services.target_revisions`):
it is ``submitted`` and someone else approves it, four eyes.

Deciding needs ``edit_targets`` for the unit to revise, and ``approve`` or
``edit_targets`` to hold.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from pmtui.core import canonical, periods, shift_evidence
from pmtui.core.spc_status import IMPROVEMENT
from pmtui.services import spc, target_revisions, users
from pmtui.services.action_support import clean_text, unit_id
from pmtui.services.errors import NotFound, PmError
from pmtui.store import audit
from pmtui.store.audit import utc_text
from pmtui.store.db import atomic

#: Latest points of the series returned with the evidence (for a small chart).
SERIES_POINTS = 24

SELECT = """
SELECT d.id, k.code AS kpi, u.code AS unit, d.period, d.agenda_item_id, d.shift_origin AS origin, d.decision,
       d.rationale, d.revision_id, r.status AS revision_status, d.decided_by, d.decided_at, d.evidence
FROM target_decisions d JOIN kpis k ON k.id = d.kpi_id JOIN units u ON u.id = d.unit_id
LEFT JOIN target_revisions r ON r.id = d.revision_id
"""


def evidence(conn: sqlite3.Connection, kpi: str, unit: str, period: str) -> dict:
    """The shift evidence for ``kpi`` at ``unit`` from approved values up to ``period``.

    Returns:
        The :class:`~pmtui.core.shift_evidence.ShiftEvidence` fields plus the KPI and
        unit, the target and amber at the period, the chart's current verdict on the
        latest point (with the stored settings), the latest points as ``series``, and
        ``recommendations``: per origin, the decision the evidence suggests and why.
    """
    try:
        periods.parse(period)
    except ValueError as exc:
        raise PmError(str(exc)) from None
    k = conn.execute("SELECT id, code, name, uom, decimals, direction FROM kpis WHERE code = ?", [kpi]).fetchone()
    if k is None:
        raise NotFound(f"unknown KPI {kpi!r}")
    uid = unit_id(conn, unit)
    rows = conn.execute("SELECT period, value FROM measurements WHERE kpi_id = ? AND unit_id = ? AND period <= ?"
                        " AND status = 'approved' ORDER BY period", [k["id"], uid, period]).fetchall()
    settings = spc.settings_of(conn, k["id"], uid)
    target = conn.execute("SELECT target, amber FROM targets WHERE kpi_id = ? AND unit_id = ? AND period = ?",
                          [k["id"], uid, period]).fetchone()
    result = shift_evidence.assess(
        [r[0] for r in rows], [r[1] for r in rows], improvement=IMPROVEMENT[k["direction"]],
        shift_length=settings["shift_length"], trend_length=settings["trend_length"],
        screen_outliers=bool(settings["screen_outliers"]), baseline_points=settings["baseline_points"],
        target=target["target"] if target else None, rebased_at=spc.parse_rebase(settings["rebase_periods"]))
    chart = conn.execute("SELECT special_cause, rule FROM spc_results WHERE kpi_id = ? AND unit_id = ?"
                         " AND period = ?", [k["id"], uid, result.last_period]).fetchone()
    return {"kpi": k["code"], "kpi_name": k["name"], "uom": k["uom"], "decimals": k["decimals"],
            "direction": k["direction"], "unit": unit, "period": period,
            "amber": target["amber"] if target else None, **result.to_dict(),
            "chart_now": dict(chart) if chart else None,
            "series": [[r[0], r[1]] for r in rows[-SERIES_POINTS:]],
            "recommendations": {o: dict(zip(("decision", "why"), shift_evidence.recommend(result, o)))
                                for o in shift_evidence.ORIGINS}}


def _row(row: sqlite3.Row) -> dict:
    return dict(row) | {"evidence": json.loads(row["evidence"])}


def get(conn: sqlite3.Connection, decision_id: int) -> dict:
    """One recorded decision with its evidence."""
    row = conn.execute(SELECT + " WHERE d.id = ?", [decision_id]).fetchone()
    if row is None:
        raise NotFound(f"no revise-or-hold decision {decision_id}")
    return _row(row)


def decide(conn, kpi: str, unit: str, period: str, *, decision: str, origin: str, rationale: str,
           target: float | None = None, amber: float | None = None, agenda_item_id: int | None = None,
           actor: str, now: datetime) -> dict:
    """Record a revise-or-hold decision with its evidence; *revise* files a target revision.

    Raises:
        PmError: an invalid decision (see :func:`pmtui.core.shift_evidence.check_decision`),
            no target to revise or one already pending, unknown codes, or missing permission.
    """
    try:
        shift_evidence.check_decision(decision, origin, rationale, target)
    except ValueError as exc:
        raise PmError(str(exc)) from None
    rationale = clean_text(rationale, "rationale", required=True)
    facts = evidence(conn, kpi, unit, period)
    uid = unit_id(conn, unit)
    key, attempted = f"{kpi}|{unit}|{period}", {"decision": decision, "origin": origin, "target": target}
    # Checked before the transaction: a refusal is audited in its own transaction, which an
    # enclosing rollback would undo.
    if decision == "revise" or not users.has_permission(conn, actor, "edit_targets", uid, now.date()):
        users.require(conn, actor, "edit_targets" if decision == "revise" else "approve", uid, now=now,
                      entity="target_decisions", key=key, attempted=attempted)
    if agenda_item_id is not None and not conn.execute("SELECT 1 FROM agenda_items WHERE id = ?",
                                                       [agenda_item_id]).fetchone():
        raise NotFound(f"no agenda item {agenda_item_id}")
    with atomic(conn):
        revision_id = None
        if decision == "revise":
            revision_id = target_revisions.request(conn, kpi, unit, period, target, amber,
                                                   reason=f"revise-or-hold: {rationale}", actor=actor, now=now)["id"]
        decision_id = audit.insert(conn, "target_decisions", {
            "kpi_id": conn.execute("SELECT id FROM kpis WHERE code = ?", [kpi]).fetchone()[0], "unit_id": uid,
            "period": period, "agenda_item_id": agenda_item_id, "evidence": canonical.dumps(facts),
            "shift_origin": origin, "decision": decision, "rationale": rationale, "revision_id": revision_id,
            "decided_by": actor, "decided_at": utc_text(now)}, actor=actor, now=now,
            action=f"target_decision.{decision}", reason=rationale)
    return get(conn, decision_id)


def decisions(conn: sqlite3.Connection, *, kpi: str | None = None, unit: str | None = None, limit: int = 50,
              offset: int = 0) -> list[dict]:
    """Recorded decisions, newest first."""
    where, params = [], []
    for column, value in (("k.code", kpi), ("u.code", unit)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    sql = SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY d.decided_at DESC, d.id DESC"
    return [_row(r) for r in conn.execute(sql + " LIMIT ? OFFSET ?", [*params, limit, offset])]
