"""Schema for framework authoring: targets proposed for new periods, awaiting four-eyes approval.

Only approved targets live in ``targets`` (and so only they score); a proposal moves
there when someone other than its proposer, holding ``edit_targets``, approves it.
``pub_awaiting_decision`` lists open proposals beside values, corrections and revisions.
"""

from __future__ import annotations

import re

from pmtui.store import views_corrections

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
"""

#: Open proposals, appended to the awaiting-decision view of the corrections area.
PROPOSALS_AWAITING = """
UNION ALL
SELECT 'proposed target', k.code, u.code, p.period, p.proposed_by, p.proposed_at
FROM target_proposals p JOIN kpis k ON k.id = p.kpi_id JOIN units u ON u.id = p.unit_id
WHERE p.status = 'proposed' AND k.confidentiality != 'confidential' AND u.confidentiality != 'confidential';
"""


def awaiting_decision_sql() -> str:
    """``pub_awaiting_decision`` as the corrections area created it, plus open target proposals."""
    found = re.search(r"CREATE VIEW pub_awaiting_decision AS.*?;", views_corrections.VIEWS, re.S)
    return found.group(0)[:-1] + PROPOSALS_AWAITING
