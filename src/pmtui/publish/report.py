"""Stored roll-ups for the stakeholders' home page, computed once at publish time.

The home page shows every published unit's score and its perspectives for the latest
period. Rolling objectives up through the cascade is the TUI's own read model
(:func:`pmtui.services.scorecard.build`), too slow to run per page view on a large file,
so the results are written into ``pub_home_units`` and ``pub_home_perspectives`` of the
redacted copy. ``pub_pending_approvals`` holds counts of values waiting for a decision
(never the values): it is computed before unapproved rows are deleted.
"""

from __future__ import annotations

import sqlite3

from pmtui.publish.materialise import add_indexes
from pmtui.services import scorecard
from pmtui.store import queries

HOME_SQL = """
CREATE TABLE pub_home_units (
    unit TEXT PRIMARY KEY, unit_name TEXT, depth INTEGER, sort_order INTEGER, period TEXT,
    score REAL, status TEXT, kpis_scored INTEGER, kpis_total INTEGER, pending INTEGER);
CREATE TABLE pub_home_perspectives (
    unit TEXT, period TEXT, perspective TEXT, perspective_name TEXT, sort_order INTEGER,
    score REAL, status TEXT, objectives INTEGER, PRIMARY KEY (unit, perspective));
"""

PENDING_SQL = """
CREATE TABLE pub_pending_approvals AS
SELECT u.code AS unit, u.name AS unit_name, k.code AS kpi, k.name AS kpi_name,
       count(*) AS values_waiting, min(m.submitted_at) AS oldest_submitted_at
FROM measurements m JOIN kpis k ON k.id = m.kpi_id JOIN units u ON u.id = m.unit_id
WHERE m.status = 'submitted' AND k.confidentiality IN ({marks}) AND u.confidentiality IN ({marks})
GROUP BY u.code, k.code ORDER BY u.code, k.code
"""


def pending_counts(conn: sqlite3.Connection, allowed: tuple[str, ...]) -> None:
    """Create ``pub_pending_approvals`` (counts per unit and KPI, no values) from the live rows."""
    marks = ",".join("?" * len(allowed))
    conn.execute(PENDING_SQL.format(marks=marks), allowed + allowed)


def home_tables(conn: sqlite3.Connection) -> int:
    """Create and fill the home page's roll-up tables from the redacted copy.

    Args:
        conn: the redacted copy (confidential rows already deleted), rows as tuples or Rows.

    Returns:
        The number of units written.
    """
    for statement in HOME_SQL.strip().split(";"):
        if statement.strip():
            conn.execute(statement)
    previous = conn.row_factory
    conn.row_factory = sqlite3.Row
    try:
        units = queries.units_tree(conn)
        for order, unit in enumerate(units):
            card = scorecard.build(conn, unit["code"], None, published=True)
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
    add_indexes(conn, "pub_pending_approvals")
    return len(units)
