"""The archive of decisions and meeting minutes (M7.6): full-text search and reading.

Finalised meetings are immutable (triggers in :mod:`pmtui.store.schema_execution`) and
their minutes and decisions are copied into the FTS5 table ``minutes_fts`` when they are
finalised. This module only reads: :func:`search` ranks matches (bm25) and returns
snippets; :func:`show` returns one meeting's full minutes and decisions. The text a
user types is turned into a quoted FTS5 expression by :mod:`pmtui.core.fulltext`.
"""

from __future__ import annotations

import sqlite3

from pmtui.core import fulltext
from pmtui.services.errors import NotFound, PmError

#: Most results one page may ask for.
MAX_LIMIT = 200

#: Entries of confidential meetings, units or agenda items (left out when ``published``).
_HIDDEN = """(m.confidentiality = 'confidential' OR u.confidentiality = 'confidential'
    OR (f.kind = 'decision' AND EXISTS (SELECT 1 FROM agenda_items a WHERE a.meeting_id = m.id
        AND a.title = f.title AND a.confidentiality = 'confidential')))"""

_FROM = """FROM minutes_fts f LEFT JOIN meetings m ON m.code = f.meeting_code
LEFT JOIN units u ON u.id = m.unit_id"""


def search(conn: sqlite3.Connection, query: str, *, limit: int = 20, offset: int = 0, published: bool = False,
           mark: tuple[str, str] = ("[", "]")) -> dict:
    """Search the archive: best matches first, each with a snippet whose hits are wrapped in ``mark``.

    An empty query (or one without a searchable word) lists every entry, latest meeting first.

    Returns:
        ``{"query", "match", "total", "limit", "offset", "results": [{"meeting", "kind", "title",
        "title_marked", "snippet", "unit", "period", "held_on", "confidentiality", "score"}]}``; ``score`` is bm25 (lower is better).
    """
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise PmError(f"limit must be 1..{MAX_LIMIT} and offset 0 or more")
    match = fulltext.match_expression(query)
    where = [f"NOT {_HIDDEN}"] if published else []
    params: list = []
    if match:
        where.insert(0, "minutes_fts MATCH ?")
        params.append(match)
        columns = ("highlight(minutes_fts, 2, ?, ?) AS title_marked, snippet(minutes_fts, 3, ?, ?, '…', 16) AS snippet,"
                   " f.rank AS score")
        order = "f.rank, f.rowid"
        head = [*mark, *mark]
    else:
        columns = "f.title AS title_marked, substr(f.body, 1, 160) AS snippet, NULL AS score"
        order = "m.held_on DESC, f.meeting_code DESC, f.rowid"
        head = []
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    total = conn.execute(f"SELECT count(*) {_FROM}{clause}", params).fetchone()[0]
    rows = conn.execute(
        f"""SELECT f.rowid AS entry, f.meeting_code AS meeting, f.kind, f.title, {columns},
                   u.code AS unit, m.period, m.held_on, m.confidentiality
            {_FROM}{clause} ORDER BY {order} LIMIT ? OFFSET ?""", [*head, *params, limit, offset])
    return {"query": query, "match": match, "total": total, "limit": limit, "offset": offset,
            "results": [dict(r) for r in rows]}


def show(conn: sqlite3.Connection, meeting: str) -> dict:
    """One meeting's record: its minutes, its decisions and who took part."""
    row = conn.execute(
        """SELECT m.id, m.code, m.title, u.code AS unit, m.cycle, m.period, m.held_on, m.chair, m.status,
                  m.minutes, m.finalised_by, m.finalised_at, m.confidentiality
           FROM meetings m JOIN units u ON u.id = m.unit_id WHERE m.code = ?""", [meeting]).fetchone()
    if row is None:
        raise NotFound(f"unknown meeting {meeting!r}")
    decisions = conn.execute(
        """SELECT a.seq, a.kind, a.title, k.code AS kpi, a.period, a.decision, a.decision_note, a.decided_by,
                  a.decided_at, a.confidentiality
           FROM agenda_items a LEFT JOIN kpis k ON k.id = a.kpi_id
           WHERE a.meeting_id = ? ORDER BY a.seq""", [row["id"]]).fetchall()
    people = conn.execute(
        """SELECT p.name, p.display_name, mp.role, mp.attended FROM meeting_participants mp
           JOIN users p ON p.id = mp.user_id WHERE mp.meeting_id = ? ORDER BY mp.role = 'chair' DESC, p.name""",
        [row["id"]]).fetchall()
    record = {k: row[k] for k in row.keys() if k != "id"}
    return record | {"agenda": [dict(d) for d in decisions], "participants": [dict(p) for p in people]}
