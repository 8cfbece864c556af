"""Unit scorecards stored in a published file at publish time, and read back per page view.

Rolling objectives up through the cascade (:func:`pmtui.services.scorecard.build`) costs
25 ms for a business unit and 0.7 s for the group on the large benchmark file: too slow
for a page view. A published file never changes once written, so every published unit's
scorecard for its :data:`STORED_PERIODS` latest periods (the periods the scorecard
page's picker offers) is computed once, in the redacted copy, and stored as rows:

- ``pub_scorecards``: one row per unit and period (score, status, pending count,
  ``latest`` = 1 for the period the page opens on);
- ``pub_scorecard_lines``: perspective, objective and KPI lines of each scorecard in
  display order (``seq``), with the fields of the TUI's read model.

:func:`load` turns the rows back into a :class:`~pmtui.services.scorecard.Scorecard`,
so the page renders stored and computed scorecards with the same code.
"""

from __future__ import annotations

import sqlite3

from pmtui.services import scorecard
from pmtui.services.scorecard import KpiLine, ObjectiveLine, PerspectiveLine, Scorecard

#: Periods stored per unit (latest first): the scorecard page's period picker offers these.
STORED_PERIODS = 12

CARDS_TABLE = "pub_scorecards"
LINES_TABLE = "pub_scorecard_lines"

SCHEMA = f"""
CREATE TABLE {CARDS_TABLE} (
    unit TEXT NOT NULL, period TEXT NOT NULL, unit_name TEXT, score REAL, status TEXT,
    pending INTEGER, kpis INTEGER, latest INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (unit, period));
CREATE TABLE {LINES_TABLE} (
    unit TEXT NOT NULL, period TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,
    code TEXT, name TEXT, weight REAL, score REAL, status TEXT,
    perspective TEXT, level TEXT, owner_role TEXT, coverage REAL,
    value REAL, value_status TEXT, target REAL, uom TEXT, decimals INTEGER, spc TEXT,
    PRIMARY KEY (unit, period, seq));
"""

_LINE_COLUMNS = ("unit", "period", "seq", "kind", "code", "name", "weight", "score", "status", "perspective",
                 "level", "owner_role", "coverage", "value", "value_status", "target", "uom", "decimals", "spc")


def create_tables(conn: sqlite3.Connection) -> None:
    """Create the two empty tables."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)


def line_rows(card: Scorecard) -> list[tuple]:
    """The card flattened into :data:`_LINE_COLUMNS` tuples, in display order."""
    out: list[tuple] = []

    def add(kind: str, **fields) -> None:
        row = {"unit": card.unit, "period": card.period, "seq": len(out), "kind": kind} | fields
        out.append(tuple(row.get(c) for c in _LINE_COLUMNS))

    for p in card.perspectives:
        add("perspective", code=p.code, name=p.name, weight=p.weight, score=p.score, status=p.status)
        for o in p.objectives:
            add("objective", code=o.code, name=o.name, weight=o.weight, score=o.score, status=o.status,
                perspective=o.perspective, level=o.level, owner_role=o.owner_role, coverage=o.coverage)
            for k in o.kpis:
                add("kpi", code=k.code, name=k.name, weight=k.weight, score=k.score, status=k.status,
                    value=k.value, value_status=k.status_of_value, target=k.target, uom=k.uom,
                    decimals=k.decimals, spc=k.spc)
    return out


def store(conn: sqlite3.Connection, card: Scorecard, *, latest: bool) -> None:
    """Write one scorecard (its header row and its lines)."""
    kpis = len({k.code for p in card.perspectives for o in p.objectives for k in o.kpis})
    conn.execute(f"INSERT INTO {CARDS_TABLE} VALUES (?,?,?,?,?,?,?,?)",
                 [card.unit, card.period, card.unit_name, card.score, card.status, card.pending, kpis, int(latest)])
    marks = ",".join("?" * len(_LINE_COLUMNS))
    conn.executemany(f"INSERT INTO {LINES_TABLE} VALUES ({marks})", line_rows(card))


def build_and_store(conn: sqlite3.Connection, unit: str) -> Scorecard:
    """Compute and store ``unit``'s scorecards for its latest periods; returns the latest one.

    ``conn`` is the redacted copy with :class:`sqlite3.Row` rows; ``published=True`` gives
    exactly what the live scorecard page shows a stakeholder.
    """
    latest = scorecard.build(conn, unit, None, published=True)
    if latest.period is None:  # no data yet: nothing to store, the page says so from the live read
        return latest
    store(conn, latest, latest=True)
    for period in latest.periods[:STORED_PERIODS]:
        if period != latest.period:
            store(conn, scorecard.build(conn, unit, period, published=True), latest=False)
    return latest


def is_stored(conn: sqlite3.Connection) -> bool:
    """True for a published file that holds stored scorecards."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                        [CARDS_TABLE]).fetchone() is not None


def load(conn: sqlite3.Connection, unit: str, period: str | None) -> Scorecard | None:
    """The stored scorecard of ``unit`` for ``period`` (None: the latest), or None if not stored.

    Returns None for periods that were not stored (older than the picker offers): the
    caller then computes that one from the redacted tables.
    """
    where = "period = ?" if period else "latest = 1"
    head = conn.execute(f"SELECT unit, period, unit_name, score, status, pending FROM {CARDS_TABLE}"
                        f" WHERE unit = ? AND {where}", [unit, period] if period else [unit]).fetchone()
    if head is None:
        return None
    stored = [r[0] for r in conn.execute(f"SELECT period FROM {CARDS_TABLE} WHERE unit = ? ORDER BY period DESC",
                                         [unit])]
    card = Scorecard(head[0], head[2], head[1], stored, head[3], head[4], [], head[5])
    objective: ObjectiveLine | None = None
    cols = ", ".join(_LINE_COLUMNS[3:])
    for r in conn.execute(f"SELECT {cols} FROM {LINES_TABLE} WHERE unit = ? AND period = ? ORDER BY seq",
                          [head[0], head[1]]):
        (kind, code, name, weight, score, status, perspective, level, owner_role, coverage,
         value, value_status, target, uom, decimals, spc) = tuple(r)
        if kind == "perspective":
            card.perspectives.append(PerspectiveLine(code, name, weight, score, status, []))
        elif kind == "objective":
            objective = ObjectiveLine(code, name, level, weight, owner_role, perspective, score, status, coverage)
            card.perspectives[-1].objectives.append(objective)
        else:
            objective.kpis.append(KpiLine(code, name, uom, decimals, weight, value, value_status, target, score,
                                          status, spc))
    return card
