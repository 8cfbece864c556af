"""Schema for execution and course correction (M4.1, M4.4, M5.1-M5.5).

One migration step, ``create_execution``: initiatives and their milestones, slippage
alerts, review meetings with their agenda items and participants, root-cause records,
revise-or-hold decisions and the action register. Every table in ``EXECUTION_TABLES``
is guarded and audited like the core ones.

A finalised meeting is immutable: triggers refuse any change to it or to its agenda
items and participants, whatever tool writes (M7.6). ``minutes_fts`` is a derived
full-text index over finalised minutes and decisions, filled by triggers at the moment
a meeting is finalised; it is not audited (the audited rows are its source).
"""

from __future__ import annotations

from pmtui.store.schema import CONFIDENTIALITY  # noqa: E402 - schema imports this module after defining it

EXECUTION_SQL = f"""
CREATE TABLE initiatives (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    unit_id INTEGER NOT NULL REFERENCES units(id),
    owner_role_id INTEGER REFERENCES roles(id),
    budget REAL CHECK (budget IS NULL OR budget >= 0),
    status TEXT NOT NULL DEFAULT 'planned'
        CHECK (status = 'planned' OR status = 'active' OR status = 'on_hold' OR status = 'done' OR status = 'cancelled'),
    -- slippage thresholds of this initiative, in calendar days
    late_start_grace_days INTEGER NOT NULL DEFAULT 0 CHECK (late_start_grace_days >= 0),
    slip_amber_days INTEGER NOT NULL DEFAULT 5 CHECK (slip_amber_days >= 0),
    slip_red_days INTEGER NOT NULL DEFAULT 20 CHECK (slip_red_days >= slip_amber_days),
    {CONFIDENTIALITY}
);
CREATE TABLE initiative_links (
    id INTEGER PRIMARY KEY,
    initiative_id INTEGER NOT NULL REFERENCES initiatives(id),
    objective_id INTEGER REFERENCES objectives(id),
    kpi_id INTEGER REFERENCES kpis(id),
    CHECK ((objective_id IS NULL AND kpi_id IS NOT NULL) OR (objective_id IS NOT NULL AND kpi_id IS NULL))
);
CREATE INDEX initiative_links_initiative ON initiative_links (initiative_id);
CREATE INDEX initiative_links_kpi ON initiative_links (kpi_id);
CREATE TABLE milestones (
    id INTEGER PRIMARY KEY,
    initiative_id INTEGER NOT NULL REFERENCES initiatives(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    planned_start TEXT,
    planned_finish TEXT,
    actual_start TEXT,
    actual_finish TEXT,
    percent_complete REAL NOT NULL DEFAULT 0 CHECK (percent_complete >= 0 AND percent_complete <= 100),
    sort_order INTEGER NOT NULL DEFAULT 0,
    -- dates are YYYY-MM-DD text, so text order is date order
    CHECK (planned_finish IS NULL OR planned_start IS NULL OR planned_finish >= planned_start),
    CHECK (actual_finish IS NULL OR (actual_start IS NOT NULL AND actual_finish >= actual_start)),
    UNIQUE (initiative_id, code)
);
CREATE TABLE milestone_dependencies (
    id INTEGER PRIMARY KEY,
    milestone_id INTEGER NOT NULL REFERENCES milestones(id),
    depends_on_id INTEGER NOT NULL REFERENCES milestones(id),
    CHECK (milestone_id != depends_on_id),
    UNIQUE (milestone_id, depends_on_id)
);
CREATE TABLE execution_alerts (
    id INTEGER PRIMARY KEY,
    milestone_id INTEGER NOT NULL REFERENCES milestones(id),
    rule TEXT NOT NULL CHECK (rule = 'late_start' OR rule = 'slip' OR rule = 'dependency'),
    severity TEXT NOT NULL CHECK (severity = 'amber' OR severity = 'red'),
    message TEXT NOT NULL,
    evidence TEXT NOT NULL,
    raised_on TEXT NOT NULL,
    cleared_on TEXT
);
CREATE INDEX execution_alerts_milestone ON execution_alerts (milestone_id, cleared_on);
CREATE INDEX milestone_dependencies_on ON milestone_dependencies (depends_on_id);
-- Derived cache (not audited, like spc_summary): each milestone's forecast and slip as of the
-- last evaluation of its initiative's alerts; the published views read it.
CREATE TABLE milestone_status (
    milestone_id INTEGER PRIMARY KEY REFERENCES milestones(id),
    as_of TEXT NOT NULL,
    state TEXT NOT NULL,
    planned_duration_days INTEGER,
    forecast_start TEXT,
    forecast_finish TEXT,
    slip_days INTEGER,
    colour TEXT NOT NULL
);
CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    cycle TEXT NOT NULL DEFAULT 'monthly' CHECK (cycle = 'monthly' OR cycle = 'quarterly' OR cycle = 'annual'),
    period TEXT NOT NULL,
    title TEXT NOT NULL,
    held_on TEXT,
    chair TEXT,
    status TEXT NOT NULL DEFAULT 'planned'
        CHECK (status = 'planned' OR status = 'in_progress' OR status = 'finalised'),
    minutes TEXT NOT NULL DEFAULT '',
    finalised_by TEXT,
    finalised_at TEXT,
    {CONFIDENTIALITY},
    UNIQUE (unit_id, cycle, period)
);
CREATE TABLE meeting_participants (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    role TEXT NOT NULL DEFAULT 'member'
        CHECK (role = 'chair' OR role = 'member' OR role = 'rotating' OR role = 'guest'),
    attended INTEGER CHECK (attended IS NULL OR attended = 0 OR attended = 1),
    UNIQUE (meeting_id, user_id)
);
CREATE TABLE agenda_items (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind = 'spc_concern' OR kind = 'red_kpi' OR kind = 'slipped_milestone'
                              OR kind = 'overdue_action' OR kind = 'stale_data' OR kind = 'other'),
    title TEXT NOT NULL,
    severity TEXT NOT NULL DEFAULT 'amber' CHECK (severity = 'red' OR severity = 'amber'),
    kpi_id INTEGER REFERENCES kpis(id),
    unit_id INTEGER REFERENCES units(id),
    period TEXT,
    milestone_id INTEGER REFERENCES milestones(id),
    action_id INTEGER REFERENCES actions(id),
    evidence TEXT NOT NULL DEFAULT '{{}}',
    decision TEXT CHECK (decision IS NULL OR decision = 'act' OR decision = 'watch' OR decision = 'revise_target'
                         OR decision = 'escalate' OR decision = 'close'),
    decision_note TEXT,
    decided_by TEXT,
    decided_at TEXT,
    {CONFIDENTIALITY},
    UNIQUE (meeting_id, seq)
);
CREATE TABLE root_causes (
    id INTEGER PRIMARY KEY,
    kpi_id INTEGER NOT NULL REFERENCES kpis(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    period TEXT NOT NULL,
    agenda_item_id INTEGER REFERENCES agenda_items(id),
    template TEXT NOT NULL CHECK (template = 'five_whys' OR template = 'fishbone'),
    problem TEXT NOT NULL,
    -- five whys: JSON array of up to five strings; fishbone: JSON object of category -> [causes]
    whys TEXT NOT NULL DEFAULT '[]',
    fishbone TEXT NOT NULL DEFAULT '{{}}',
    root_cause TEXT NOT NULL DEFAULT '',
    classification TEXT CHECK (classification IS NULL OR classification = 'process' OR classification = 'individual'),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status = 'open' OR status = 'closed'),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    closed_by TEXT,
    closed_at TEXT,
    {CONFIDENTIALITY}
);
CREATE INDEX root_causes_kpi ON root_causes (kpi_id, unit_id, period);
CREATE TABLE target_decisions (
    id INTEGER PRIMARY KEY,
    kpi_id INTEGER NOT NULL REFERENCES kpis(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    period TEXT NOT NULL,
    agenda_item_id INTEGER REFERENCES agenda_items(id),
    evidence TEXT NOT NULL,
    shift_origin TEXT NOT NULL CHECK (shift_origin = 'external' OR shift_origin = 'internal' OR shift_origin = 'none'),
    decision TEXT NOT NULL CHECK (decision = 'revise' OR decision = 'hold'),
    rationale TEXT NOT NULL,
    revision_id INTEGER REFERENCES target_revisions(id),
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
CREATE TABLE actions (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    owner_user_id INTEGER NOT NULL REFERENCES users(id),
    owner_role_id INTEGER REFERENCES roles(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    due_on TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open'
        CHECK (status = 'open' OR status = 'in_progress' OR status = 'done' OR status = 'cancelled'),
    source TEXT NOT NULL CHECK (source = 'meeting' OR source = 'rca' OR source = 'alert' OR source = 'manual'),
    meeting_id INTEGER REFERENCES meetings(id),
    agenda_item_id INTEGER REFERENCES agenda_items(id),
    root_cause_id INTEGER REFERENCES root_causes(id),
    alert_id INTEGER REFERENCES execution_alerts(id),
    kpi_id INTEGER REFERENCES kpis(id),
    initiative_id INTEGER REFERENCES initiatives(id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    closed_by TEXT,
    closed_at TEXT,
    close_note TEXT,
    {CONFIDENTIALITY}
);
CREATE INDEX actions_status_due ON actions (status, due_on);
CREATE INDEX actions_owner ON actions (owner_user_id);
CREATE INDEX actions_unit ON actions (unit_id, status, due_on);
CREATE TABLE action_notes (
    id INTEGER PRIMARY KEY,
    action_id INTEGER NOT NULL REFERENCES actions(id),
    written_by TEXT NOT NULL,
    written_at TEXT NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX action_notes_action ON action_notes (action_id);

CREATE TRIGGER meetings_final_update BEFORE UPDATE ON meetings WHEN OLD.status = 'finalised'
BEGIN SELECT RAISE(ABORT, 'a finalised meeting is immutable: its minutes and decisions cannot be changed'); END;
CREATE TRIGGER meetings_final_delete BEFORE DELETE ON meetings WHEN OLD.status = 'finalised'
BEGIN SELECT RAISE(ABORT, 'a finalised meeting is immutable: it cannot be deleted'); END;
CREATE TRIGGER agenda_items_final_insert BEFORE INSERT ON agenda_items
WHEN (SELECT status FROM meetings WHERE id = NEW.meeting_id) = 'finalised'
BEGIN SELECT RAISE(ABORT, 'a finalised meeting is immutable: its agenda cannot be changed'); END;
CREATE TRIGGER agenda_items_final_update BEFORE UPDATE ON agenda_items
WHEN (SELECT status FROM meetings WHERE id = OLD.meeting_id) = 'finalised'
BEGIN SELECT RAISE(ABORT, 'a finalised meeting is immutable: its decisions cannot be changed'); END;
CREATE TRIGGER agenda_items_final_delete BEFORE DELETE ON agenda_items
WHEN (SELECT status FROM meetings WHERE id = OLD.meeting_id) = 'finalised'
BEGIN SELECT RAISE(ABORT, 'a finalised meeting is immutable: its agenda cannot be changed'); END;
CREATE TRIGGER meeting_participants_final_insert BEFORE INSERT ON meeting_participants
WHEN (SELECT status FROM meetings WHERE id = NEW.meeting_id) = 'finalised'
BEGIN SELECT RAISE(ABORT, 'a finalised meeting is immutable: its participants cannot be changed'); END;
CREATE TRIGGER meeting_participants_final_update BEFORE UPDATE ON meeting_participants
WHEN (SELECT status FROM meetings WHERE id = OLD.meeting_id) = 'finalised'
BEGIN SELECT RAISE(ABORT, 'a finalised meeting is immutable: its participants cannot be changed'); END;
CREATE TRIGGER meeting_participants_final_delete BEFORE DELETE ON meeting_participants
WHEN (SELECT status FROM meetings WHERE id = OLD.meeting_id) = 'finalised'
BEGIN SELECT RAISE(ABORT, 'a finalised meeting is immutable: its participants cannot be changed'); END;

CREATE VIRTUAL TABLE minutes_fts USING fts5(meeting_code UNINDEXED, kind UNINDEXED, title, body);
CREATE TRIGGER meetings_finalised_fts AFTER UPDATE OF status ON meetings
WHEN NEW.status = 'finalised' AND OLD.status != 'finalised'
BEGIN
    INSERT INTO minutes_fts (meeting_code, kind, title, body) VALUES (NEW.code, 'minutes', NEW.title, NEW.minutes);
    INSERT INTO minutes_fts (meeting_code, kind, title, body)
    SELECT NEW.code, 'decision', a.title, a.decision || ': ' || coalesce(a.decision_note, '')
    FROM agenda_items a WHERE a.meeting_id = NEW.id AND a.decision IS NOT NULL;
END;
"""

#: Execution tables whose every write must come with an audit record.
EXECUTION_TABLES = (
    "initiatives", "initiative_links", "milestones", "milestone_dependencies", "execution_alerts",
    "meetings", "meeting_participants", "agenda_items", "root_causes", "target_decisions",
    "actions", "action_notes",
)
