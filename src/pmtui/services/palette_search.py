"""Finding things by name for the command palette: units, KPIs, meetings, initiatives, actions.

The search is fuzzy and runs in SQL: a row matches when the query's letters appear in
its code in that order, anything in between (``otdp`` finds ``OTD_PCT``), or when the
query's words appear in its name in that order ("time deliv" finds "On-time delivery").
Rows rank by how well they match (the code itself, a code that starts with the query, a
code or a name that contains it, the name's words, then scattered letters) and each kind
is capped with ``LIMIT``, so a file with thousands of KPIs answers in a few milliseconds
without ever reading a table whole.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

#: Kinds of things found, in the order the palette lists equally good matches.
KINDS = ("unit", "kpi", "meeting", "initiative", "action")
#: Rows read per kind and query (the palette shows the best of them).
LIMIT = 8
#: Longest query searched (longer ones are cut: a palette query is a few letters).
MAX_QUERY = 40

#: Per kind: (the table with its joins, the code expression, the name expression, extra columns).
_SOURCES = {
    "unit": ("units t", "t.code", "t.name", "t.kind AS extra", "t.active = 1"),
    "kpi": ("kpis t", "t.code", "t.name", "t.uom AS extra", "1"),
    "meeting": ("meetings t JOIN units u ON u.id = t.unit_id", "t.code", "t.title",
                "u.code || ' ' || t.period || ' ' || t.status AS extra", "1"),
    "initiative": ("initiatives t JOIN units u ON u.id = t.unit_id", "t.code", "t.name",
                   "u.code || ' ' || t.status AS extra", "1"),
    "action": ("actions t JOIN units u ON u.id = t.unit_id", "CAST(t.id AS TEXT)", "t.title",
               "u.code || ' ' || t.status || ' due ' || t.due_on AS extra", "1"),
}


@dataclass(frozen=True)
class Found:
    """One thing the palette can jump to.

    Attributes:
        kind: One of :data:`KINDS`.
        key: Its code (an action: its id).
        name: Its name (an action or a meeting: its title).
        extra: A few words to tell it apart (unit, status, period).
        unit: Its unit's code (units: the unit itself; KPIs: None).
        rank: 0 for the best match; lower is better.
    """

    kind: str
    key: str
    name: str
    extra: str
    unit: str | None
    rank: int


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def patterns(query: str) -> dict[str, str]:
    """LIKE patterns for ``query`` (escaped with ``\\``): exact, prefix, contains, words, scattered."""
    q = query.strip()[:MAX_QUERY]
    return {"exact": _escape(q), "prefix": _escape(q) + "%", "contains": f"%{_escape(q)}%",
            "words": "%" + "%".join(_escape(w) for w in q.split()) + "%",
            "scattered": "%" + "%".join(_escape(c) for c in q if not c.isspace()) + "%"}


def search(conn: sqlite3.Connection, query: str, *, kinds: tuple[str, ...] = KINDS,
           limit: int = LIMIT) -> list[Found]:
    """The best matches of ``query`` of each kind, best first (at most ``limit`` per kind).

    An empty query finds nothing (the palette then lists its commands).
    """
    if not query.strip():
        return []
    params = patterns(query) | {"limit": limit}
    found: list[Found] = []
    for kind in kinds:
        table, code, name, extra, where = _SOURCES[kind]
        unit = "t.code" if kind == "unit" else "NULL" if kind == "kpi" else "u.code"
        sql = f"""
            SELECT {code} AS key, {name} AS name, {extra}, {unit} AS unit,
                   CASE WHEN {code} LIKE :exact ESCAPE '\\' THEN 0
                        WHEN {code} LIKE :prefix ESCAPE '\\' THEN 1
                        WHEN {code} LIKE :contains ESCAPE '\\' THEN 2
                        WHEN {name} LIKE :contains ESCAPE '\\' THEN 3
                        WHEN {name} LIKE :words ESCAPE '\\' THEN 4
                        ELSE 5 END AS rank
            FROM {table}
            WHERE {where} AND ({code} LIKE :scattered ESCAPE '\\' OR {name} LIKE :words ESCAPE '\\')
            ORDER BY rank, length({code}), {code}
            LIMIT :limit"""
        found += [Found(kind, r["key"], r["name"], r["extra"] or "", r["unit"], r["rank"])
                  for r in conn.execute(sql, params)]
    return sorted(found, key=lambda f: (f.rank, KINDS.index(f.kind)))
