"""The dispute register (M3.5): disputes on metric ownership and attribution, raised,
heard and decided by a cross-functional committee.

* **raise**: any user with ``view`` (for any unit: disputes cross units). An *ownership*
  dispute proposes a new owner role for the KPI; an *attribution* dispute names the
  unit the KPI's result should be attributed to and the role that should answer for it.
* **hear**: a member of the dispute's committee records the hearing notes.
* **decide**: a member of the committee other than the raiser (the database refuses it
  too) records the outcome, ``upheld`` or ``rejected``, with the decision text.

An upheld decision is applied in the same audited transaction as the decision:

* ownership: ``kpis.owner_role_id`` becomes the proposed role (M3.1: ownership is held
  by roles, so it survives personnel changes);
* attribution: in the RACI matrix (M7.1) the proposed role becomes the one accountable
  (``A``) for the KPI's ``report`` activity, and any other role that was accountable
  for it becomes responsible (``R``); the dispute keeps the unit the result is
  attributed to, so the register answers "whose result is this" per KPI.

``applied`` records in words what changed; the audit trail holds the old and new rows.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from pmtui.core import validation
from pmtui.services import committees, users
from pmtui.services.errors import NotFound, PermissionDenied, PmError
from pmtui.services.framework import id_of
from pmtui.store import audit
from pmtui.store.audit import utc_text
from pmtui.store.db import atomic

KINDS = ("ownership", "attribution")
OUTCOMES = ("upheld", "rejected")
STATUSES = ("raised", "heard", "decided", "withdrawn")

#: Shortest claim, hearing note or decision text (characters).
MIN_TEXT = 10


def _text(text: str, field: str) -> str:
    text = (text or "").strip()
    if len(text) < MIN_TEXT:
        raise PmError(f"{field} must say what is at stake in at least {MIN_TEXT} characters (--{field.replace('_', '-')})")
    try:
        return validation.check_text(text, field=field)
    except ValueError as exc:
        raise PmError(str(exc)) from None


def _next_code(conn: sqlite3.Connection) -> str:
    last = conn.execute("SELECT max(id) FROM disputes").fetchone()[0] or 0
    return f"DSP-{last + 1:03d}"


def _require_view(conn, actor: str, *, now: datetime, key: str, attempted: dict) -> None:
    """Anyone who may view some part of the framework may raise a dispute (disputes cross units)."""
    if any("view" in r["permissions"] for r in users.current_roles(conn, actor, now.date())):
        return
    users.require(conn, actor, "view", None, now=now, entity="disputes", key=key, attempted=attempted)


def raise_dispute(conn, *, kind: str, kpi: str, claim: str, committee: str, unit: str | None = None,
                  proposed_role: str | None = None, actor: str, now: datetime) -> dict:
    """Raise a dispute before a committee; returns it (with its new code, e.g. ``DSP-004``).

    Raises:
        PmError: unknown kind, codes or committee, an inactive committee, a missing
            proposed role (ownership, attribution) or unit (attribution), a proposed owner
            that already owns the KPI, a short or unsafe claim, or no ``view`` permission.
    """
    if kind not in KINDS:
        raise PmError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    claim = _text(claim, "claim")
    if not proposed_role:
        raise PmError(f"an {kind} dispute names the role it proposes (--proposed-role)")
    if kind == "attribution" and not unit:
        raise PmError("an attribution dispute names the unit the result should be attributed to (--unit)")
    kpi_row = conn.execute("SELECT id, owner_role_id FROM kpis WHERE code = ?", [kpi]).fetchone()
    if kpi_row is None:
        raise NotFound(f"unknown KPI {kpi!r}")
    unit_id = id_of(conn, "units", unit, "unit") if unit else None
    role_id = id_of(conn, "roles", proposed_role, "role")
    board = committees.committee_row(conn, committee)
    if not board["active"]:
        raise PmError(f"committee {committee} is inactive and takes no new disputes")
    if kind == "ownership" and kpi_row["owner_role_id"] == role_id:
        raise PmError(f"{proposed_role} already owns {kpi}: there is nothing to dispute")
    _require_view(conn, actor, now=now, key=kpi,
                  attempted={"kind": kind, "kpi": kpi, "unit": unit, "claim": claim})
    with atomic(conn):
        code = _next_code(conn)
        audit.insert(conn, "disputes", {
            "code": code, "kind": kind, "kpi_id": kpi_row["id"], "unit_id": unit_id, "claim": claim,
            "proposed_role_id": role_id, "committee_id": board["id"], "status": "raised",
            "raised_by": actor, "raised_at": utc_text(now)}, actor=actor, now=now, action="dispute.raise",
            reason=claim)
    return get(conn, code)


def _open(conn, code: str, status: str, actor: str, *, now: datetime, verb: str) -> sqlite3.Row:
    """The dispute, checked to be in ``status`` and ``actor`` a member of its committee."""
    row = conn.execute("SELECT * FROM disputes WHERE code = ?", [code]).fetchone()
    if row is None:
        raise NotFound(f"unknown dispute {code!r} (see 'pmtui disputes list')")
    if row["status"] != status:
        raise PmError(f"dispute {code} is {row['status']}; only a {status} dispute can be {verb}")
    users.user_id_of(conn, actor)
    if not committees.is_member(conn, row["committee_id"], actor):
        reason = f"user {actor} does not sit on the committee that hears dispute {code}"
        audit.record_refusal(conn, actor=actor, now=now, action=f"dispute.{verb}", entity="disputes",
                             key=row["id"], attempted={"code": code}, reason=reason)
        raise PermissionDenied(f"refused: {reason} (the attempt is recorded in the audit trail)")
    return row


def hear(conn, code: str, notes: str, *, actor: str, now: datetime) -> dict:
    """Record the hearing of a raised dispute (a committee member)."""
    notes = _text(notes, "notes")
    row = _open(conn, code, "raised", actor, now=now, verb="heard")
    with atomic(conn):
        audit.update(conn, "disputes", row["id"], {"status": "heard", "heard_by": actor, "heard_at": utc_text(now),
                                                   "hearing_notes": notes}, actor=actor, now=now,
                     action="dispute.hear")
    return get(conn, code)


def _role_code(conn, role_id: int | None) -> str:
    row = conn.execute("SELECT code FROM roles WHERE id = ?", [role_id]).fetchone() if role_id else None
    return row[0] if row else "(none)"


def _apply_ownership(conn, row: sqlite3.Row, *, actor: str, now: datetime, reason: str) -> str:
    current = conn.execute("SELECT owner_role_id FROM kpis WHERE id = ?", [row["kpi_id"]]).fetchone()[0]
    new = _role_code(conn, row["proposed_role_id"])
    if current == row["proposed_role_id"]:
        return f"owner role was already {new}"
    audit.update(conn, "kpis", row["kpi_id"], {"owner_role_id": row["proposed_role_id"]}, actor=actor, now=now,
                 action="kpi.owner_role", reason=reason)
    return f"owner role {_role_code(conn, current)} -> {new}"


def _apply_attribution(conn, row: sqlite3.Row, *, actor: str, now: datetime, reason: str) -> str:
    role_id = row["proposed_role_id"]
    changes = []
    for other in conn.execute("SELECT id, role_id FROM raci WHERE kpi_id = ? AND activity = 'report'"
                              " AND letter = 'A' AND role_id != ?", [row["kpi_id"], role_id]).fetchall():
        audit.update(conn, "raci", other["id"], {"letter": "R"}, actor=actor, now=now, action="raci.set",
                     reason=reason)
        changes.append(f"{_role_code(conn, other['role_id'])} A -> R")
    mine = conn.execute("SELECT id, letter FROM raci WHERE kpi_id = ? AND activity = 'report' AND role_id = ?",
                        [row["kpi_id"], role_id]).fetchone()
    code = _role_code(conn, role_id)
    if mine is None:
        audit.insert(conn, "raci", {"kpi_id": row["kpi_id"], "activity": "report", "role_id": role_id, "letter": "A"},
                     actor=actor, now=now, action="raci.set", reason=reason)
        changes.append(f"{code} -> A")
    elif mine["letter"] != "A":
        audit.update(conn, "raci", mine["id"], {"letter": "A"}, actor=actor, now=now, action="raci.set", reason=reason)
        changes.append(f"{code} {mine['letter']} -> A")
    unit = conn.execute("SELECT code FROM units WHERE id = ?", [row["unit_id"]]).fetchone()[0]
    return f"result attributed to {unit}; RACI report: " + (", ".join(changes) or f"{code} was already A")


def decide(conn, code: str, outcome: str, decision: str, *, actor: str, now: datetime) -> dict:
    """Decide a heard dispute (a committee member other than the raiser); apply it when upheld.

    Raises:
        PmError: unknown outcome or dispute, not yet heard, short decision text,
            the actor is the raiser or not a member of the committee.
    """
    if outcome not in OUTCOMES:
        raise PmError(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
    decision = _text(decision, "decision")
    row = _open(conn, code, "heard", actor, now=now, verb="decided")
    if actor == row["raised_by"]:
        rule = "the person who raised a dispute cannot decide it"
        audit.record_refusal(conn, actor=actor, now=now, action="dispute.decided", entity="disputes", key=row["id"],
                             attempted={"outcome": outcome}, reason=rule)
        raise PermissionDenied(f"refused: {rule} ({code} was raised by {actor}; another member decides)")
    reason = f"dispute {code} upheld: {decision}"
    with atomic(conn):
        applied = None
        if outcome == "upheld":
            apply = _apply_ownership if row["kind"] == "ownership" else _apply_attribution
            applied = apply(conn, row, actor=actor, now=now, reason=reason)
        audit.update(conn, "disputes", row["id"], {"status": "decided", "outcome": outcome, "decision": decision,
                                                   "decided_by": actor, "decided_at": utc_text(now),
                                                   "applied": applied},
                     actor=actor, now=now, action=f"dispute.{outcome}", reason=decision)
    return get(conn, code)


_SELECT = """
SELECT d.id, d.code, d.kind, k.code AS kpi, k.name AS kpi_name, u.code AS unit, r.code AS proposed_role,
       o.code AS owner_role, c.code AS committee, d.claim, d.status, d.raised_by, d.raised_at, d.heard_by,
       d.heard_at, d.hearing_notes, d.outcome, d.decision, d.decided_by, d.decided_at, d.applied
FROM disputes d JOIN kpis k ON k.id = d.kpi_id LEFT JOIN units u ON u.id = d.unit_id
LEFT JOIN roles r ON r.id = d.proposed_role_id LEFT JOIN roles o ON o.id = k.owner_role_id
LEFT JOIN committees c ON c.id = d.committee_id
"""


def get(conn: sqlite3.Connection, code: str) -> dict:
    """One dispute, with codes instead of ids and the KPI's current owner role."""
    row = conn.execute(_SELECT + " WHERE d.code = ?", [code]).fetchone()
    if row is None:
        raise NotFound(f"unknown dispute {code!r} (see 'pmtui disputes list')")
    return dict(row)


def list_disputes(conn: sqlite3.Connection, *, status: str | None = None, committee: str | None = None,
                  limit: int = 200, offset: int = 0) -> list[dict]:
    """Disputes, open ones first (raised, heard), then the latest decided."""
    if status and status not in STATUSES:
        raise PmError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    where, params = [], []
    if status:
        where.append("d.status = ?")
        params.append(status)
    if committee:
        where.append("c.code = ?")
        params.append(committee)
    sql = (_SELECT + (" WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY d.status IN ('decided', 'withdrawn'), coalesce(d.decided_at, d.heard_at, d.raised_at) DESC,"
             " d.id DESC LIMIT ? OFFSET ?")
    return [dict(r) for r in conn.execute(sql, [*params, limit, offset])]


def story(row: dict) -> list[str]:
    """A dispute as lines of text: the claim, the hearing, the decision and what it changed."""
    lines = [f"Claim ({row['raised_by']}, {row['raised_at'][:10]}): {row['claim']}"]
    if row["hearing_notes"]:
        lines.append(f"Heard ({row['heard_by']}, {row['heard_at'][:10]}): {row['hearing_notes']}")
    if row["decision"]:
        lines.append(f"Decided {row['outcome']} ({row['decided_by']}, {row['decided_at'][:10]}): {row['decision']}")
    if row["applied"]:
        lines.append(f"Applied: {row['applied']}")
    return lines


def count(conn: sqlite3.Connection, *, status: str | None = None) -> int:
    """How many disputes (in ``status``) the register holds, for paging."""
    if status:
        return conn.execute("SELECT count(*) FROM disputes WHERE status = ?", [status]).fetchone()[0]
    return conn.execute("SELECT count(*) FROM disputes").fetchone()[0]
