"""Redacting a copy of a pmtui file down to one audience's level.

Works on a *copy* (never the live file): the copy's guard triggers are dropped first,
because the copy is a derived, read-only artefact and not an audited pmtui file. The
steps are generic over the schema, so that tables added by other feature areas are
redacted without being listed here:

1. rows of every table with a ``confidentiality`` column that are above the level go;
2. rows that depend on deleted rows go too, found from ``PRAGMA foreign_key_list`` and
   from columns named ``<thing>_id`` where a table ``<thing>s`` exists (caches without
   foreign keys, such as ``spc_results.kpi_id``), repeated until nothing changes;
3. only approved data stays (see :data:`APPROVED_ONLY`), private columns are emptied;
4. audit entries about rows that are no longer in the copy keep their place in the
   chain (seq, ts, actor, action, entity, key, hashes) but lose their values;
5. every TEXT cell has the codes and names of removed elements replaced by
   :data:`MARKER` and formula-looking text neutralised (see :func:`neutralise`).

Full-text indexes (FTS5 virtual tables such as ``minutes_fts``) hold copies of text
outside any row that carries a confidentiality level, so they are dropped before the
steps above (:func:`drop_fts`) and, for those listed in :data:`FTS_SOURCES`, rebuilt
from the redacted rows at the end (:func:`rebuild_fts`).
"""

from __future__ import annotations

import re
import sqlite3

from pmtui.core.validation import FORMULA_PREFIXES

#: Confidentiality levels from least to most restricted.
LEVELS = ("public", "internal", "confidential")

#: What replaces the code or name of an element above the audience's level.
MARKER = "[redacted]"

#: What replaces the old/new values of a redacted audit entry.
REDACTED_JSON = '{"redacted": true}'

#: How a full-text index is refilled from the (redacted) rows it indexes: the same rows
#: that the live file's triggers put there (``meetings_finalised_fts`` for ``minutes_fts``:
#: the minutes and the decisions of finalised meetings). Indexes not listed are dropped.
FTS_SOURCES = {
    "minutes_fts": (
        "INSERT INTO minutes_fts (meeting_code, kind, title, body)"
        " SELECT code, 'minutes', title, minutes FROM meetings WHERE status = 'finalised'",
        "INSERT INTO minutes_fts (meeting_code, kind, title, body)"
        " SELECT m.code, 'decision', a.title, a.decision || ': ' || coalesce(a.decision_note, '')"
        " FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id"
        " WHERE m.status = 'finalised' AND a.decision IS NOT NULL",
    ),
}

#: Tables whose unapproved rows are never published: table -> SQL condition of rows to delete.
APPROVED_ONLY = {
    "measurements": "status IS NOT 'approved'",
    "target_revisions": "status = 'draft' OR status = 'submitted'",
    "measurement_corrections": "status IS NOT 'approved'",
}

#: Columns holding private data of people, emptied in every table that has them.
PRIVATE_COLUMNS = ("email", "phone")


def allowed_levels(audience: str) -> tuple[str, ...]:
    """The confidentiality levels an audience may see (never ``confidential``).

    Raises:
        ValueError: ``audience`` is not ``public`` or ``internal``.
    """
    if audience not in LEVELS[:2]:
        raise ValueError(f"unknown audience {audience!r}: choose public or internal")
    return LEVELS[: LEVELS.index(audience) + 1]


def neutralise(value):
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def token_pattern(codes: list[str], names: list[str]) -> re.Pattern | None:
    """A regex matching any code (case-sensitive) or name (any case) as a whole word."""
    parts = [re.escape(c) for c in sorted(set(codes), key=len, reverse=True) if c]
    parts += ["(?i:" + re.escape(n) + ")" for n in sorted(set(names), key=len, reverse=True) if n]
    if not parts:
        return None
    return re.compile(r"(?<![A-Za-z0-9_])(?:" + "|".join(parts) + r")(?![A-Za-z0-9_])")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def tables(conn: sqlite3.Connection) -> list[str]:
    """User tables of the copy (no sqlite_ internals)."""
    return [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]


def columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    """``(name, declared type)`` of each column of ``table``."""
    return [(r[1], (r[2] or "").upper()) for r in conn.execute(f"PRAGMA table_info({_q(table)})")]


def drop_triggers(conn: sqlite3.Connection) -> int:
    """Drop every trigger (guards, append-only audit log): the copy is no live pmtui file."""
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
    for name in names:
        conn.execute(f"DROP TRIGGER {_q(name)}")
    return len(names)


def fts_tables(conn: sqlite3.Connection) -> dict[str, str]:
    """Full-text virtual tables of the copy: name -> its ``CREATE VIRTUAL TABLE`` statement."""
    return {name: sql for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")
        if re.search(r"\busing\s+fts\d", sql, re.I)}


def drop_fts(conn: sqlite3.Connection) -> dict[str, str]:
    """Drop every full-text index (with its shadow tables); returns what :func:`rebuild_fts` needs."""
    found = fts_tables(conn)
    for name in found:
        conn.execute(f"DROP TABLE {_q(name)}")
    return found


def rebuild_fts(conn: sqlite3.Connection, dropped: dict[str, str]) -> dict[str, int]:
    """Re-create the indexes of :data:`FTS_SOURCES` among ``dropped`` from the redacted rows.

    Returns:
        Rows indexed per rebuilt index (indexes without a known source stay dropped).
    """
    counts = {}
    for name, create in dropped.items():
        if name not in FTS_SOURCES:
            continue
        conn.execute(create)
        for statement in FTS_SOURCES[name]:
            conn.execute(statement)
        counts[name] = conn.execute(f"SELECT count(*) FROM {_q(name)}").fetchone()[0]
    return counts


def removed_tokens(conn: sqlite3.Connection, allowed: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Codes and names of the rows above the level, in every table with a confidentiality column."""
    marks = ",".join("?" * len(allowed))
    codes: list[str] = []
    names: list[str] = []
    for table in tables(conn):
        cols = {c for c, _ in columns(conn, table)}
        if "confidentiality" not in cols:
            continue
        where = f"confidentiality NOT IN ({marks})"
        for col, bucket in (("code", codes), ("name", names), ("title", names)):
            if col in cols:
                bucket += [r[0] for r in conn.execute(f"SELECT {col} FROM {_q(table)} WHERE {where}", allowed)
                           if isinstance(r[0], str)]
    return codes, names


def delete_above(conn: sqlite3.Connection, allowed: tuple[str, ...]) -> dict[str, int]:
    """Delete rows above the level, then everything that depends on them; counts per table."""
    counts: dict[str, int] = {}
    marks = ",".join("?" * len(allowed))
    for table in tables(conn):
        if "confidentiality" in {c for c, _ in columns(conn, table)}:
            cur = conn.execute(f"DELETE FROM {_q(table)} WHERE confidentiality NOT IN ({marks})", allowed)
            counts[table] = counts.get(table, 0) + cur.rowcount
    for table, condition in APPROVED_ONLY.items():
        if table in tables(conn):
            cur = conn.execute(f"DELETE FROM {_q(table)} WHERE {condition}")
            counts[table] = counts.get(table, 0) + cur.rowcount
    _cascade(conn, counts)
    return {t: n for t, n in counts.items() if n}


def implicit_parent(column: str, present: set[str]) -> str | None:
    """The table a ``<thing>_id`` column points at by name (``kpi_id`` -> ``kpis``), if present."""
    if not column.endswith("_id") or column == "_id":
        return None
    base = column[:-3]
    for name in (base + "s", base + "es", base[:-1] + "ies" if base.endswith("y") else None):
        if name in present:
            return name
    return None


def _references(conn: sqlite3.Connection, table: str) -> list[tuple[str, str, str]]:
    """``(column, parent table, parent column)`` for declared and implicit references."""
    refs = [(r[3], r[2], r[4] or "id") for r in conn.execute(f"PRAGMA foreign_key_list({_q(table)})")]
    declared = {r[0] for r in refs}
    present = set(tables(conn))
    for col, _ in columns(conn, table):
        parent = None if col in declared else implicit_parent(col, present)
        if parent is not None and parent != table and "id" in {c for c, _ in columns(conn, parent)}:
            refs.append((col, parent, "id"))
    return refs


def _cascade(conn: sqlite3.Connection, counts: dict[str, int]) -> None:
    # Repeat until stable: deleting a unit removes its objectives, which removes their links...
    graph = {t: _references(conn, t) for t in tables(conn)}
    changed = True
    while changed:
        changed = False
        for table, refs in graph.items():
            for col, parent, parent_col in refs:
                cur = conn.execute(
                    f"DELETE FROM {_q(table)} WHERE {_q(col)} IS NOT NULL AND {_q(col)} NOT IN"
                    f" (SELECT {_q(parent_col)} FROM {_q(parent)} WHERE {_q(parent_col)} IS NOT NULL)")
                if cur.rowcount:
                    counts[table] = counts.get(table, 0) + cur.rowcount
                    changed = True


def redact_audit(conn: sqlite3.Connection) -> int:
    """Blank the values of audit entries whose element is no longer in the copy.

    An entry concerns a table row (``entity`` = table, ``entity_key`` = its key): when the
    row is gone (above the level, unapproved, or deleted in the live file) the entry keeps
    its place but its old/new values and reason become :data:`REDACTED_JSON` / NULL.
    Entries naming no table of the copy are redacted as well.

    Returns:
        The number of entries redacted.
    """
    if "audit_log" not in tables(conn):
        return 0
    total = 0
    present = set(tables(conn))
    entities = [r[0] for r in conn.execute("SELECT DISTINCT entity FROM audit_log")]
    for entity in entities:
        cols = {c for c, _ in columns(conn, entity)} if entity in present else set()
        key = "key" if entity == "settings" else "id"
        if key in cols:
            missing = (f"entity_key NOT IN (SELECT CAST({_q(key)} AS TEXT) FROM {_q(entity)}"
                       f" WHERE {_q(key)} IS NOT NULL)")
        else:
            missing = "1"
        cur = conn.execute(
            f"UPDATE audit_log SET old = CASE WHEN old IS NULL THEN NULL ELSE ? END, new = ?, reason = NULL"
            f" WHERE entity = ? AND {missing}", [REDACTED_JSON, REDACTED_JSON, entity])
        total += cur.rowcount
    return total


def clear_private(conn: sqlite3.Connection) -> int:
    """Empty the private columns (e-mail addresses...) wherever they appear."""
    total = 0
    for table in tables(conn):
        for col, _ in columns(conn, table):
            if col in PRIVATE_COLUMNS:
                total += conn.execute(f"UPDATE {_q(table)} SET {_q(col)} = NULL WHERE {_q(col)} IS NOT NULL").rowcount
    return total


def clean_text(conn: sqlite3.Connection, pattern: re.Pattern | None) -> int:
    """Scrub removed codes/names and neutralise formulas in every TEXT cell of every table.

    Returns:
        The number of rows changed.
    """

    def clean(value):
        if not isinstance(value, str):
            return value
        if pattern is not None:
            value = pattern.sub(MARKER, value)
        return neutralise(value)

    def dirty(*values) -> int:
        return int(any(isinstance(v, str) and clean(v) != v for v in values))

    conn.create_function("pm_publish_clean", 1, clean, deterministic=True)
    # One call per row decides whether the row needs the (per-cell) rewrite at all.
    conn.create_function("pm_publish_dirty", -1, dirty, deterministic=True)
    total = 0
    for table in tables(conn):
        texts = [c for c, kind in columns(conn, table) if kind in ("", "TEXT") or "CHAR" in kind or "CLOB" in kind]
        if not texts:
            continue
        sets = ", ".join(f"{_q(c)} = pm_publish_clean({_q(c)})" for c in texts)
        args = ", ".join(_q(c) for c in texts)
        total += conn.execute(f"UPDATE {_q(table)} SET {sets} WHERE pm_publish_dirty({args})").rowcount
    return total
