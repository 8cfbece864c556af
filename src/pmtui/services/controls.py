"""Quarterly control assessments (M7.3): run the controls, record findings, sign off.

``run`` checks data integrity and access (see :mod:`pmtui.services.control_checks` and
:mod:`pmtui.services.access_checks`) and records a new assessment with its findings in
one audited transaction. Running a quarter again makes a new assessment: earlier ones
stay as history, and a signed-off one is final (triggers refuse any change to it or
its findings). Sign-off needs ``approve`` group-wide or ``administer`` and must come
from someone other than whoever ran it (four eyes: checked here, audited when refused,
and enforced by a trigger).

Running an assessment reads the whole file, so it needs ``view`` group-wide.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from pmtui.core import controls as rules
from pmtui.core.controls import Finding, Outcome
from pmtui.core.validation import check_text
from pmtui.services import users
from pmtui.services.access_checks import ACCESS
from pmtui.services.control_checks import INTEGRITY, Context
from pmtui.services.errors import NotFound, PermissionDenied, PmError
from pmtui.store import audit
from pmtui.store.db import atomic

#: Permissions that allow a sign-off (group-wide).
SIGN_OFF_PERMISSIONS = ("approve", "administer")


def quarter_of(text: str) -> rules.Quarter:
    """Parse a quarter code, as a user error when malformed."""
    try:
        return rules.parse_quarter(text)
    except ValueError as exc:
        raise PmError(str(exc)) from None


def evaluate(conn: sqlite3.Connection, quarter: str, *, now: datetime,
             verify_trail: bool = True) -> tuple[list[Outcome], list[Finding]]:
    """Run every control for ``quarter`` without recording anything (pure reads)."""
    q = quarter_of(quarter)
    if q.start > now.date():
        raise PmError(f"{q.code} has not started yet (it starts on {q.start}); assess a quarter up to the current one")
    ctx = Context(q, rules.as_of(q, now.date()), now, verify_trail)
    outcomes, findings = [], []
    for check in INTEGRITY + ACCESS:
        outcome, found = check(conn, ctx)
        outcome.findings = len(found)
        outcomes.append(outcome)
        findings += found
    return outcomes, rules.sort_findings(findings)


def run(conn, quarter: str, *, actor: str, now: datetime, verify_trail: bool = True) -> dict:
    """Run the controls for ``quarter`` and record a new, open assessment; returns it (see :func:`show`).

    Raises:
        PmError: malformed or future quarter; PermissionDenied without group-wide ``view``.
    """
    q = quarter_of(quarter)
    users.require(conn, actor, "view", None, now=now, entity="control_assessments", key=q.code,
                  attempted={"run": q.code})
    seq, head = audit.head(conn)
    outcomes, findings = evaluate(conn, q.code, now=now, verify_trail=verify_trail)
    counts = rules.count_by_severity(f.severity for f in findings)
    summary = f"{len(outcomes)} controls run; {rules.summary_text(counts)}"
    with atomic(conn):
        kpis = {r[1]: r[0] for r in conn.execute("SELECT id, code FROM kpis")}
        units = {r[1]: r[0] for r in conn.execute("SELECT id, code FROM units")}
        key = audit.insert(conn, "control_assessments", {
            "quarter": q.code, "run_by": actor, "run_at": audit.utc_text(now), "status": "open", "summary": summary,
            "results": json.dumps([o.to_dict() for o in outcomes]), "audit_seq": seq, "audit_head": head,
        }, actor=actor, now=now, action="control.run", reason=f"quarterly control assessment {q.code}")
        for f in findings:
            audit.insert(conn, "control_findings", {
                "assessment_id": key, "control": f.control, "area": f.area, "severity": f.severity,
                "element": f.element, "detail": f.detail, "unit_id": units.get(f.unit), "kpi_id": kpis.get(f.kpi),
                "entry_seq": f.seq}, actor=actor, now=now, action="control.finding")
    return show(conn, key)


def sign_off(conn, assessment_id: int, note: str, *, actor: str, now: datetime) -> dict:
    """Sign off an open assessment with a note.

    Raises:
        PmError: empty or unsafe note, unknown or already signed-off assessment, the actor
            ran it (four eyes, audited), or lacks group-wide ``approve``/``administer`` (audited).
    """
    try:
        note = check_text((note or "").strip(), field="note")
    except ValueError as exc:
        raise PmError(str(exc)) from None
    if not note:
        raise PmError("a sign-off needs a note (--note): what was reviewed and what follows")
    row = _row(conn, assessment_id)
    users.user_id_of(conn, actor)
    attempted = {"status": "signed_off", "sign_off_note": note}
    if not any(users.has_permission(conn, actor, p, None, now.date()) for p in SIGN_OFF_PERMISSIONS):
        reason = f"user {actor} lacks permission 'approve' group-wide or 'administer' needed to sign off"
        audit.record_refusal(conn, actor=actor, now=now, action="sign_off", entity="control_assessments",
                             key=assessment_id, attempted=attempted, reason=reason)
        raise PermissionDenied(f"refused: {reason} (the attempt is recorded in the audit trail)")
    if row["status"] == "signed_off":
        raise PmError(f"assessment {assessment_id} ({row['quarter']}) was already signed off by"
                      f" {row['signed_off_by']} on {row['signed_off_at'][:10]}; it is final."
                      f" Run 'pmtui controls run --quarter {row['quarter']}' for a new assessment")
    if actor == row["run_by"]:
        rule = "four-eyes rule: an assessment cannot be signed off by the person who ran it"
        audit.record_refusal(conn, actor=actor, now=now, action="sign_off", entity="control_assessments",
                             key=assessment_id, attempted=attempted, reason=rule)
        raise PmError(f"refused by the {rule} (assessment {assessment_id} was run by {row['run_by']}; the attempt"
                      " is recorded in the audit trail)")
    with atomic(conn):
        audit.update(conn, "control_assessments", assessment_id, {
            "status": "signed_off", "signed_off_by": actor, "signed_off_at": audit.utc_text(now),
            "sign_off_note": note}, actor=actor, now=now, action="control.sign_off", reason=note)
    return show(conn, assessment_id)


def _row(conn, assessment_id) -> sqlite3.Row:
    try:
        key = int(assessment_id)
    except (TypeError, ValueError):
        raise PmError(f"assessment id {assessment_id!r} must be a number (see 'pmtui controls list')") from None
    row = conn.execute("SELECT * FROM control_assessments WHERE id = ?", [key]).fetchone()
    if row is None:
        raise NotFound(f"no control assessment {key} (see 'pmtui controls list')")
    return row


_LIST = """
SELECT a.id, a.quarter, a.status, a.run_by, a.run_at, a.summary, a.signed_off_by, a.signed_off_at, a.sign_off_note,
       a.audit_seq, a.audit_head,
       (SELECT count(*) FROM control_findings f WHERE f.assessment_id = a.id) AS findings,
       (SELECT count(*) FROM control_findings f WHERE f.assessment_id = a.id AND f.severity = 'high') AS high,
       (SELECT count(*) FROM control_findings f WHERE f.assessment_id = a.id AND f.severity = 'medium') AS medium,
       (SELECT count(*) FROM control_findings f WHERE f.assessment_id = a.id AND f.severity = 'low') AS low,
       (SELECT count(*) FROM control_findings f WHERE f.assessment_id = a.id AND f.severity = 'info') AS info,
       a.id = (SELECT max(b.id) FROM control_assessments b WHERE b.quarter = a.quarter) AS latest_for_quarter
FROM control_assessments a
"""


def _listed(row: sqlite3.Row) -> dict:
    return dict(row) | {"latest_for_quarter": bool(row["latest_for_quarter"])}


def list_assessments(conn: sqlite3.Connection, *, quarter: str | None = None, limit: int = 200,
                     offset: int = 0) -> list[dict]:
    """Assessments, latest first, with finding counts by severity (history: re-runs included)."""
    where, params = ("WHERE a.quarter = ?", [quarter_of(quarter).code]) if quarter else ("", [])
    rows = conn.execute(f"{_LIST} {where} ORDER BY a.id DESC LIMIT ? OFFSET ?", [*params, limit, offset])
    return [_listed(r) for r in rows]


def show(conn: sqlite3.Connection, assessment_id: int) -> dict:
    """One assessment: what each control checked, and its findings, most severe first."""
    _row(conn, assessment_id)
    head = conn.execute(f"{_LIST} WHERE a.id = ?", [int(assessment_id)]).fetchone()
    result = _listed(head)
    results = json.loads(conn.execute("SELECT results FROM control_assessments WHERE id = ?",
                                      [int(assessment_id)]).fetchone()[0] or "[]")
    return result | {"controls": results, "findings": findings(conn, int(assessment_id))}


def findings(conn: sqlite3.Connection, assessment_id: int, *, severity: str | None = None) -> list[dict]:
    """An assessment's findings, most severe first (``severity`` keeps one level only)."""
    extra, params = ("AND f.severity = ?", [severity]) if severity else ("", [])
    rows = conn.execute(
        f"""SELECT f.id, f.control, f.area, f.severity, f.element, f.detail, u.code AS unit, k.code AS kpi,
                   f.entry_seq
            FROM control_findings f LEFT JOIN units u ON u.id = f.unit_id LEFT JOIN kpis k ON k.id = f.kpi_id
            WHERE f.assessment_id = ? {extra}
            ORDER BY CASE f.severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 WHEN 'low' THEN 2 ELSE 3 END,
                     f.control, f.element, f.id""", [assessment_id, *params])
    return [dict(r) for r in rows]
