"""Read queries behind the scorecard and KPI screens (bounded, index-backed)."""

from __future__ import annotations

import sqlite3

UNITS_TREE = """
WITH RECURSIVE tree(id, depth, path) AS (
    SELECT id, 0, code FROM units WHERE parent_id IS NULL
    UNION ALL
    SELECT u.id, tree.depth + 1, tree.path || '/' || u.code FROM units u JOIN tree ON u.parent_id = tree.id
)
SELECT u.id, u.code, u.name, u.kind, u.confidentiality, tree.depth
FROM tree JOIN units u ON u.id = tree.id WHERE u.active = 1 ORDER BY tree.path
"""

OBJECTIVE_TREE = """
WITH RECURSIVE tree(id) AS (
    SELECT id FROM objectives WHERE unit_id = :unit
    UNION SELECT o.id FROM objectives o JOIN tree ON o.parent_id = tree.id
)
SELECT o.id, o.code, o.name, o.level, o.weight, o.parent_id, o.unit_id, o.confidentiality,
       p.code AS perspective, p.name AS perspective_name, p.weight AS perspective_weight,
       p.sort_order AS perspective_order, r.code AS owner_role
FROM tree JOIN objectives o ON o.id = tree.id
JOIN perspectives p ON p.id = o.perspective_id
LEFT JOIN roles r ON r.id = o.owner_role_id
ORDER BY p.sort_order, o.code
"""

OBJECTIVE_KPIS = """
WITH RECURSIVE tree(id) AS (
    SELECT id FROM objectives WHERE unit_id = :unit
    UNION SELECT o.id FROM objectives o JOIN tree ON o.parent_id = tree.id
)
SELECT ok.objective_id, ok.weight, k.id AS kpi_id, k.code, k.name, k.direction, k.uom, k.decimals,
       k.confidentiality, m.value, m.status, t.target, t.amber, t.target_high, t.amber_high
FROM tree JOIN objectives o ON o.id = tree.id
JOIN objective_kpis ok ON ok.objective_id = o.id
JOIN kpis k ON k.id = ok.kpi_id
LEFT JOIN measurements m ON m.kpi_id = k.id AND m.unit_id = o.unit_id AND m.period = :period
LEFT JOIN targets t ON t.kpi_id = k.id AND t.unit_id = o.unit_id AND t.period = :period
ORDER BY ok.objective_id, k.code
"""


def units_tree(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Active units in tree order with their depth."""
    return conn.execute(UNITS_TREE).fetchall()


def unit_period_range(conn: sqlite3.Connection, unit_id: int) -> tuple[str | None, str | None]:
    """First and last period with data at any unit that the unit's scorecard draws on.

    One index probe per unit (min and max on ``measurements(unit_id, period)``), so it
    stays fast on files with millions of measurements.
    """
    unit_ids = [r[0] for r in conn.execute(
        """WITH RECURSIVE tree(id) AS (SELECT id FROM objectives WHERE unit_id = ?
           UNION SELECT o.id FROM objectives o JOIN tree ON o.parent_id = tree.id)
           SELECT DISTINCT unit_id FROM objectives WHERE id IN tree""", [unit_id])]
    firsts, lasts = [], []
    for uid in unit_ids:
        first = conn.execute("SELECT min(period) FROM measurements WHERE unit_id = ?", [uid]).fetchone()[0]
        last = conn.execute("SELECT max(period) FROM measurements WHERE unit_id = ?", [uid]).fetchone()[0]
        if first:
            firsts.append(first)
            lasts.append(last)
    return (min(firsts), max(lasts)) if firsts else (None, None)


def latest_approved_period(conn: sqlite3.Connection, unit_id: int, upper: str | None) -> str | None:
    """The latest period (up to ``upper``) with an approved value at the unit's scorecard units."""
    if upper is None:
        return None
    unit_ids = [r[0] for r in conn.execute(
        """WITH RECURSIVE tree(id) AS (SELECT id FROM objectives WHERE unit_id = ?
           UNION SELECT o.id FROM objectives o JOIN tree ON o.parent_id = tree.id)
           SELECT DISTINCT unit_id FROM objectives WHERE id IN tree""", [unit_id])]
    best = None
    for uid in unit_ids:
        row = conn.execute("SELECT max(period) FROM measurements WHERE unit_id = ? AND period <= ?"
                           " AND status = 'approved'", [uid, upper]).fetchone()
        if row[0] and (best is None or row[0] > best):
            best = row[0]
    return best


def objectives(conn: sqlite3.Connection, unit_id: int) -> list[sqlite3.Row]:
    """Objectives of a unit and all objectives cascaded below them."""
    return conn.execute(OBJECTIVE_TREE, {"unit": unit_id}).fetchall()


def objective_kpis(conn: sqlite3.Connection, unit_id: int, period: str) -> list[sqlite3.Row]:
    """KPI links of those objectives with each KPI's value and target for ``period``."""
    return conn.execute(OBJECTIVE_KPIS, {"unit": unit_id, "period": period}).fetchall()


def kpi(conn: sqlite3.Connection, code: str) -> sqlite3.Row | None:
    """A KPI definition with its perspective and owner role names."""
    return conn.execute(
        """SELECT k.*, p.name AS perspective, r.code AS owner_role, r.name AS owner_role_name
           FROM kpis k LEFT JOIN perspectives p ON p.id = k.perspective_id LEFT JOIN roles r ON r.id = k.owner_role_id
           WHERE k.code = ?""", [code]).fetchone()


def kpi_history(conn: sqlite3.Connection, kpi_id: int, unit_id: int, first: str, last: str) -> list[sqlite3.Row]:
    """Values and targets of a KPI at a unit between two periods (inclusive)."""
    return conn.execute(
        """SELECT m.period, m.value, m.status, m.comment, m.entered_by, m.submitted_by, m.decided_by,
                  t.target, t.amber, t.target_high, t.amber_high
           FROM measurements m LEFT JOIN targets t ON t.kpi_id = m.kpi_id AND t.unit_id = m.unit_id
                AND t.period = m.period
           WHERE m.kpi_id = ? AND m.unit_id = ? AND m.period BETWEEN ? AND ? ORDER BY m.period""",
        [kpi_id, unit_id, first, last]).fetchall()


def kpi_units(conn: sqlite3.Connection, kpi_id: int) -> list[sqlite3.Row]:
    """Units that measure a KPI (through their objectives)."""
    return conn.execute(
        """SELECT DISTINCT u.id, u.code, u.name FROM objective_kpis ok JOIN objectives o ON o.id = ok.objective_id
           JOIN units u ON u.id = o.unit_id WHERE ok.kpi_id = ? ORDER BY u.code""", [kpi_id]).fetchall()
