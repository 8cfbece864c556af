"""The history of one element from the audit trail, from its first entry (M7.2).

An element is one audited row: ``entity`` (its table) and ``key``, or named by business
codes: ``kpi`` alone is the KPI definition, ``kpi`` + ``unit`` + ``period`` the
measurement row, ``unit`` alone the unit. Its history lists every audit entry about
it, oldest first, with who, when, why and old -> new per field; for a measurement it
also includes the bulk import that created it and refused attempts on it.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from pmtui.core import audit_diff
from pmtui.core.periods import parse as parse_period
from pmtui.services.errors import NotFound, PmError
from pmtui.services.framework import id_of
from pmtui.store import audit
from pmtui.store.schema import GUARDED_TABLES, KEY_COLUMN


@dataclass(frozen=True)
class Element:
    """One audited row: its table, key and a label people read."""

    entity: str
    key: str
    label: str


@dataclass
class History:
    """An element's entries, oldest first, and its row as it is now (None when deleted)."""

    element: Element
    entries: list[dict]
    current: dict | None
    refs: dict[str, dict] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {"entity": self.element.entity, "key": self.element.key, "label": self.element.label,
                "current": self.current, "entries": self.entries}


def check_entity(entity: str) -> str:
    """An audited table name, or a clear error listing them."""
    if entity not in GUARDED_TABLES:
        raise PmError(f"entity {entity!r} is not an audited table; use one of: {', '.join(sorted(GUARDED_TABLES))}")
    return entity


def element_of(conn: sqlite3.Connection, *, entity: str | None = None, key: str | None = None,
               kpi: str | None = None, unit: str | None = None, period: str | None = None) -> Element:
    """Resolve the element a user named (see the module docstring).

    Raises:
        PmError: a combination that names no single element, an unknown code or table, or
            an element with no audit entry at all.
    """
    if entity or key:
        if not (entity and key) or kpi or unit or period:
            raise PmError("name an element either by --entity TABLE --key KEY, or by --kpi CODE"
                          " [--unit CODE --period YYYY-MM], or by --unit CODE")
        check_entity(entity)
        key = str(key)
    elif kpi and unit and period:
        try:
            parse_period(period)
        except ValueError as exc:
            raise PmError(str(exc)) from None
        row = conn.execute("SELECT id FROM measurements WHERE kpi_id = ? AND unit_id = ? AND period = ?",
                           [id_of(conn, "kpis", kpi, "KPI"), id_of(conn, "units", unit, "unit"), period]).fetchone()
        if row is None:
            raise NotFound(f"no measurement of {kpi} at {unit} for {period}")
        entity, key = "measurements", str(row[0])
    elif kpi and not unit and not period:
        entity, key = "kpis", str(id_of(conn, "kpis", kpi, "KPI"))
    elif unit and not kpi and not period:
        entity, key = "units", str(id_of(conn, "units", unit, "unit"))
    else:
        raise PmError("--unit and --period go together with --kpi (the measurement row); --kpi alone is the KPI"
                      " definition, --unit alone the unit")
    row = audit.fetch_row(conn, entity, key)
    if row is None and not conn.execute("SELECT 1 FROM audit_log WHERE entity = ? AND entity_key = ? LIMIT 1",
                                        [entity, key]).fetchone():
        raise NotFound(f"{entity} {key} has no audit entry: no such element")
    return Element(entity, key, label_of(conn, entity, key, row))


def label_of(conn: sqlite3.Connection, entity: str, key: str, row: dict | None) -> str:
    """``measurement OTD_PCT at PLANT_A for 2026-10``, ``KPI OTD_PCT (On-time delivery)``, ``users 4 (mvega)``."""
    if row is None:
        first = conn.execute("SELECT old FROM audit_log WHERE entity = ? AND entity_key = ? AND old IS NOT NULL"
                             " ORDER BY seq DESC LIMIT 1", [entity, key]).fetchone()
        row = json.loads(first[0]) if first else {}
    codes = {}
    for column, table in (("kpi_id", "kpis"), ("unit_id", "units")):
        if row.get(column) is not None:
            hit = conn.execute(f"SELECT code FROM {table} WHERE id = ?", [row[column]]).fetchone()
            codes[column] = hit[0] if hit else f"#{row[column]}"
    if entity in ("measurements", "targets") and codes:
        return (f"{entity[:-1]} {codes.get('kpi_id')} at {codes.get('unit_id')} for {row.get('period')}")
    if entity == "kpis":
        return f"KPI {row.get('code')} ({row.get('name')})"
    if entity == "units":
        return f"unit {row.get('code')} ({row.get('name')})"
    name = row.get("code") or row.get("name") or row.get("title") or row.get("quarter")
    return f"{entity} {key}" + (f" ({name})" if name else "")


def columns(conn: sqlite3.Connection, table: str) -> tuple[str, ...]:
    """A table's columns in order."""
    return tuple(r[1] for r in conn.execute(f"PRAGMA table_info({table})"))


def describe(conn: sqlite3.Connection, entry: sqlite3.Row | dict, *, row_id: int | None = None) -> dict:
    """One audit entry with its changes (for an import, only the row ``row_id`` when given)."""
    old = json.loads(entry["old"]) if entry["old"] else None
    new = json.loads(entry["new"]) if entry["new"] else None
    action = entry["action"]
    if action == "measurement.import" and row_id is not None and new:
        new, action = audit_diff.imported_row(new, row_id), "measurement.imported"
    table = entry["entity"]
    order = columns(conn, table) if table in GUARDED_TABLES else ()
    found = audit_diff.changes(action, old, new, order=order)
    return {"seq": entry["seq"], "ts": entry["ts"], "actor": entry["actor"], "action": entry["action"],
            "entity": table, "key": entry["entity_key"], "kind": audit_diff.kind_of(entry["action"], old, new),
            "reason": entry["reason"], "hash": entry["hash"],
            "changes": [{"field": c.field, "old": c.old, "new": c.new, "created": c.created} for c in found]}


def entry(conn: sqlite3.Connection, seq: int) -> dict:
    """The audit entry ``seq`` with its changes."""
    row = conn.execute("SELECT * FROM audit_log WHERE seq = ?", [seq]).fetchone()
    if row is None:
        raise NotFound(f"no audit entry {seq}")
    return describe(conn, row)


def history(conn: sqlite3.Connection, element: Element) -> History:
    """Every entry about ``element``, oldest first (imports and refused attempts on a measurement included)."""
    where, params = ["(entity = ? AND entity_key = ?)"], [element.entity, element.key]
    current = audit.fetch_row(conn, element.entity, element.key)
    if element.entity == "measurements" and current is not None:
        if current.get("batch_seq"):
            where.append("seq = ?")
            params.append(current["batch_seq"])
        kpi, unit = (conn.execute(f"SELECT code FROM {t} WHERE id = ?", [current[c]]).fetchone()[0]
                     for t, c in (("kpis", "kpi_id"), ("units", "unit_id")))
        where.append("(entity = 'measurements' AND entity_key = ?)")
        params.append(f"{kpi}|{unit}|{current['period']}")
    rows = conn.execute(f"SELECT * FROM audit_log WHERE {' OR '.join(where)} ORDER BY seq", params)
    entries = [describe(conn, r, row_id=int(element.key) if element.entity == "measurements" else None)
               for r in rows]
    return History(element, entries, current, refs=references(conn, element.entity, entries))


def references(conn: sqlite3.Connection, table: str, entries: list[dict]) -> dict[str, dict]:
    """For each foreign-key column of ``table``: id -> code (or name) of the rows the entries mention."""
    out: dict[str, dict] = {}
    for fk in conn.execute(f"PRAGMA foreign_key_list({table})").fetchall():
        parent, column = fk[2], fk[3]
        ids = {c["old"] for e in entries for c in e["changes"] if c["field"] == column}
        ids |= {c["new"] for e in entries for c in e["changes"] if c["field"] == column}
        ids.discard(None)
        names = columns(conn, parent)
        label = next((n for n in ("code", "name", "title", "quarter") if n in names), None)
        if not ids or not label:
            continue
        key = KEY_COLUMN.get(parent, "id")
        marks = ",".join("?" * len(ids))
        out[column] = {r[0]: r[1] for r in conn.execute(
            f"SELECT {key}, {label} FROM {parent} WHERE {key} IN ({marks})", sorted(ids, key=str))}
    return out
