"""Tables a published file gets beside its materialised views, computed at publish time.

- ``pub_home_units`` / ``pub_home_perspectives``: every published unit's score and its
  perspectives for the latest period (the home page). Rolling objectives up through the
  cascade is the TUI's own read model (:func:`pmtui.services.scorecard.build`), too slow
  to run per page view on a large file, so it runs here, once, together with the stored
  scorecards of :mod:`pmtui.publish.stored_scorecards` (the scorecard page).
- ``pub_pending_approvals`` (and ``pub_awaiting_decision``): what waits for a second
  person's decision (who submitted what and when, never a value), taken before
  unapproved rows are deleted.
- ``pub_snapshot``: one row saying what the file is: company, audience, publish time and
  the snapshot date (``as_of``) that "overdue" and "stale" are judged against.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from pmtui.publish import stored_scorecards
from pmtui.publish.materialise import add_indexes
from pmtui.store import queries
from pmtui.store.audit import utc_text

HOME_SQL = """
CREATE TABLE pub_home_units (
    unit TEXT PRIMARY KEY, unit_name TEXT, depth INTEGER, sort_order INTEGER, period TEXT,
    score REAL, status TEXT, kpis_scored INTEGER, kpis_total INTEGER, pending INTEGER);
CREATE TABLE pub_home_perspectives (
    unit TEXT, period TEXT, perspective TEXT, perspective_name TEXT, sort_order INTEGER,
    score REAL, status TEXT, objectives INTEGER, PRIMARY KEY (unit, perspective));
"""

PENDING = "pub_pending_approvals"

#: Views about what waits for a decision: computed on the rows *before* unapproved rows
#: are deleted (afterwards they would be empty), in this order of preference as the source
#: of ``pub_pending_approvals``. Each is also stored under its own name.
PENDING_VIEWS = ("pub_pending_approvals", "pub_awaiting_decision")

#: Used when no feature area defines one of :data:`PENDING_VIEWS`: submitted values.
PENDING_SQL = """
CREATE TABLE pub_pending_approvals AS
SELECT 'value' AS kind, k.code AS kpi, k.name AS kpi_name, u.code AS unit, u.name AS unit_name, m.period,
       m.submitted_by, m.submitted_at
FROM measurements m JOIN kpis k ON k.id = m.kpi_id JOIN units u ON u.id = m.unit_id
WHERE m.status = 'submitted' AND k.confidentiality IN ({marks}) AND u.confidentiality IN ({marks})
ORDER BY m.submitted_at, u.code, k.code, m.period
"""

SNAPSHOT_SQL = """
CREATE TABLE pub_snapshot (
    company TEXT, audience TEXT NOT NULL, published_at TEXT NOT NULL, as_of TEXT NOT NULL,
    source_audit_seq INTEGER NOT NULL)
"""


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _is_view(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'view' AND name = ?", [name]).fetchone() is not None


def store_view_early(conn: sqlite3.Connection, view: str, allowed: tuple[str, ...], as_name: str | None = None) -> None:
    """Store ``view``'s rows now, minus rows of units and KPIs above ``allowed`` (by code).

    Such views already leave confidential rows out; internal ones go for the public
    audience here. With ``as_name``, the rows are stored under that name and the view
    stays; otherwise the view is replaced by the table.
    """
    marks = ",".join("?" * len(allowed))
    cols = {r[1] for r in conn.execute(f"PRAGMA table_info({_q(view)})")}
    conds, params = [], []
    for col, table in (("kpi", "kpis"), ("unit", "units")):
        if col in cols:
            conds.append(f"({_q(col)} IS NULL OR {_q(col)} IN"
                         f" (SELECT code FROM {table} WHERE confidentiality IN ({marks})))")
            params += allowed
    target = as_name or "__early_" + view
    conn.execute(f"CREATE TABLE {_q(target)} AS SELECT * FROM {_q(view)} WHERE {' AND '.join(conds) or '1'}",
                 params)
    if as_name is None:
        conn.execute(f"DROP VIEW {_q(view)}")
        conn.execute("PRAGMA legacy_alter_table = ON")  # other views may name it: no re-parse
        try:
            conn.execute(f"ALTER TABLE {_q(target)} RENAME TO {_q(view)}")
        finally:
            conn.execute("PRAGMA legacy_alter_table = OFF")
    add_indexes(conn, as_name or view)


def pending_approvals(conn: sqlite3.Connection, allowed: tuple[str, ...]) -> int:
    """Store ``pub_pending_approvals`` (and the other :data:`PENDING_VIEWS`) from the rows before redaction.

    Its source is the first of :data:`PENDING_VIEWS` that a feature area defines, else the
    submitted measurements (:data:`PENDING_SQL`). Who submitted what and when: never a value.

    Returns:
        The number of rows of ``pub_pending_approvals``.
    """
    views = [v for v in PENDING_VIEWS if _is_view(conn, v)]
    if PENDING not in views:
        if views:
            store_view_early(conn, views[0], allowed, as_name=PENDING)
        else:
            marks = ",".join("?" * len(allowed))
            conn.execute(PENDING_SQL.format(marks=marks), allowed + allowed)
            add_indexes(conn, PENDING)
    for view in views:
        store_view_early(conn, view, allowed)
    return conn.execute(f"SELECT count(*) FROM {PENDING}").fetchone()[0]


def snapshot_table(conn: sqlite3.Connection, *, audience: str, now: datetime, source_seq: int) -> str:
    """Create ``pub_snapshot`` (one row); returns the snapshot date ``as_of`` (``YYYY-MM-DD``)."""
    conn.execute(SNAPSHOT_SQL)
    row = conn.execute("SELECT value FROM settings WHERE key = 'company_name'").fetchone()
    as_of = now.date().isoformat()
    conn.execute("INSERT INTO pub_snapshot VALUES (?, ?, ?, ?, ?)",
                 [row[0] if row else None, audience, utc_text(now), as_of, source_seq])
    return as_of


def home_tables(conn: sqlite3.Connection) -> int:
    """Create and fill the home page's roll-up tables and the stored scorecards from the redacted copy.

    Args:
        conn: the redacted copy (confidential rows already deleted), rows as tuples or Rows.

    Returns:
        The number of units written.
    """
    for statement in HOME_SQL.strip().split(";"):
        if statement.strip():
            conn.execute(statement)
    stored_scorecards.create_tables(conn)
    previous = conn.row_factory
    conn.row_factory = sqlite3.Row
    try:
        units = queries.units_tree(conn)
        for order, unit in enumerate(units):
            card = stored_scorecards.build_and_store(conn, unit["code"])
            lines = [k for p in card.perspectives for o in p.objectives for k in o.kpis]
            conn.execute("INSERT INTO pub_home_units VALUES (?,?,?,?,?,?,?,?,?,?)",
                         [unit["code"], unit["name"], unit["depth"], order, card.period,
                          None if card.score is None else round(card.score, 2), card.status,
                          sum(1 for k in lines if k.score is not None), len(lines), card.pending])
            for p_order, p in enumerate(card.perspectives):
                conn.execute("INSERT INTO pub_home_perspectives VALUES (?,?,?,?,?,?,?,?)",
                             [unit["code"], card.period, p.code, p.name, p_order,
                              None if p.score is None else round(p.score, 2), p.status, len(p.objectives)])
    finally:
        conn.row_factory = previous
    return len(units)
