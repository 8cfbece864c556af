"""Schema for accountability and governance (M3.1-M3.5, M4.5, M7.1-M7.6).

One migration step, ``create_governance``: corrections of approved values, the RACI
matrix, escalation paths, incentive links, committees and disputes, quarterly control
assessments with their findings, and standardised commentary. Every table in
``GOVERNANCE_TABLES`` is guarded and audited like the core ones.

Approved values are locked in the database itself: a trigger refuses any change to an
approved measurement's value unless an approved correction carries exactly that
change (old value -> new value), and refuses moving an approved value back to another
status. Corrections obey the same four-eyes rule as first submissions.
"""

from __future__ import annotations

GOVERNANCE_SQL = """
CREATE TABLE measurement_corrections (
    id INTEGER PRIMARY KEY,
    measurement_id INTEGER NOT NULL REFERENCES measurements(id),
    old_value REAL NOT NULL,
    value REAL NOT NULL,
    comment TEXT,
    reason TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'submitted'
        CHECK (status = 'submitted' OR status = 'approved' OR status = 'rejected'),
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    -- who entered the value being corrected (the original entry or the last approved
    -- correction): the four-eyes rule keeps them from deciding the correction too
    old_value_by TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    decision_reason TEXT
);
CREATE INDEX measurement_corrections_measurement ON measurement_corrections (measurement_id, status);
CREATE UNIQUE INDEX measurement_corrections_open ON measurement_corrections (measurement_id) WHERE status = 'submitted';
CREATE TRIGGER measurement_corrections_insert BEFORE INSERT ON measurement_corrections
WHEN NEW.status <> 'submitted' OR NOT EXISTS (
    SELECT 1 FROM measurements m WHERE m.id = NEW.measurement_id AND m.status = 'approved' AND m.value = NEW.old_value)
BEGIN SELECT RAISE(ABORT, 'a correction starts as submitted and must carry the current approved value as its old value'); END;
CREATE TRIGGER measurement_corrections_fixed BEFORE UPDATE OF measurement_id, old_value, value, reason, entered_by,
    entered_at, old_value_by ON measurement_corrections
WHEN NEW.measurement_id IS NOT OLD.measurement_id OR NEW.old_value IS NOT OLD.old_value OR NEW.value IS NOT OLD.value
  OR NEW.reason IS NOT OLD.reason OR NEW.entered_by IS NOT OLD.entered_by OR NEW.entered_at IS NOT OLD.entered_at
  OR NEW.old_value_by IS NOT OLD.old_value_by
BEGIN SELECT RAISE(ABORT, 'a correction cannot be edited: reject it and enter a new one'); END;
CREATE TRIGGER measurement_corrections_four_eyes BEFORE UPDATE OF status ON measurement_corrections
WHEN NEW.status <> 'submitted' AND (NEW.decided_by IS NULL OR NEW.decided_by = NEW.entered_by
                                    OR NEW.decided_by = NEW.old_value_by)
BEGIN SELECT RAISE(ABORT, 'four-eyes rule: a correction cannot be decided by the person who entered it or who entered the value it corrects'); END;
CREATE TRIGGER measurement_corrections_final BEFORE UPDATE ON measurement_corrections
WHEN OLD.status <> 'submitted'
BEGIN SELECT RAISE(ABORT, 'a decided correction is final: enter a new correction instead'); END;
CREATE TRIGGER measurement_corrections_no_delete BEFORE DELETE ON measurement_corrections
BEGIN SELECT RAISE(ABORT, 'corrections are kept: reject one instead of deleting it'); END;
-- Approved values are locked. Calculated values (entered by the pseudo-user 'calc', see
-- pmtui.services.formulas) are derived from approved inputs and follow them, so they are
-- exempt. Any other change of value needs the latest approved correction of the row to
-- carry exactly that change: an older correction cannot be replayed to flip a value back.
CREATE TRIGGER measurements_approved_locked BEFORE UPDATE OF value ON measurements
WHEN OLD.status = 'approved' AND NEW.value IS NOT OLD.value
 AND NOT (OLD.entered_by = 'calc' AND NEW.entered_by = 'calc')
 AND NOT EXISTS (
    SELECT 1 FROM measurement_corrections c
    WHERE c.id = (SELECT max(x.id) FROM measurement_corrections x WHERE x.measurement_id = OLD.id AND x.status = 'approved')
      AND c.old_value = OLD.value AND c.value = NEW.value)
BEGIN SELECT RAISE(ABORT, 'approved values are never edited in place: enter a correction, which goes through approval'); END;
CREATE TRIGGER measurements_approved_fields BEFORE UPDATE OF kpi_id, unit_id, period, comment, entered_by, entered_at,
    submitted_by, submitted_at, decided_by, decided_at, reason, batch_seq ON measurements
WHEN OLD.status = 'approved' AND OLD.entered_by <> 'calc'
 AND (NEW.kpi_id IS NOT OLD.kpi_id OR NEW.unit_id IS NOT OLD.unit_id OR NEW.period IS NOT OLD.period
      OR NEW.comment IS NOT OLD.comment OR NEW.entered_by IS NOT OLD.entered_by OR NEW.entered_at IS NOT OLD.entered_at
      OR NEW.submitted_by IS NOT OLD.submitted_by OR NEW.submitted_at IS NOT OLD.submitted_at
      OR NEW.decided_by IS NOT OLD.decided_by OR NEW.decided_at IS NOT OLD.decided_at
      OR NEW.reason IS NOT OLD.reason OR NEW.batch_seq IS NOT OLD.batch_seq)
BEGIN SELECT RAISE(ABORT, 'an approved value is locked: who entered and decided it, when, and where it belongs never change'); END;
CREATE TRIGGER measurements_approved_status BEFORE UPDATE OF status ON measurements
WHEN OLD.status = 'approved' AND NEW.status <> 'approved'
BEGIN SELECT RAISE(ABORT, 'approved values are never edited in place: enter a correction, which goes through approval'); END;
CREATE TRIGGER measurements_approved_delete BEFORE DELETE ON measurements
WHEN OLD.status = 'approved' AND OLD.entered_by <> 'calc'
BEGIN SELECT RAISE(ABORT, 'approved values cannot be deleted'); END;
-- The four-eyes trigger of the core schema covers decisions (updates); this one covers
-- rows written as approved at once, which only calculated values may be.
CREATE TRIGGER measurements_approved_insert BEFORE INSERT ON measurements
WHEN NEW.status = 'approved' AND (NEW.decided_by IS NULL OR NEW.decided_by = NEW.entered_by
                                  OR NEW.decided_by IS NEW.submitted_by)
BEGIN SELECT RAISE(ABORT, 'four-eyes rule: a value cannot be stored as approved by the person who entered or submitted it'); END;
CREATE TABLE raci (
    id INTEGER PRIMARY KEY,
    kpi_id INTEGER NOT NULL REFERENCES kpis(id),
    activity TEXT NOT NULL CHECK (activity = 'create' OR activity = 'validate' OR activity = 'report' OR activity = 'challenge'),
    role_id INTEGER NOT NULL REFERENCES roles(id),
    letter TEXT NOT NULL CHECK (letter = 'R' OR letter = 'A' OR letter = 'C' OR letter = 'I'),
    UNIQUE (kpi_id, activity, role_id)
);
CREATE TABLE escalation_rules (
    id INTEGER PRIMARY KEY,
    classification TEXT NOT NULL CHECK (classification = 'process' OR classification = 'individual'),
    step INTEGER NOT NULL CHECK (step >= 1),
    after_days INTEGER NOT NULL CHECK (after_days >= 0),
    level TEXT NOT NULL CHECK (level = 'team' OR level = 'business_unit' OR level = 'region' OR level = 'group'),
    role_id INTEGER NOT NULL REFERENCES roles(id),
    UNIQUE (classification, step)
);
CREATE TABLE incentives (
    id INTEGER PRIMARY KEY,
    role_id INTEGER NOT NULL REFERENCES roles(id),
    kpi_id INTEGER NOT NULL REFERENCES kpis(id),
    weight REAL NOT NULL CHECK (weight > 0 AND weight <= 1),
    UNIQUE (role_id, kpi_id)
);
CREATE TABLE committees (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    purpose TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE committee_members (
    id INTEGER PRIMARY KEY,
    committee_id INTEGER NOT NULL REFERENCES committees(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    UNIQUE (committee_id, user_id)
);
CREATE TABLE disputes (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind = 'attribution' OR kind = 'ownership'),
    kpi_id INTEGER NOT NULL REFERENCES kpis(id),
    unit_id INTEGER REFERENCES units(id),
    claim TEXT NOT NULL,
    proposed_role_id INTEGER REFERENCES roles(id),
    committee_id INTEGER REFERENCES committees(id),
    status TEXT NOT NULL DEFAULT 'raised'
        CHECK (status = 'raised' OR status = 'heard' OR status = 'decided' OR status = 'withdrawn'),
    raised_by TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    heard_by TEXT,
    heard_at TEXT,
    hearing_notes TEXT,
    outcome TEXT CHECK (outcome IS NULL OR outcome = 'upheld' OR outcome = 'rejected'),
    decision TEXT,
    decided_by TEXT,
    decided_at TEXT,
    -- what an upheld decision changed (owner role, RACI letters), in words
    applied TEXT,
    CHECK (decided_by IS NULL OR decided_by != raised_by)
);
CREATE INDEX disputes_status ON disputes (status, raised_at);
CREATE TABLE control_assessments (
    id INTEGER PRIMARY KEY,
    quarter TEXT NOT NULL,
    run_by TEXT NOT NULL,
    run_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status = 'open' OR status = 'signed_off'),
    summary TEXT NOT NULL DEFAULT '',
    results TEXT NOT NULL DEFAULT '[]',
    audit_seq INTEGER,
    audit_head TEXT,
    signed_off_by TEXT,
    signed_off_at TEXT,
    sign_off_note TEXT
);
CREATE INDEX control_assessments_quarter ON control_assessments (quarter, id);
CREATE TRIGGER control_assessments_four_eyes BEFORE UPDATE OF status ON control_assessments
WHEN NEW.status = 'signed_off' AND (NEW.signed_off_by IS NULL OR NEW.signed_off_by = NEW.run_by)
BEGIN SELECT RAISE(ABORT, 'four-eyes rule: an assessment cannot be signed off by the person who ran it'); END;
CREATE TRIGGER control_assessments_final BEFORE UPDATE ON control_assessments WHEN OLD.status = 'signed_off'
BEGIN SELECT RAISE(ABORT, 'a signed-off assessment is final: run the quarter again for a new assessment'); END;
CREATE TRIGGER control_assessments_final_delete BEFORE DELETE ON control_assessments
BEGIN SELECT RAISE(ABORT, 'control assessments are kept as history and cannot be deleted'); END;
CREATE TABLE control_findings (
    id INTEGER PRIMARY KEY,
    assessment_id INTEGER NOT NULL REFERENCES control_assessments(id),
    control TEXT NOT NULL,
    area TEXT NOT NULL CHECK (area = 'integrity' OR area = 'access'),
    severity TEXT NOT NULL CHECK (severity = 'info' OR severity = 'low' OR severity = 'medium' OR severity = 'high'),
    element TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL,
    unit_id INTEGER REFERENCES units(id),
    kpi_id INTEGER REFERENCES kpis(id),
    entry_seq INTEGER
);
CREATE INDEX control_findings_assessment ON control_findings (assessment_id);
CREATE TRIGGER control_findings_final_insert BEFORE INSERT ON control_findings
WHEN (SELECT status FROM control_assessments WHERE id = NEW.assessment_id) = 'signed_off'
BEGIN SELECT RAISE(ABORT, 'the findings of a signed-off assessment are final'); END;
CREATE TRIGGER control_findings_final_update BEFORE UPDATE ON control_findings
WHEN (SELECT status FROM control_assessments WHERE id = OLD.assessment_id) = 'signed_off'
BEGIN SELECT RAISE(ABORT, 'the findings of a signed-off assessment are final'); END;
CREATE TRIGGER control_findings_final_delete BEFORE DELETE ON control_findings
BEGIN SELECT RAISE(ABORT, 'findings are kept with their assessment and cannot be deleted'); END;
CREATE TABLE commentaries (
    id INTEGER PRIMARY KEY,
    kpi_id INTEGER NOT NULL REFERENCES kpis(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    period TEXT NOT NULL,
    what_happened TEXT NOT NULL,
    why TEXT NOT NULL,
    what_next TEXT NOT NULL,
    written_by TEXT NOT NULL,
    written_at TEXT NOT NULL,
    UNIQUE (kpi_id, unit_id, period)
);
"""

#: Governance tables whose every write must come with an audit record.
GOVERNANCE_TABLES = (
    "measurement_corrections", "raci", "escalation_rules", "incentives", "committees",
    "committee_members", "disputes", "control_assessments", "control_findings", "commentaries",
)
