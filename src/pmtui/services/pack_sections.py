"""The auditor pack's other documents: review cycles, control assessments and the audit trail.

Confidential meetings, meetings of confidential units and findings about confidential
units or KPIs are left out unless the pack includes confidential data.
"""

from __future__ import annotations

import sqlite3

from pmtui.core import documents as doc
from pmtui.services import anchor, controls, verify
from pmtui.store.db import path_of


def _has_rows(conn: sqlite3.Connection, table: str) -> bool:
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone()
    return bool(exists) and conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is not None


def review_cycles(conn: sqlite3.Connection, *, include_confidential: bool) -> list[doc.Block]:
    """Planning cycles, and review meetings when there are any (counts, finalised, decisions)."""
    cycles = conn.execute(
        """SELECT c.code, c.name, c.start_period, c.end_period, c.status,
                  (SELECT count(*) FROM objectives o WHERE o.cycle_id = c.id) AS objectives
           FROM planning_cycles c ORDER BY c.start_period, c.code""").fetchall()
    blocks: list[doc.Block] = [
        doc.Heading(1, "Review cycles"),
        doc.Heading(2, "Planning cycles"),
        doc.Para("Fiscal years in which unit KPIs are mapped to corporate objectives (objectives without a cycle"
                 " are standing and count in every cycle)."),
        doc.Table(("Cycle", "Name", "From", "To", "Status", "Cycle-only objectives"),
                  tuple((r[0], r[1], r[2], r[3], r[4], str(r[5])) for r in cycles)),
        doc.Heading(2, "Review meetings"),
    ]
    if not _has_rows(conn, "meetings"):
        return blocks + [doc.Para("No review meetings are recorded in this file.")]
    hidden = "" if include_confidential else (" AND m.confidentiality != 'confidential'"
                                              " AND u.confidentiality != 'confidential'")
    decisions = ("(SELECT count(*) FROM agenda_items a WHERE a.meeting_id = m.id AND a.decision IS NOT NULL"
                 + ("" if include_confidential else " AND a.confidentiality != 'confidential'") + ")")
    summary = conn.execute(
        f"""SELECT u.code AS unit, m.cycle, count(*) AS meetings, sum(m.status = 'finalised') AS finalised,
                   sum({decisions}) AS decisions, min(m.period) AS first, max(m.period) AS last
            FROM meetings m JOIN units u ON u.id = m.unit_id WHERE 1 = 1{hidden}
            GROUP BY u.code, m.cycle ORDER BY u.code, m.cycle""").fetchall()
    listing = conn.execute(
        f"""SELECT m.code, u.code AS unit, m.cycle, m.period, m.status, m.held_on, m.chair, m.finalised_by,
                   {decisions} AS decisions
            FROM meetings m JOIN units u ON u.id = m.unit_id WHERE 1 = 1{hidden}
            ORDER BY m.period DESC, u.code, m.cycle LIMIT 500""").fetchall()
    total = sum(r["meetings"] for r in summary)
    done = sum(r["finalised"] or 0 for r in summary)
    return blocks + [
        doc.Para(f"{total} meeting(s), {done} finalised, {sum(r['decisions'] or 0 for r in summary)} decision(s)"
                 " recorded on agenda items."),
        doc.Table(("Unit", "Cycle", "Meetings", "Finalised", "Decisions", "First period", "Last period"),
                  tuple((r["unit"], r["cycle"], str(r["meetings"]), str(r["finalised"] or 0),
                         str(r["decisions"] or 0), r["first"], r["last"]) for r in summary)),
        doc.Heading(3, "Meetings, latest first"),
        doc.Table(("Meeting", "Unit", "Cycle", "Period", "Status", "Held on", "Chair", "Finalised by", "Decisions"),
                  tuple((r["code"], r["unit"], r["cycle"], r["period"], r["status"], r["held_on"] or "-",
                         r["chair"] or "-", r["finalised_by"] or "-", str(r["decisions"])) for r in listing)),
    ]


def control_assessments(conn: sqlite3.Connection, *, include_confidential: bool) -> list[doc.Block]:
    """Every assessment, latest first, with what was checked, its findings and its sign-off."""
    blocks: list[doc.Block] = [doc.Heading(1, "Control assessments")]
    rows = controls.list_assessments(conn, limit=1000)
    if not rows:
        return blocks + [doc.Para("No control assessment has been run ('pmtui controls run --quarter 2026Q3').")]
    blocks.append(doc.Table(("Id", "Quarter", "Status", "Run by", "Run at", "Signed off by", "Signed off at"),
                            tuple((str(a["id"]), a["quarter"], a["status"], a["run_by"], a["run_at"],
                                   a["signed_off_by"] or "-", a["signed_off_at"] or "-") for a in rows)))
    confidential = _confidential_codes(conn)
    for a in rows:
        full = controls.show(conn, a["id"])
        shown = [f for f in full["findings"] if include_confidential
                 or not ({f["unit"], f["kpi"]} & confidential)]
        sign = (f"Signed off by {a['signed_off_by']} at {a['signed_off_at']}: {a['sign_off_note']}"
                if a["status"] == "signed_off" else "Open: not signed off yet.")
        superseded = "" if a["latest_for_quarter"] else f" Superseded by a later assessment of {a['quarter']}."
        blocks += [
            doc.Heading(2, f"Assessment {a['id']}: {a['quarter']}", anchor=f"assessment-{a['id']}"),
            doc.Para(f"Run by {a['run_by']} at {a['run_at']} over the audit trail through entry {a['audit_seq']}"
                     f" (head {(a['audit_head'] or '-')[:16]}).{superseded}", meta=True),
            doc.Para(sign),
            doc.Table(("Control", "Area", "What was checked", "Findings"),
                      tuple((c["control"], c["area"], c["checked"], str(c["findings"])) for c in full["controls"])),
            doc.Table(("Severity", "Control", "Element", "Finding"),
                      tuple((f["severity"], f["control"], f["element"], f["detail"]) for f in shown)),
        ]
        if len(shown) < len(full["findings"]):
            blocks.append(doc.Para(f"{len(full['findings']) - len(shown)} finding(s) about confidential units or"
                                   " KPIs are left out.", meta=True))
    return blocks


def _confidential_codes(conn) -> set[str]:
    return {r[0] for r in conn.execute("SELECT code FROM units WHERE confidentiality = 'confidential'"
                                       " UNION SELECT code FROM kpis WHERE confidentiality = 'confidential'")}


def audit_summary(conn: sqlite3.Connection) -> dict:
    """Entries, first and last, head hash, anchor, the verification result and counts by kind of action."""
    path = path_of(conn)
    anchor_data = anchor.read(path) if path else None
    report = verify.verify(conn, anchor_data)
    first, last = conn.execute("SELECT min(ts), max(ts) FROM audit_log").fetchone()
    families = conn.execute(
        """SELECT CASE WHEN action LIKE 'refused.%' THEN 'refused attempts' ELSE entity END AS what, count(*) AS n,
                  count(DISTINCT actor) AS actors
           FROM audit_log GROUP BY what ORDER BY n DESC, what""").fetchall()
    return {"entries": report.entries, "head": report.head, "first_ts": first, "last_ts": last,
            "anchor_seq": report.anchor_seq, "anchored": anchor_data is not None, "ok": report.ok,
            "findings": [f.message for f in report.findings], "by_kind": [dict(r) for r in families]}


def audit_trail(summary: dict) -> list[doc.Block]:
    """The audit trail document from :func:`audit_summary`."""
    anchor_text = (f"anchored at entry {summary['anchor_seq']}" if summary["anchored"]
                   else "no anchor file beside the database (truncation and a recomputed chain would go unseen)")
    verdict = ("Verified: schema, hash chain, anchor and replay match the audit trail." if summary["ok"] else
               "Verification FAILED:")
    return [
        doc.Heading(1, "Audit trail"),
        doc.Table(("Item", "Value"), (
            ("Entries", f"{summary['entries']:,}"), ("First entry", summary["first_ts"] or "-"),
            ("Latest entry", summary["last_ts"] or "-"), ("Head hash", summary["head"] or "-"),
            ("Anchor", anchor_text))),
        doc.Para(verdict),
        doc.Bullets(tuple(summary["findings"])) if summary["findings"] else doc.Para(
            "Every entry is chained by SHA-256 to the one before; each data row equals the replay of its entries."),
        doc.Heading(2, "Entries by table"),
        doc.Table(("Table (or refused attempts)", "Entries", "Users"),
                  tuple((r["what"], f"{r['n']:,}", str(r["actors"])) for r in summary["by_kind"])),
    ]
