"""The auditor pack's calculation policies: one section per KPI (M7.4).

Each section states the definition, the formula (or that values are entered), the data
source, owner role, frequency, direction, aggregation, the thresholds at the latest
period with approved values, regional variants, the definition's version history from
the audit trail, and the target revisions. Everything is read from the file; the order
is fixed (KPI code, then unit, period, audit sequence) so the same file and the same
``now`` give the same documents.
"""

from __future__ import annotations

import sqlite3

from pmtui.core import documents as doc
from pmtui.services import audit_history
from pmtui.services.history_report import change_lines

_KPIS = """
SELECT k.*, p.name AS perspective, r.code AS owner_role, r.name AS owner_role_name,
       s.code AS source_code, s.name AS source_name, s.system AS source_system, s.it_domain AS source_domain,
       s.reliability AS source_reliability, s.refresh AS source_refresh, s.latency_hours AS source_latency
FROM kpis k LEFT JOIN perspectives p ON p.id = k.perspective_id LEFT JOIN roles r ON r.id = k.owner_role_id
LEFT JOIN data_sources s ON s.id = k.source_id
{where} ORDER BY k.code
"""


def kpis(conn: sqlite3.Connection, *, include_confidential: bool) -> list[dict]:
    """The KPIs the pack documents (confidential ones only when asked), by code."""
    where = "" if include_confidential else "WHERE k.confidentiality != 'confidential'"
    return [dict(r) for r in conn.execute(_KPIS.format(where=where))]


def _unit_filter(include_confidential: bool) -> str:
    return "" if include_confidential else " AND u.confidentiality != 'confidential'"


def _properties(k: dict) -> doc.Table:
    source = "not recorded"
    if k["source_code"]:
        source = (f"{k['source_code']}: {k['source_name']} ({k['source_system']}, {k['source_domain']} domain;"
                  f" reliability {k['source_reliability']}, refresh {k['source_refresh']},"
                  f" latency {k['source_latency']:g} h)")
    formula = f"calculated: {k['formula']}" if k["formula"] else "entered and approved per unit and period (no formula)"
    rows = (
        ("Definition", k["definition"] or "(none recorded)"),
        ("Formula", formula),
        ("Unit of measure", k["uom"] or "-"),
        ("Direction", {"higher": "higher is better", "lower": "lower is better", "band": "within a band"}
         .get(k["direction"], k["direction"])),
        ("Aggregation", k["aggregation"]),
        ("Frequency", k["frequency"]),
        ("Leading / lagging", k["lead_lag"] + (", financial" if k["financial"] else ", non-financial")),
        ("Perspective", k["perspective"] or "-"),
        ("Owner role", f"{k['owner_role']} ({k['owner_role_name']})" if k["owner_role"] else "not assigned"),
        ("Source", source),
        ("Reporting", f"{k['reporting_mode']}, due {k['due_days']} days after period end"),
        ("Status rule", "SPC (XmR chart) decides the status" if k["spc_mode"] else "fixed thresholds (score 0-10)"),
        ("Confidentiality", k["confidentiality"]),
        ("Active", "yes" if k["active"] else "no (retired)"),
    )
    return doc.Table(("Field", "Value"), rows)


def _thresholds(conn, k: dict, include_confidential: bool) -> list[doc.Block]:
    latest = conn.execute("SELECT max(period) FROM measurements WHERE kpi_id = ? AND status = 'approved'",
                          [k["id"]]).fetchone()[0]
    if latest is None:
        return [doc.Para("No approved values yet, so no current thresholds.")]
    rows = conn.execute(
        f"""SELECT u.code, t.target, t.amber, t.target_high, t.amber_high
            FROM targets t JOIN units u ON u.id = t.unit_id
            WHERE t.kpi_id = ? AND t.period = ?{_unit_filter(include_confidential)} ORDER BY u.code""",
        [k["id"], latest]).fetchall()
    return [doc.Para(f"Thresholds at {latest}, the latest period with approved values:"),
            doc.Table(("Unit", "Target", "Amber", "Target high", "Amber high"),
                      tuple((r[0], *(_num(v) for v in r[1:])) for r in rows))]


def _num(value) -> str:
    return "-" if value is None else f"{value:g}"


def _variants(conn, k: dict, include_confidential: bool) -> list[doc.Block]:
    rows = conn.execute(
        f"""SELECT u.code, v.regulation, v.definition, v.approved_by, v.approved_on FROM kpi_variants v
            JOIN units u ON u.id = v.unit_id WHERE v.kpi_id = ?{_unit_filter(include_confidential)} ORDER BY u.code""",
        [k["id"]]).fetchall()
    if not rows:
        return []
    return [doc.Heading(4, "Regional variants"),
            doc.Table(("Unit", "Regulation", "Definition", "Approved by", "On"), tuple(tuple(r) for r in rows))]


def _versions(conn, k: dict) -> list[doc.Block]:
    element = audit_history.Element("kpis", str(k["id"]), f"KPI {k['code']}")
    hist = audit_history.history(conn, element)
    rows = tuple((str(e["seq"]), e["ts"], e["actor"], e["action"], "\n".join(change_lines(e, hist.refs)),
                  e["reason"] or "") for e in hist.entries)
    return [doc.Heading(4, "Definition history (audit trail)"),
            doc.Table(("Entry", "When (UTC)", "Who", "Action", "Old -> new", "Why"), rows)]


def _revisions(conn, k: dict, include_confidential: bool) -> list[doc.Block]:
    rows = conn.execute(
        f"""SELECT r.id, u.code, t.period, r.original_target, r.revised_target, r.reason, r.status, r.requested_by,
                   r.decided_by, r.decided_at, r.decision_note
            FROM target_revisions r JOIN targets t ON t.id = r.target_id JOIN units u ON u.id = t.unit_id
            WHERE t.kpi_id = ?{_unit_filter(include_confidential)} ORDER BY r.id""", [k["id"]]).fetchall()
    table = tuple((str(r[0]), r[1], r[2], _num(r[3]), _num(r[4]), r[5], r[6], r[7], r[8] or "-",
                   (r[9] or "")[:10], r[10] or "") for r in rows)
    return [doc.Heading(4, "Target revisions"),
            doc.Table(("Id", "Unit", "Period", "Original", "Revised", "Reason", "Status", "Requested by",
                       "Decided by", "On", "Note"), table)]


def kpi_blocks(conn: sqlite3.Connection, k: dict, *, include_confidential: bool) -> list[doc.Block]:
    """One KPI's calculation policy."""
    return [doc.Heading(2, f"{k['code']}: {k['name']}", anchor=doc.anchor_id(k["code"])), _properties(k),
            doc.Heading(4, "Thresholds"), *_thresholds(conn, k, include_confidential),
            *_variants(conn, k, include_confidential), *_versions(conn, k),
            *_revisions(conn, k, include_confidential)]


def document(conn: sqlite3.Connection, rows: list[dict], *, include_confidential: bool, left_out: int) -> list:
    """The calculation-policies document."""
    scope = ("Confidential KPIs are included." if include_confidential else
             f"{left_out} confidential KPI(s) are left out (run with --include-confidential to include them);"
             " thresholds and revisions of confidential units are left out too.")
    blocks: list[doc.Block] = [doc.Heading(1, "Calculation policies"),
                               doc.Para(f"{len(rows)} KPIs, by code. {scope}", meta=True)]
    for k in rows:
        blocks += kpi_blocks(conn, k, include_confidential=include_confidential)
    return blocks
