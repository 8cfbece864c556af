"""Schema for framework authoring: targets proposed for new periods, awaiting four-eyes approval.

Only approved targets live in ``targets`` (and so only they score); a proposal moves
there when someone other than its proposer, holding ``edit_targets``, approves it.
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
"""
