"""Schema for framework authoring: targets proposed for new periods, awaiting four-eyes approval.

Only approved targets live in ``targets`` (and so only they score); a proposal moves
there when someone other than its proposer, holding ``edit_targets``, approves it.
``pub_awaiting_decision`` lists open proposals beside values, corrections and revisions.
"""

from __future__ import annotations

AUTHORING_TABLES = ("target_proposals",)

AUTHORING_SQL = """
CREATE TABLE target_proposals (
    id INTEGER PRIMARY KEY,
    kpi_id INTEGER NOT NULL REFERENCES kpis(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    period TEXT NOT NULL,
    target REAL NOT NULL,
    amber REAL,
    target_high REAL,
    amber_high REAL,
    status TEXT NOT NULL DEFAULT 'proposed'
        CHECK (status = 'proposed' OR status = 'approved' OR status = 'rejected'),
    proposed_by TEXT NOT NULL,
    proposed_at TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    reason TEXT,
    batch_seq INTEGER
);
CREATE UNIQUE INDEX target_proposals_open ON target_proposals (unit_id, period, kpi_id) WHERE status = 'proposed';
CREATE TRIGGER target_proposals_four_eyes BEFORE UPDATE OF status ON target_proposals
WHEN NEW.status <> 'proposed' AND (NEW.decided_by IS NULL OR NEW.decided_by = NEW.proposed_by)
BEGIN SELECT RAISE(ABORT, 'four-eyes rule: a target cannot be approved or rejected by the person who proposed it'); END;
CREATE TRIGGER target_proposals_final BEFORE UPDATE ON target_proposals
WHEN OLD.status <> 'proposed'
BEGIN SELECT RAISE(ABORT, 'a decided target proposal cannot change'); END;

DROP VIEW pub_awaiting_decision;
CREATE VIEW pub_awaiting_decision AS
SELECT 'value' AS kind, k.code AS kpi, u.code AS unit, m.period, m.submitted_by, m.submitted_at
FROM measurements m JOIN kpis k ON k.id = m.kpi_id JOIN units u ON u.id = m.unit_id
WHERE m.status = 'submitted' AND k.confidentiality != 'confidential' AND u.confidentiality != 'confidential'
UNION ALL
SELECT 'correction', k.code, u.code, m.period, c.entered_by, c.entered_at
FROM measurement_corrections c JOIN measurements m ON m.id = c.measurement_id
JOIN kpis k ON k.id = m.kpi_id JOIN units u ON u.id = m.unit_id
WHERE c.status = 'submitted' AND k.confidentiality != 'confidential' AND u.confidentiality != 'confidential'
UNION ALL
SELECT 'target revision', k.code, u.code, t.period, r.requested_by, r.requested_at
FROM target_revisions r JOIN targets t ON t.id = r.target_id
JOIN kpis k ON k.id = t.kpi_id JOIN units u ON u.id = t.unit_id
WHERE r.status = 'submitted' AND k.confidentiality != 'confidential' AND u.confidentiality != 'confidential'
UNION ALL
SELECT 'proposed target', k.code, u.code, p.period, p.proposed_by, p.proposed_at
FROM target_proposals p JOIN kpis k ON k.id = p.kpi_id JOIN units u ON u.id = p.unit_id
WHERE p.status = 'proposed' AND k.confidentiality != 'confidential' AND u.confidentiality != 'confidential';
"""
