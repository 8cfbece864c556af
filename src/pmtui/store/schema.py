"""The schema as an ordered list of named migration steps.

Each step is a function of a sqlite-utils ``Database``; steps are named for what they
do (``create_core``, ``add_...``) and are never edited once released: a change is a new
step. ``GUARDED_TABLES`` lists every table whose writes must carry an audit record.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

# CHECKs are written as OR chains: SQLite evaluates "x IN (...)" in a CHECK by building a
# temporary index per row, which made bulk inserts into measurements twice as slow.
CONFIDENTIALITY = "confidentiality TEXT NOT NULL DEFAULT 'public' CHECK (confidentiality = 'public' OR confidentiality = 'internal' OR confidentiality = 'confidential')"

CORE_TABLES = f"""
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT
);
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    parent_id INTEGER REFERENCES units(id),
    kind TEXT NOT NULL CHECK (kind = 'group' OR kind = 'region' OR kind = 'business_unit' OR kind = 'team'),
    {CONFIDENTIALITY},
    active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE roles (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    permissions TEXT NOT NULL DEFAULT ''
);
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    email TEXT,
    active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE role_assignments (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    role_id INTEGER NOT NULL REFERENCES roles(id),
    unit_id INTEGER REFERENCES units(id),
    valid_from TEXT NOT NULL,
    valid_to TEXT
);
CREATE TABLE perspectives (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    weight REAL NOT NULL DEFAULT 1 CHECK (weight >= 0),
    sort_order INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE kpis (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    definition TEXT NOT NULL DEFAULT '',
    uom TEXT NOT NULL DEFAULT '',
    direction TEXT NOT NULL CHECK (direction = 'higher' OR direction = 'lower' OR direction = 'band'),
    aggregation TEXT NOT NULL DEFAULT 'sum' CHECK (aggregation = 'sum' OR aggregation = 'avg' OR aggregation = 'last' OR aggregation = 'min' OR aggregation = 'max'),
    frequency TEXT NOT NULL DEFAULT 'monthly' CHECK (frequency = 'monthly' OR frequency = 'quarterly' OR frequency = 'yearly'),
    lead_lag TEXT NOT NULL DEFAULT 'lagging' CHECK (lead_lag = 'leading' OR lead_lag = 'lagging'),
    financial INTEGER NOT NULL DEFAULT 0 CHECK (financial = 0 OR financial = 1),
    perspective_id INTEGER REFERENCES perspectives(id),
    owner_role_id INTEGER REFERENCES roles(id),
    decimals INTEGER NOT NULL DEFAULT 1 CHECK (decimals BETWEEN 0 AND 6),
    {CONFIDENTIALITY},
    active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE objectives (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    level TEXT NOT NULL CHECK (level = 'corporate' OR level = 'unit' OR level = 'team'),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    parent_id INTEGER REFERENCES objectives(id),
    perspective_id INTEGER NOT NULL REFERENCES perspectives(id),
    owner_role_id INTEGER REFERENCES roles(id),
    weight REAL NOT NULL DEFAULT 1 CHECK (weight >= 0),
    {CONFIDENTIALITY}
);
CREATE TABLE objective_kpis (
    id INTEGER PRIMARY KEY,
    objective_id INTEGER NOT NULL REFERENCES objectives(id),
    kpi_id INTEGER NOT NULL REFERENCES kpis(id),
    weight REAL NOT NULL DEFAULT 1 CHECK (weight >= 0),
    UNIQUE (objective_id, kpi_id)
);
CREATE TABLE objective_links (
    id INTEGER PRIMARY KEY,
    cause_id INTEGER NOT NULL REFERENCES objectives(id),
    effect_id INTEGER NOT NULL REFERENCES objectives(id),
    UNIQUE (cause_id, effect_id)
);
CREATE TABLE targets (
    id INTEGER PRIMARY KEY,
    kpi_id INTEGER NOT NULL REFERENCES kpis(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    period TEXT NOT NULL,
    target REAL NOT NULL,
    amber REAL,
    target_high REAL,
    amber_high REAL,
    UNIQUE (kpi_id, unit_id, period)
);
CREATE TABLE measurements (
    id INTEGER PRIMARY KEY,
    kpi_id INTEGER NOT NULL REFERENCES kpis(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    period TEXT NOT NULL,
    value REAL NOT NULL,
    comment TEXT,
    status TEXT NOT NULL CHECK (status = 'draft' OR status = 'submitted' OR status = 'approved' OR status = 'rejected'),
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    submitted_by TEXT,
    submitted_at TEXT,
    decided_by TEXT,
    decided_at TEXT,
    reason TEXT,
    batch_seq INTEGER,
    -- one index serves both (unit, period) ranges and (kpi, unit, period) look-ups
    UNIQUE (unit_id, period, kpi_id)
);
CREATE INDEX objectives_unit ON objectives (unit_id);
CREATE INDEX objective_kpis_kpi ON objective_kpis (kpi_id);
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    old TEXT,
    new TEXT,
    reason TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_log (entity, entity_key);
"""

#: Core tables whose every write must come with an audit record (guarded by triggers).
CORE_GUARDED = (
    "settings", "units", "roles", "users", "role_assignments", "perspectives", "kpis",
    "objectives", "objective_kpis", "objective_links", "targets", "measurements",
)

from pmtui.store.schema_design import DESIGN_SQL, DESIGN_TABLES  # noqa: E402
from pmtui.store.schema_execution import EXECUTION_SQL, EXECUTION_TABLES  # noqa: E402
from pmtui.store.schema_governance import GOVERNANCE_SQL, GOVERNANCE_TABLES  # noqa: E402
from pmtui.store.schema_authoring import AUTHORING_SQL, AUTHORING_TABLES  # noqa: E402

#: Every table whose writes must come with an audit record (guarded by triggers).
GUARDED_TABLES = CORE_GUARDED + DESIGN_TABLES + EXECUTION_TABLES + GOVERNANCE_TABLES + AUTHORING_TABLES

#: Natural primary-key column of each guarded table (the audit ``entity_key``).
KEY_COLUMN = {table: "id" for table in GUARDED_TABLES} | {"settings": "key"}


def guard_sql(table: str) -> str:
    """Triggers that make writes to ``table`` fail outside a pmtui audited transaction."""
    return "\n".join(
        f"CREATE TRIGGER guard_{table}_{op.lower()} BEFORE {op} ON {table} BEGIN SELECT pmtui_guard(); END;"
        for op in ("INSERT", "UPDATE", "DELETE")
    )


AUDIT_GUARDS = """
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be changed'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be deleted'); END;
CREATE TRIGGER guard_audit_log_insert BEFORE INSERT ON audit_log BEGIN SELECT pmtui_guard(); END;
"""


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Execute statements one by one (``executescript`` would commit the migration's transaction)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement.strip())
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement: {statement[:80]!r}")


def create_core(db) -> None:
    """Tables for units, people, the scorecard framework, targets, measurements and the audit log."""
    run_script(db.conn, CORE_TABLES)


def add_guard_triggers(db) -> None:
    """Append-only audit log and write guards on every audited table."""
    run_script(db.conn, AUDIT_GUARDS + "\n".join(guard_sql(t) for t in CORE_GUARDED))


def create_published_views(db) -> None:
    """Read-only views published through Datasette (approved data only)."""
    from pmtui.store import views  # noqa: PLC0415

    run_script(db.conn, views.CREATE_VIEWS_V1)


#: The ordered migration steps. Append only.
STEPS: list[tuple[str, Callable]] = [
    ("create_core", create_core),
    ("add_guard_triggers", add_guard_triggers),
    ("create_published_views", create_published_views),
]


def expected_triggers() -> set[str]:
    """Names of the triggers a fully migrated file must have (checked by ``audit verify``)."""
    names = {"audit_log_no_update", "audit_log_no_delete", "guard_audit_log_insert"}
    for table in GUARDED_TABLES:
        names |= {f"guard_{table}_{op}" for op in ("insert", "update", "delete")}
    return names


FOUR_EYES = """
CREATE TRIGGER measurements_four_eyes BEFORE UPDATE OF status ON measurements
WHEN NEW.status IN ('approved', 'rejected')
 AND (NEW.decided_by IS NULL OR NEW.decided_by = NEW.submitted_by OR NEW.decided_by = NEW.entered_by)
BEGIN SELECT RAISE(ABORT, 'four-eyes rule: a value cannot be decided by the person who entered or submitted it'); END;
"""


def add_four_eyes_trigger(db) -> None:
    """The database itself refuses self-approval, whatever tool writes."""
    run_script(db.conn, FOUR_EYES)


STEPS.append(("add_four_eyes_trigger", add_four_eyes_trigger))


def create_framework_design(db) -> None:
    """Planning cycles, allocation, KPI assessments and drivers, target revisions, data sources,
    variants, source readings, qualitative assessments, unit calendars and SPC settings."""
    run_script(db.conn, DESIGN_SQL + "\n".join(guard_sql(t) for t in DESIGN_TABLES))


STEPS.append(("create_framework_design", create_framework_design))

from pmtui.store.schema_measurement import create_measurement_views  # noqa: E402
STEPS.append(("create_measurement_views", create_measurement_views))
from pmtui.store.schema_strategy import create_strategy_views  # noqa: E402
STEPS.append(("create_strategy_views", create_strategy_views))
from pmtui.store.schema_allocation import create_allocation_views  # noqa: E402
STEPS.append(("create_allocation_views", create_allocation_views))
from pmtui.store.schema_drivers import create_drivers_views  # noqa: E402
STEPS.append(("create_drivers_views", create_drivers_views))
from pmtui.store.schema_spc import create_spc_views  # noqa: E402
STEPS.append(("create_spc_views", create_spc_views))


def create_execution(db) -> None:
    """Initiatives, milestones, slippage alerts, review meetings, root causes and the action register."""
    run_script(db.conn, EXECUTION_SQL + "\n".join(guard_sql(t) for t in EXECUTION_TABLES))


def create_governance(db) -> None:
    """Corrections of approved values, RACI, escalation, incentives, disputes, controls and commentary."""
    run_script(db.conn, GOVERNANCE_SQL + "\n".join(guard_sql(t) for t in GOVERNANCE_TABLES))


STEPS.append(("create_execution", create_execution))
STEPS.append(("create_governance", create_governance))


def _views_step(area: str) -> Callable:
    """The step that creates the published views of ``pmtui.store.views_<area>`` (its ``VIEWS``)."""
    def step(db) -> None:
        import importlib  # noqa: PLC0415

        run_script(db.conn, importlib.import_module(f"pmtui.store.views_{area}").VIEWS)

    step.__doc__ = f"Published views of the {area} area."
    return step


#: Feature areas of execution and governance, each with a ``views_<area>`` module.
VIEW_AREAS = ("initiatives", "reviews", "actions", "corrections", "accountability", "controls", "disputes")
for _area in VIEW_AREAS:
    STEPS.append((f"create_{_area}_views", _views_step(_area)))


def create_target_proposals(db) -> None:
    """Targets proposed for new periods, approved by someone else before they score (M3.3)."""
    from pmtui.store.schema_authoring import awaiting_decision_sql  # noqa: PLC0415

    run_script(db.conn, AUTHORING_SQL + awaiting_decision_sql() + "\n".join(guard_sql(t) for t in AUTHORING_TABLES))


STEPS.append(("create_target_proposals", create_target_proposals))


def add_kpi_value_range(db) -> None:
    """A KPI may declare the range its values must stay in (min_value, max_value; NULL: none)."""
    run_script(db.conn, "ALTER TABLE kpis ADD COLUMN min_value REAL;\nALTER TABLE kpis ADD COLUMN max_value REAL;")


STEPS.append(("add_kpi_value_range", add_kpi_value_range))
