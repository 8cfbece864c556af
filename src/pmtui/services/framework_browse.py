"""Reads behind the welcome screen and the framework editor (no Textual here).

Lists that grow with the file (a unit's objectives and KPI links, the KPI catalogue) are
read one page at a time with ``LIMIT``/``OFFSET``; the unit tree is read whole (tens of
units). Results are plain dataclasses so they can cross from a worker thread.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from pmtui.services.errors import NotFound
from pmtui.services.framework import id_of
from pmtui.services.framework_edit import get_kpi, get_unit, list_units


@dataclass(frozen=True)
class Counts:
    """How much framework the file holds."""

    units: int
    kpis: int
    objectives: int
    links: int

    @property
    def ready(self) -> bool:
        """True once an objective is measured by a KPI: the scorecard then has something to show."""
        return self.links > 0


def counts(conn: sqlite3.Connection) -> Counts:
    """Units, KPIs, objectives and objective-KPI links in the file."""
    row = conn.execute("SELECT (SELECT count(*) FROM units), (SELECT count(*) FROM kpis),"
                       " (SELECT count(*) FROM objectives), (SELECT count(*) FROM objective_kpis)").fetchone()
    return Counts(*row)


def has_framework(conn: sqlite3.Connection) -> bool:
    """True when the scorecard has something to show (an objective measured by a KPI)."""
    return conn.execute("SELECT EXISTS (SELECT 1 FROM objective_kpis)").fetchone()[0] == 1


@dataclass(frozen=True)
class UnitNode:
    """A unit of the tree."""

    code: str
    name: str
    kind: str
    parent: str | None
    depth: int
    active: bool


def unit_tree(conn: sqlite3.Connection) -> list[UnitNode]:
    """Every unit in tree order (each below its parent), inactive ones included."""
    return [UnitNode(u["code"], u["name"], u["kind"], u["parent"], u["depth"], u["active"]) for u in list_units(conn)]


@dataclass(frozen=True)
class Line:
    """One row of a unit's framework: an objective, or a KPI that measures the objective above it.

    ``weight`` is the objective's weight among its siblings, or the KPI's in the objective.
    """

    kind: str  # "objective" or "kpi"
    objective: str
    code: str
    name: str
    weight: float
    level: str = ""
    perspective: str = ""
    parent: str | None = None
    causes: str = ""
    owner_role: str | None = None
    uom: str = ""
    direction: str = ""
    frequency: str = ""


@dataclass(frozen=True)
class Page:
    """One page of rows and how many rows there are in all."""

    rows: list
    total: int
    offset: int


_UNIT_LINES = """
WITH objs AS (
    SELECT o.id, o.code, o.name, o.level, o.weight, p.code AS perspective, p.sort_order, par.code AS parent,
           r.code AS owner_role
    FROM objectives o JOIN perspectives p ON p.id = o.perspective_id
    LEFT JOIN objectives par ON par.id = o.parent_id LEFT JOIN roles r ON r.id = o.owner_role_id
    WHERE o.unit_id = :unit
)
SELECT * FROM (
    SELECT o.sort_order AS s1, o.code AS s2, 0 AS s3, 'objective' AS kind, o.code AS objective, o.code, o.name,
           o.weight, o.level, o.perspective, o.parent, o.owner_role, '' AS uom, '' AS direction, '' AS frequency,
           (SELECT group_concat(code, ', ') FROM (SELECT c.code FROM objective_links l
                JOIN objectives c ON c.id = l.cause_id WHERE l.effect_id = o.id ORDER BY c.code)) AS causes
    FROM objs o
    UNION ALL
    SELECT o.sort_order, o.code, 1, 'kpi', o.code, k.code, k.name, ok.weight, '', '', NULL, NULL,
           k.uom, k.direction, k.frequency, ''
    FROM objs o JOIN objective_kpis ok ON ok.objective_id = o.id JOIN kpis k ON k.id = ok.kpi_id
) ORDER BY s1, s2, s3, code LIMIT :limit OFFSET :offset
"""


def unit_lines(conn: sqlite3.Connection, unit: str, *, offset: int = 0, limit: int = 100) -> Page:
    """A page of ``unit``'s objectives (by perspective, then code), each followed by its KPI links."""
    uid = id_of(conn, "units", unit, "unit")
    total = conn.execute("SELECT (SELECT count(*) FROM objectives WHERE unit_id = ?) + (SELECT count(*)"
                         " FROM objective_kpis ok JOIN objectives o ON o.id = ok.objective_id WHERE o.unit_id = ?)",
                         [uid, uid]).fetchone()[0]
    rows = conn.execute(_UNIT_LINES, {"unit": uid, "limit": limit, "offset": offset})
    lines = [Line(r["kind"], r["objective"], r["code"], r["name"], r["weight"], r["level"], r["perspective"],
                  r["parent"], r["causes"] or "", r["owner_role"], r["uom"], r["direction"], r["frequency"])
             for r in rows]
    return Page(lines, total, offset)


@dataclass(frozen=True)
class KpiRow:
    """A KPI definition as the catalogue lists it."""

    code: str
    name: str
    uom: str
    direction: str
    frequency: str
    perspective: str | None
    units: int


def kpi_catalogue(conn: sqlite3.Connection, *, offset: int = 0, limit: int = 100) -> Page:
    """A page of every KPI definition by code, with the number of units whose objectives it measures."""
    total = conn.execute("SELECT count(*) FROM kpis").fetchone()[0]
    rows = conn.execute(
        """SELECT k.code, k.name, k.uom, k.direction, k.frequency, p.code,
                  (SELECT count(DISTINCT o.unit_id) FROM objective_kpis ok JOIN objectives o ON o.id = ok.objective_id
                   WHERE ok.kpi_id = k.id)
           FROM kpis k LEFT JOIN perspectives p ON p.id = k.perspective_id ORDER BY k.code LIMIT ? OFFSET ?""",
        [limit, offset])
    return Page([KpiRow(*r) for r in rows], total, offset)


def unit_form(conn: sqlite3.Connection, code: str) -> dict:
    """A unit's fields as its edit form shows them."""
    return get_unit(conn, code)


def kpi_form(conn: sqlite3.Connection, code: str) -> dict:
    """A KPI's fields as its edit form shows them."""
    return get_kpi(conn, code)


def objective_form(conn: sqlite3.Connection, code: str) -> dict:
    """An objective's fields, its KPI links (``[(code, weight)]``) and causes, for its edit form."""
    row = conn.execute(
        """SELECT o.id, o.code, o.name, o.description, o.level, u.code AS unit, p.code AS perspective,
                  par.code AS parent, r.code AS owner_role, o.weight, o.confidentiality
           FROM objectives o JOIN units u ON u.id = o.unit_id JOIN perspectives p ON p.id = o.perspective_id
           LEFT JOIN objectives par ON par.id = o.parent_id LEFT JOIN roles r ON r.id = o.owner_role_id
           WHERE o.code = ?""", [code]).fetchone()
    if row is None:
        raise NotFound(f"unknown objective {code!r}")
    kpis = [(r[0], r[1]) for r in conn.execute(
        "SELECT k.code, ok.weight FROM objective_kpis ok JOIN kpis k ON k.id = ok.kpi_id WHERE ok.objective_id = ?"
        " ORDER BY k.code", [row["id"]])]
    causes = [r[0] for r in conn.execute(
        "SELECT c.code FROM objective_links l JOIN objectives c ON c.id = l.cause_id WHERE l.effect_id = ?"
        " ORDER BY c.code", [row["id"]])]
    return {k: v for k, v in dict(row).items() if k != "id"} | {"kpis": kpis, "causes": causes}
