"""Standardised commentary (M7.5): what happened, why and what next, per KPI x unit x period.

A commentary is *required* when the value is red against its target or its point on the
XmR chart is a special cause of concern (:func:`required`). Approving such a value needs
a complete commentary first (:func:`gate`, called by
:func:`pmtui.services.measurements.decide` after the SPC chart has taken the new point,
inside the approval's transaction). The rules are pure: :mod:`pmtui.core.commentary`.

The setting ``commentary_required_from`` (a date, ``YYYY-MM-DD``) lets a company adopt
the rule at a point in time: approvals made before that date were made under the old
rules (an imported history of red values can still be approved before it). Unset or
unreadable means the rule always applies.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from pmtui.core import commentary as rules
from pmtui.core import periods, scoring
from pmtui.services import users
from pmtui.services.errors import NotFound, PermissionDenied, PmError
from pmtui.services.framework import get_setting, id_of
from pmtui.store import audit
from pmtui.store.audit import utc_text
from pmtui.store.db import atomic

#: The setting that dates the rule's adoption.
POLICY_SETTING = "commentary_required_from"

FIELDS = tuple(field for field, _ in rules.PARTS)


def _locate(conn: sqlite3.Connection, kpi: str, unit: str, period: str) -> tuple[int, int]:
    try:
        periods.parse(period)
    except ValueError as exc:
        raise PmError(str(exc)) from None
    return id_of(conn, "kpis", kpi, "KPI"), id_of(conn, "units", unit, "unit")


def _reason(conn: sqlite3.Connection, kpi_id: int, unit_id: int, period: str) -> tuple[str | None, dict]:
    """(why a commentary is required or None, the facts: value, target, status, special cause)."""
    row = conn.execute(
        """SELECT m.value, m.status AS workflow, k.direction, t.target, t.amber, t.target_high, t.amber_high,
                  r.special_cause
           FROM measurements m JOIN kpis k ON k.id = m.kpi_id
           LEFT JOIN targets t ON t.kpi_id = m.kpi_id AND t.unit_id = m.unit_id AND t.period = m.period
           LEFT JOIN spc_results r ON r.kpi_id = m.kpi_id AND r.unit_id = m.unit_id AND r.period = m.period
           WHERE m.kpi_id = ? AND m.unit_id = ? AND m.period = ?""", [kpi_id, unit_id, period]).fetchone()
    if row is None:
        return None, dict.fromkeys(("value", "target", "status", "special_cause", "workflow"))
    try:
        status = scoring.kpi_status(row["direction"], row["value"], row["target"], row["amber"],
                                    row["target_high"], row["amber_high"])
    except ValueError:  # inconsistent thresholds: no status, as the scorecard shows it
        status = None
    facts = {"value": row["value"], "target": row["target"], "status": status,
             "special_cause": row["special_cause"], "workflow": row["workflow"]}
    return rules.requirement(status, row["special_cause"]), facts


def required(conn: sqlite3.Connection, kpi: str, unit: str, period: str) -> str | None:
    """Why ``kpi`` at ``unit`` in ``period`` needs a commentary (None when it does not or has no value).

    The SPC verdict comes from the chart cache, which holds approved points: a submitted
    value's SPC concern is known once it is approved (the approval checks it then).
    """
    kpi_id, unit_id = _locate(conn, kpi, unit, period)
    return _reason(conn, kpi_id, unit_id, period)[0]


def latest_period(conn: sqlite3.Connection, kpi: str, unit: str) -> str | None:
    """The latest period with a value of ``kpi`` at ``unit`` (None when there is none)."""
    row = conn.execute("SELECT max(period) FROM measurements WHERE kpi_id = ? AND unit_id = ?",
                       [id_of(conn, "kpis", kpi, "KPI"), id_of(conn, "units", unit, "unit")]).fetchone()
    return row[0]


def _row(conn: sqlite3.Connection, kpi_id: int, unit_id: int, period: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM commentaries WHERE kpi_id = ? AND unit_id = ? AND period = ?",
                        [kpi_id, unit_id, period]).fetchone()


def get(conn: sqlite3.Connection, kpi: str, unit: str, period: str) -> dict:
    """The commentary (or empty parts), whether it is required and complete, and the rule findings."""
    kpi_id, unit_id = _locate(conn, kpi, unit, period)
    row = _row(conn, kpi_id, unit_id, period)
    reason, facts = _reason(conn, kpi_id, unit_id, period)
    parts = {f: (row[f] if row else "") for f in FIELDS}
    findings = rules.check(parts) if row else []
    return {"kpi": kpi, "unit": unit, "period": period, **parts,
            "written_by": row["written_by"] if row else None, "written_at": row["written_at"] if row else None,
            "exists": row is not None, "complete": row is not None and not findings,
            "required": reason is not None, "reason": reason, **facts,
            "problems": [str(f) for f in findings]}


def _require_writer(conn, actor: str, unit_id: int, unit: str, *, now: datetime, key: str) -> None:
    users.user_id_of(conn, actor)
    today = now.date()
    if any(users.has_permission(conn, actor, p, unit_id, today) for p in ("enter_data", "approve")):
        return
    reason = f"user {actor} lacks permission 'enter_data' or 'approve' for unit {unit}"
    audit.record_refusal(conn, actor=actor, now=now, action="commentary", entity="commentaries", key=key,
                         attempted={"unit": unit}, reason=reason)
    raise PermissionDenied(f"refused: {reason} (the attempt is recorded in the audit trail)")


def write(conn, kpi: str, unit: str, period: str, *, what_happened: str, why: str, what_next: str,
          actor: str, now: datetime) -> dict:
    """Write (or rewrite) the commentary on a value; audited.

    Raises:
        PmError: a part breaks a rule (the message names the three parts), unknown codes,
            no value yet, or the actor lacks ``enter_data`` and ``approve`` for the unit.
    """
    kpi_id, unit_id = _locate(conn, kpi, unit, period)
    parts = {"what_happened": (what_happened or "").strip(), "why": (why or "").strip(),
             "what_next": (what_next or "").strip()}
    findings = rules.check(parts)
    if findings:
        raise PmError(f"commentary on {kpi} {unit} {period} refused: {rules.summary(findings)}")
    key = f"{kpi}|{unit}|{period}"
    _require_writer(conn, actor, unit_id, unit, now=now, key=key)
    with atomic(conn):
        if conn.execute("SELECT 1 FROM measurements WHERE kpi_id = ? AND unit_id = ? AND period = ?",
                        [kpi_id, unit_id, period]).fetchone() is None:
            raise NotFound(f"no value for {kpi} {unit} {period} yet: enter the value first, then explain it")
        stamp = {"written_by": actor, "written_at": utc_text(now)}
        row = _row(conn, kpi_id, unit_id, period)
        if row is None:
            audit.insert(conn, "commentaries", {"kpi_id": kpi_id, "unit_id": unit_id, "period": period}
                         | parts | stamp, actor=actor, now=now, action="commentary.write")
        elif any(row[f] != parts[f] for f in FIELDS):
            audit.update(conn, "commentaries", row["id"], parts | stamp, actor=actor, now=now,
                         action="commentary.update")
    return get(conn, kpi, unit, period)


def missing(conn: sqlite3.Connection, unit: str, period: str) -> list[dict]:
    """Values of ``unit`` in ``period`` (submitted or approved) that need a commentary without a complete one."""
    unit_id = id_of(conn, "units", unit, "unit")
    try:
        periods.parse(period)
    except ValueError as exc:
        raise PmError(str(exc)) from None
    out = []
    for kpi_id, code, name in conn.execute(
            "SELECT k.id, k.code, k.name FROM measurements m JOIN kpis k ON k.id = m.kpi_id"
            " WHERE m.unit_id = ? AND m.period = ? AND m.status IN ('submitted', 'approved') ORDER BY k.code",
            [unit_id, period]).fetchall():
        reason, facts = _reason(conn, kpi_id, unit_id, period)
        if reason is None:
            continue
        row = _row(conn, kpi_id, unit_id, period)
        findings = rules.check({f: row[f] for f in FIELDS}) if row else None
        if row is None or findings:
            out.append({"kpi": code, "kpi_name": name, "unit": unit, "period": period, "reason": reason,
                        "value": facts["value"], "target": facts["target"], "workflow": facts["workflow"],
                        "commentary": "incomplete" if row else "none"})
    return out


def _policy_applies(conn: sqlite3.Connection, today: date) -> bool:
    text = (get_setting(conn, POLICY_SETTING) or "").strip()
    try:
        return not text or today >= date.fromisoformat(text)
    except ValueError:
        return True  # an unreadable adoption date must not switch the rule off


def gate(conn: sqlite3.Connection, kpi_id: int, unit_id: int, period: str, *, now: datetime) -> None:
    """Refuse approving a value that needs a commentary and lacks a complete one.

    Runs inside the approval's transaction, after the SPC chart has taken the new point,
    so that raising rolls the approval back.
    """
    if not _policy_applies(conn, now.date()):
        return
    reason, _ = _reason(conn, kpi_id, unit_id, period)
    if reason is None:
        return
    row = _row(conn, kpi_id, unit_id, period)
    findings = rules.check({f: row[f] for f in FIELDS}) if row else []
    if row is not None and not findings:
        return
    kpi, unit = (conn.execute(f"SELECT code FROM {t} WHERE id = ?", [i]).fetchone()[0]
                 for t, i in (("kpis", kpi_id), ("units", unit_id)))
    detail = rules.summary(findings) if findings else "there is none yet"
    raise PmError(f"{kpi} {unit} {period} is {reason}: approving it needs a complete commentary with"
                  f" 'what happened', 'why' and 'what next' ({detail}). Write it first: pmtui commentary write"
                  f" --kpi {kpi} --unit {unit} --period {period} --what-happened ... --why ... --what-next ...,"
                  " or key 7 in the TUI")
