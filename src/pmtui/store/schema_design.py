"""Schema for framework design (strategy, measurement architecture, calendars, SPC).

One migration step, ``create_framework_design``, appended to ``schema.STEPS``. Tables
named in ``DESIGN_TABLES`` are guarded and audited like the core ones; ``spc_results``
is a derived cache rebuilt from approved measurements (not audited, never published
as a source of truth: ``pmtui spc refresh`` recomputes it).
"""

from __future__ import annotations

DESIGN_SQL = """
CREATE TABLE planning_cycles (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    start_period TEXT NOT NULL,
    end_period TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status = 'open' OR status = 'closed')
);
ALTER TABLE objectives ADD COLUMN cycle_id INTEGER REFERENCES planning_cycles(id);
CREATE TABLE excluded_metrics (
    id INTEGER PRIMARY KEY,
    cycle_id INTEGER REFERENCES planning_cycles(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    confidentiality TEXT NOT NULL DEFAULT 'public'
        CHECK (confidentiality = 'public' OR confidentiality = 'internal' OR confidentiality = 'confidential')
);
CREATE TABLE allocation_rounds (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    cycle_id INTEGER REFERENCES planning_cycles(id),
    budget REAL NOT NULL CHECK (budget >= 0),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status = 'open' OR status = 'decided')
);
CREATE TABLE allocation_criteria (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES allocation_rounds(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind = 'financial' OR kind = 'non_financial'),
    weight REAL NOT NULL CHECK (weight >= 0),
    UNIQUE (round_id, code)
);
CREATE TABLE allocation_requests (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES allocation_rounds(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    code TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    budget_line TEXT NOT NULL,
    amount REAL NOT NULL CHECK (amount >= 0),
    status TEXT NOT NULL DEFAULT 'proposed'
        CHECK (status = 'proposed' OR status = 'approved' OR status = 'rejected' OR status = 'deferred'),
    decided_amount REAL,
    rationale TEXT,
    decided_by TEXT,
    decided_at TEXT
);
CREATE TABLE allocation_scores (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES allocation_requests(id),
    criterion_id INTEGER NOT NULL REFERENCES allocation_criteria(id),
    score REAL NOT NULL CHECK (score >= 0 AND score <= 10),
    UNIQUE (request_id, criterion_id)
);
CREATE TABLE kpi_assessments (
    id INTEGER PRIMARY KEY,
    kpi_id INTEGER NOT NULL UNIQUE REFERENCES kpis(id),
    availability INTEGER NOT NULL CHECK (availability BETWEEN 1 AND 5),
    predictability INTEGER NOT NULL CHECK (predictability BETWEEN 1 AND 5),
    actionability INTEGER NOT NULL CHECK (actionability BETWEEN 1 AND 5),
    regulated INTEGER NOT NULL DEFAULT 0 CHECK (regulated = 0 OR regulated = 1),
    notes TEXT NOT NULL DEFAULT '',
    assessed_by TEXT NOT NULL,
    assessed_at TEXT NOT NULL
);
CREATE TABLE kpi_drivers (
    id INTEGER PRIMARY KEY,
    leading_kpi_id INTEGER NOT NULL REFERENCES kpis(id),
    lagging_kpi_id INTEGER NOT NULL REFERENCES kpis(id),
    max_lag INTEGER NOT NULL DEFAULT 6 CHECK (max_lag BETWEEN 0 AND 24),
    UNIQUE (leading_kpi_id, lagging_kpi_id)
);
CREATE TABLE target_revisions (
    id INTEGER PRIMARY KEY,
    target_id INTEGER NOT NULL REFERENCES targets(id),
    original_target REAL NOT NULL,
    original_amber REAL,
    original_target_high REAL,
    original_amber_high REAL,
    revised_target REAL NOT NULL,
    revised_amber REAL,
    revised_target_high REAL,
    revised_amber_high REAL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'submitted'
        CHECK (status = 'submitted' OR status = 'approved' OR status = 'rejected'),
    requested_by TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    decision_note TEXT
);
CREATE TRIGGER target_revisions_four_eyes BEFORE UPDATE OF status ON target_revisions
WHEN NEW.status <> 'submitted' AND (NEW.decided_by IS NULL OR NEW.decided_by = NEW.requested_by)
BEGIN SELECT RAISE(ABORT, 'four-eyes rule: a target revision cannot be decided by the person who requested it'); END;
CREATE TABLE data_sources (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    system TEXT NOT NULL,
    it_domain TEXT NOT NULL,
    reliability TEXT NOT NULL CHECK (reliability = 'high' OR reliability = 'medium' OR reliability = 'low'),
    latency_hours REAL NOT NULL DEFAULT 24 CHECK (latency_hours >= 0),
    refresh TEXT NOT NULL CHECK (refresh = 'realtime' OR refresh = 'hourly' OR refresh = 'daily'
                                 OR refresh = 'weekly' OR refresh = 'monthly')
);
ALTER TABLE kpis ADD COLUMN source_id INTEGER REFERENCES data_sources(id);
ALTER TABLE kpis ADD COLUMN reporting_mode TEXT NOT NULL DEFAULT 'periodic'
    CHECK (reporting_mode = 'periodic' OR reporting_mode = 'feed');
ALTER TABLE kpis ADD COLUMN due_days INTEGER NOT NULL DEFAULT 10 CHECK (due_days BETWEEN 0 AND 120);
ALTER TABLE kpis ADD COLUMN formula TEXT;
ALTER TABLE kpis ADD COLUMN spc_mode INTEGER NOT NULL DEFAULT 0 CHECK (spc_mode = 0 OR spc_mode = 1);
CREATE TABLE kpi_variants (
    id INTEGER PRIMARY KEY,
    kpi_id INTEGER NOT NULL REFERENCES kpis(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    definition TEXT NOT NULL,
    regulation TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    approved_on TEXT NOT NULL,
    UNIQUE (kpi_id, unit_id)
);
CREATE TABLE source_readings (
    id INTEGER PRIMARY KEY,
    kpi_id INTEGER NOT NULL REFERENCES kpis(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    period TEXT NOT NULL,
    source_id INTEGER NOT NULL REFERENCES data_sources(id),
    value REAL NOT NULL,
    received_at TEXT NOT NULL,
    UNIQUE (unit_id, period, kpi_id, source_id)
);
CREATE TABLE assessments (
    id INTEGER PRIMARY KEY,
    kpi_id INTEGER NOT NULL REFERENCES kpis(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    period TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    commentary TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (unit_id, period, kpi_id, author)
);
CREATE TABLE unit_calendars (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL UNIQUE REFERENCES units(id),
    pattern TEXT NOT NULL CHECK (pattern = 'monthly' OR pattern = '4-4-5' OR pattern = '4-5-4' OR pattern = '5-4-4'),
    month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    year_end TEXT NOT NULL DEFAULT 'nearest' CHECK (year_end = 'nearest' OR year_end = 'last'),
    weekday TEXT NOT NULL DEFAULT 'saturday',
    label TEXT NOT NULL DEFAULT 'start' CHECK (label = 'start' OR label = 'end')
);
CREATE TABLE spc_settings (
    id INTEGER PRIMARY KEY,
    kpi_id INTEGER NOT NULL REFERENCES kpis(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    baseline_points INTEGER CHECK (baseline_points IS NULL OR baseline_points >= 2),
    rebase_periods TEXT NOT NULL DEFAULT '',
    screen_outliers INTEGER NOT NULL DEFAULT 1 CHECK (screen_outliers = 0 OR screen_outliers = 1),
    shift_length INTEGER NOT NULL DEFAULT 7 CHECK (shift_length BETWEEN 6 AND 8),
    trend_length INTEGER NOT NULL DEFAULT 7 CHECK (trend_length BETWEEN 6 AND 8),
    UNIQUE (kpi_id, unit_id)
);
CREATE TABLE spc_results (
    kpi_id INTEGER NOT NULL,
    unit_id INTEGER NOT NULL,
    period TEXT NOT NULL,
    value REAL NOT NULL,
    mean REAL,
    upl REAL,
    lpl REAL,
    special_cause TEXT,
    rule TEXT,
    PRIMARY KEY (unit_id, kpi_id, period)
);
CREATE TABLE spc_summary (
    kpi_id INTEGER NOT NULL,
    unit_id INTEGER NOT NULL,
    points INTEGER NOT NULL,
    variation TEXT,
    assurance TEXT,
    last_rule TEXT,
    warning TEXT,
    PRIMARY KEY (unit_id, kpi_id)
);
"""

#: Audited, guarded tables added by this step (``spc_results``/``spc_summary`` are derived caches).
DESIGN_TABLES = (
    "planning_cycles", "excluded_metrics", "allocation_rounds", "allocation_criteria", "allocation_requests",
    "allocation_scores", "kpi_assessments", "kpi_drivers", "target_revisions", "data_sources", "kpi_variants",
    "source_readings", "assessments", "unit_calendars", "spc_settings",
)
