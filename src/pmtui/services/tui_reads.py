"""Small reads the TUI needs beside :mod:`pmtui.services.scorecard` (no Textual here).

Every function takes a connection that the caller opened in its own worker thread
(see :func:`job`); results are plain dataclasses so they can cross threads.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pmtui.services import anchor, framework, verify
from pmtui.services.scorecard import Scorecard, unit_id
from pmtui.store import queries
from pmtui.store.db import connect

#: How many of a unit's targets the KPI screen lists (latest first).
TARGETS_SHOWN = 6


@contextmanager
def job(path: str | Path, *, readonly: bool = False) -> Iterator[sqlite3.Connection]:
    """A connection for one background job, closed afterwards.

    Opening is cheap (a few pragmas); migrations are the app's job at start-up, so
    workers never run them.
    """
    conn = connect(path, readonly=readonly, migrate=False)
    try:
        yield conn
    finally:
        conn.close()


@dataclass(frozen=True)
class UnitItem:
    """A unit in tree order."""

    code: str
    name: str
    depth: int


def units(conn: sqlite3.Connection) -> list[UnitItem]:
    """Active units in tree order (the unit picker's list)."""
    return [UnitItem(r["code"], r["name"], r["depth"]) for r in queries.units_tree(conn)]


def company_name(conn: sqlite3.Connection) -> str:
    """The company's name, for the title bar."""
    return framework.get_setting(conn, "company_name", "") or ""


@dataclass(frozen=True)
class TargetItem:
    """A target of a KPI at a unit for one period."""

    period: str
    target: float
    amber: float | None
    target_high: float | None
    amber_high: float | None


def targets(conn: sqlite3.Connection, kpi: str, unit: str, limit: int = TARGETS_SHOWN) -> list[TargetItem]:
    """The unit's latest ``limit`` targets for ``kpi`` (latest period first)."""
    rows = conn.execute(
        """SELECT t.period, t.target, t.amber, t.target_high, t.amber_high
           FROM targets t JOIN kpis k ON k.id = t.kpi_id
           WHERE k.code = ? AND t.unit_id = ? ORDER BY t.period DESC LIMIT ?""",
        [kpi, unit_id(conn, unit), limit])
    return [TargetItem(*r) for r in rows]


def integrity(conn: sqlite3.Connection, db_path: str | Path) -> verify.Report:
    """Verify the file against its audit trail and the anchor beside it."""
    return verify.verify(conn, anchor.read(db_path))


def coverage(card: Scorecard) -> float | None:
    """Share of the unit's scorecard weight that carries a score in the shown period.

    Each perspective's coverage is its objectives' coverage weighted by objective
    weight; the unit's is those weighted by perspective weight, mirroring the roll-up.
    """
    parts = []
    for perspective in card.perspectives:
        weight = sum(o.weight for o in perspective.objectives)
        if weight:
            share = sum(o.weight * (o.coverage or 0.0) for o in perspective.objectives) / weight
            parts.append((share, perspective.weight))
    total = sum(w for _, w in parts)
    return sum(share * w for share, w in parts) / total if total else None


@dataclass(frozen=True)
class CascadedObjective:
    """An objective cascaded directly below another one, at its own unit."""

    parent: str
    code: str
    name: str
    unit: str


def cascaded(conn: sqlite3.Connection, parents: list[str]) -> dict[str, list[CascadedObjective]]:
    """The objectives cascaded directly below each of ``parents`` (for drilling down a unit)."""
    if not parents:
        return {}
    marks = ",".join("?" * len(parents))
    rows = conn.execute(
        f"""SELECT p.code, o.code, o.name, u.code FROM objectives o JOIN objectives p ON p.id = o.parent_id
            JOIN units u ON u.id = o.unit_id WHERE p.code IN ({marks}) ORDER BY p.code, u.code, o.code""",
        parents)
    out: dict[str, list[CascadedObjective]] = {}
    for row in rows:
        out.setdefault(row[0], []).append(CascadedObjective(*row))
    return out


def integrity_main(argv: list[str]) -> int:
    """Child-process entry point: print the report for ``argv = [db_path, "ro" | "rw"]`` as JSON.

    The TUI runs the check in a separate interpreter so that a long verification of a
    large file never competes with the interface for the interpreter lock.
    """
    db_path, mode = argv
    with job(db_path, readonly=mode == "ro") as conn:
        print(json.dumps(integrity(conn, db_path).to_dict()))
    return 0


def report_from_json(text: str) -> verify.Report:
    """The :class:`~pmtui.services.verify.Report` that :func:`integrity_main` printed."""
    data = json.loads(text)
    return verify.Report(data["entries"], data["head"], data["anchor_seq"],
                         [verify.Finding(**f) for f in data["findings"]])
