"""The individual controls of a quarterly assessment: each gathers facts with SQL and lets
:mod:`pmtui.core.controls` judge them.

Integrity controls look at the file (SQLite's own check, the audit chain with its anchor
and replay, orphan rows) and at what happened in the quarter according to the audit
trail (four-eyes breaches, approved values changed without an approved correction,
targets changed outside the revision workflow). Access controls judge role holdings on
the day access is assessed (the quarter's last day, or today while it runs).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from pmtui.core.audit_diff import show
from pmtui.core.controls import Finding, Outcome, Quarter
from pmtui.services import anchor, verify
from pmtui.store.db import path_of

#: At most this many findings of one control are recorded; the rest are counted in one finding.
MAX_PER_CONTROL = 20
#: The triggers that make self-approval impossible in the database itself.
FOUR_EYES_TRIGGERS = ("measurements_four_eyes", "target_revisions_four_eyes", "measurement_corrections_four_eyes")


@dataclass(frozen=True)
class Context:
    """What every control needs: the quarter, the day access is judged at, the settings."""

    quarter: Quarter
    day: date
    now: datetime
    verify_trail: bool = True


Check = Callable[[sqlite3.Connection, Context], tuple[Outcome, list[Finding]]]


def _capped(control: str, area: str, severity: str, findings: list[Finding]) -> list[Finding]:
    if len(findings) <= MAX_PER_CONTROL:
        return findings
    rest = len(findings) - MAX_PER_CONTROL
    return findings[:MAX_PER_CONTROL] + [Finding(control, area, severity, "", f"... and {rest} more like these")]


def _codes(conn: sqlite3.Connection, table: str) -> dict[int, str]:
    return {r[0]: r[1] for r in conn.execute(f"SELECT id, code FROM {table}")}


# --- integrity ----------------------------------------------------------------------


def integrity_check(conn, ctx: Context) -> tuple[Outcome, list[Finding]]:
    """SQLite's own ``PRAGMA integrity_check`` of the file's structure."""
    lines = [r[0] for r in conn.execute("PRAGMA integrity_check(50)")]
    found = [Finding("integrity_check", "integrity", "high", "file", line) for line in lines if line != "ok"]
    return Outcome("integrity_check", "integrity", "PRAGMA integrity_check of every table and index"), found


def audit_chain(conn, ctx: Context) -> tuple[Outcome, list[Finding]]:
    """The audit trail: schema, hash chain, anchor and replay (:mod:`pmtui.services.verify`)."""
    if not ctx.verify_trail:
        return Outcome("audit_chain", "integrity", "skipped on request"), [
            Finding("audit_chain", "integrity", "low", "audit_log", "the audit trail was not verified in this run")]
    path = path_of(conn)
    anchor_data = anchor.read(path) if path else None
    report = verify.verify(conn, anchor_data)
    found = [Finding("audit_chain", "integrity", "high", f"audit_log:{f.seq}" if f.seq else "audit_log",
                     f"[{f.kind}] {f.message}", seq=f.seq) for f in report.findings]
    if path and anchor_data is None:
        found.append(Finding("audit_chain", "integrity", "medium", "anchor",
                             "no anchor file beside the database: truncation and a recomputed chain go unseen"
                             " (write one with 'pmtui audit anchor' and keep a copy out of users' reach)"))
    checked = (f"{report.entries:,} entries, head {(report.head or '-')[:16]}"
               + (f", anchor at entry {report.anchor_seq}" if report.anchor_seq else ", no anchor")
               + ("; verified OK" if report.ok else "; verification FAILED"))
    return Outcome("audit_chain", "integrity", checked), found


def orphan_rows(conn, ctx: Context) -> tuple[Outcome, list[Finding]]:
    """Rows whose foreign key points at nothing (``PRAGMA foreign_key_check``)."""
    groups: dict[tuple[str, str], list[int]] = {}
    for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check"):
        groups.setdefault((table, parent), []).append(rowid)
    found = [Finding("orphan_rows", "integrity", "high", f"{table}:{ids[0]}",
                     f"{len(ids)} row(s) of {table} refer to missing {parent} rows (ids {', '.join(map(str, ids[:5]))}"
                     f"{', ...' if len(ids) > 5 else ''})") for (table, parent), ids in sorted(groups.items())]
    return Outcome("orphan_rows", "integrity", "PRAGMA foreign_key_check of every table"), found


#: Decisions where the decider must differ from the maker: table, decided column, status column
#: values that mean "decided", and the maker columns.
_DECISIONS = (
    ("measurements", "decided_by", ("approved", "rejected"), ("entered_by", "submitted_by"), "decided_at"),
    ("measurement_corrections", "decided_by", ("approved", "rejected"), ("entered_by",), "decided_at"),
    ("target_revisions", "decided_by", ("approved", "rejected"), ("requested_by",), "decided_at"),
    ("control_assessments", "signed_off_by", ("signed_off",), ("run_by",), "signed_off_at"),
)


def four_eyes(conn, ctx: Context) -> tuple[Outcome, list[Finding]]:
    """Decisions in the quarter taken by their maker: in the rows now, and in the audit trail's history."""
    q, kpis, units = ctx.quarter, _codes(conn, "kpis"), _codes(conn, "units")
    hits: dict[tuple[str, str], Finding] = {}
    for table, decider, decided, makers, at in _DECISIONS:
        same = " OR ".join(f"{decider} = {m}" for m in makers)
        states = " OR ".join(f"status = '{s}'" for s in decided)
        for row in conn.execute(f"SELECT * FROM {table} WHERE ({states}) AND ({same}) AND {at} >= ? AND {at} < ?",
                                [q.ts_from, q.ts_to]):
            hits[(table, str(row["id"]))] = _four_eyes_finding(table, dict(row), decider, None, kpis, units)
        same = " OR ".join(f"json_extract(new, '$.{decider}') = json_extract(new, '$.{m}')" for m in makers)
        states = " OR ".join(f"json_extract(new, '$.status') = '{s}'" for s in decided)
        for entry in conn.execute(
                f"SELECT seq, entity_key, new FROM audit_log WHERE entity = ? AND ts >= ? AND ts < ?"
                f" AND action NOT LIKE 'refused.%' AND action != 'measurement.import' AND new IS NOT NULL"
                f" AND ({states}) AND ({same})"
                f" AND json_extract(old, '$.status') IS NOT json_extract(new, '$.status')",
                [table, q.ts_from, q.ts_to]):
            hits.setdefault((table, entry["entity_key"]), _four_eyes_finding(
                table, json.loads(entry["new"]), decider, entry["seq"], kpis, units))
    found = _capped("four_eyes", "integrity", "high", [hits[k] for k in sorted(hits)])
    checked = (f"decisions {q.start}..{q.end} on measurements, corrections, target revisions and assessments"
               " (rows and audit trail)")
    return Outcome("four_eyes", "integrity", checked), found


def _four_eyes_finding(table: str, row: dict, decider: str, seq: int | None, kpis: dict, units: dict) -> Finding:
    kpi, unit = kpis.get(row.get("kpi_id")), units.get(row.get("unit_id"))
    what = f"{kpi} at {unit} for {row.get('period')}" if kpi else f"{table} {row.get('id')}"
    where = f" (audit entry {seq})" if seq else ""
    return Finding("four_eyes", "integrity", "high", f"{table}:{row.get('id')}",
                   f"{what} was {row.get('status')} by {row.get(decider)}, who also made it{where}",
                   unit=unit, kpi=kpi, seq=seq)


#: Writes that recompute a calculated KPI from its approved inputs (not a manual change).
_CALCULATED = ("measurement.calculate", "measurement.recalculate")


def changes_after_approval(conn, ctx: Context) -> tuple[Outcome, list[Finding]]:
    """Approved values changed or deleted in the quarter without an approved correction carrying that change."""
    q, kpis, units = ctx.quarter, _codes(conn, "kpis"), _codes(conn, "units")
    found, corrected = [], 0
    marks = ", ".join("?" * len(_CALCULATED))
    for entry in conn.execute(
            f"SELECT seq, ts, actor, entity_key, old, new FROM audit_log"
            f" WHERE entity = 'measurements' AND ts >= ? AND ts < ? AND old IS NOT NULL"
            f" AND action NOT LIKE 'refused.%' AND action NOT IN ({marks})"
            f" AND json_extract(old, '$.status') = 'approved'"
            f" AND (new IS NULL OR json_extract(new, '$.value') IS NOT json_extract(old, '$.value'))",
            [q.ts_from, q.ts_to, *_CALCULATED]):
        old = json.loads(entry["old"])
        new = json.loads(entry["new"]) if entry["new"] else None
        value = None if new is None else new.get("value")
        approved = new is not None and conn.execute(
            "SELECT 1 FROM measurement_corrections WHERE measurement_id = ? AND status = 'approved'"
            " AND old_value = ? AND value = ?", [int(entry["entity_key"]), old.get("value"), value]).fetchone()
        if approved:
            corrected += 1
            continue
        kpi, unit = kpis.get(old.get("kpi_id")), units.get(old.get("unit_id"))
        change = "deleted" if new is None else f"changed from {show(old.get('value'))} to {show(value)}"
        found.append(Finding("changes_after_approval", "integrity", "high", f"measurements:{entry['entity_key']}",
                             f"approved value of {kpi} at {unit} for {old.get('period')} {change} by {entry['actor']}"
                             f" on {entry['ts'][:10]} without an approved correction (audit entry {entry['seq']})",
                             unit=unit, kpi=kpi, seq=entry["seq"]))
    found = _capped("changes_after_approval", "integrity", "high", found)
    if corrected:
        found.append(Finding("changes_after_approval", "integrity", "info", "measurement_corrections",
                             f"{corrected} approved value(s) changed in the quarter, each through an approved"
                             " correction decided by a second person"))
    return Outcome("changes_after_approval", "integrity",
                   f"changes to approved values {q.start}..{q.end} against approved corrections"), found


def target_changes(conn, ctx: Context) -> tuple[Outcome, list[Finding]]:
    """Targets changed in the quarter without an approved revision carrying exactly that change.

    High when the period already had an approved value (its score moved after the fact),
    otherwise medium. Changes through approved revisions are counted in one info finding.
    """
    q, kpis, units = ctx.quarter, _codes(conn, "kpis"), _codes(conn, "units")
    found, revised = [], 0
    for entry in conn.execute(
            "SELECT seq, ts, actor, entity_key, old, new FROM audit_log WHERE entity = 'targets' AND ts >= ?"
            " AND ts < ? AND old IS NOT NULL AND new IS NOT NULL AND action NOT LIKE 'refused.%'"
            " AND (json_extract(new, '$.target') IS NOT json_extract(old, '$.target')"
            "      OR json_extract(new, '$.amber') IS NOT json_extract(old, '$.amber'))", [q.ts_from, q.ts_to]):
        old, new = json.loads(entry["old"]), json.loads(entry["new"])
        if conn.execute("SELECT 1 FROM target_revisions WHERE target_id = ? AND status = 'approved'"
                        " AND original_target IS ? AND revised_target IS ? AND original_amber IS ?"
                        " AND revised_amber IS ?", [int(entry["entity_key"]), old.get("target"), new.get("target"),
                                                    old.get("amber"), new.get("amber")]).fetchone():
            revised += 1
            continue
        approved = conn.execute("SELECT 1 FROM measurements WHERE kpi_id = ? AND unit_id = ? AND period = ?"
                                " AND status = 'approved' AND decided_at <= ?",
                                [new.get("kpi_id"), new.get("unit_id"), new.get("period"), entry["ts"]]).fetchone()
        kpi, unit = kpis.get(new.get("kpi_id")), units.get(new.get("unit_id"))
        when = "after the value was approved" if approved else "before any value was approved"
        found.append(Finding("target_changes", "integrity", "high" if approved else "medium",
                             f"targets:{entry['entity_key']}",
                             f"target of {kpi} at {unit} for {new.get('period')} changed from"
                             f" {show(old.get('target'))} to {show(new.get('target'))} by {entry['actor']} {when},"
                             " without an approved revision"
                             f" (audit entry {entry['seq']})", unit=unit, kpi=kpi, seq=entry["seq"]))
    found = _capped("target_changes", "integrity", "medium", found)
    if revised:
        found.append(Finding("target_changes", "integrity", "info", "target_revisions",
                             f"{revised} target(s) changed in the quarter, each through an approved revision"))
    return Outcome("target_changes", "integrity", f"target changes {q.start}..{q.end} against approved revisions"), \
        found


INTEGRITY: tuple[Check, ...] = (integrity_check, audit_chain, orphan_rows, four_eyes, changes_after_approval,
                                target_changes)
