"""Turning the published views of a redacted copy into stored tables.

Aggregating views over a million measurements take about a second per page and hit
Datasette's time limit; a published file never changes once written, so each ``pub_*``
view is computed once at publish time (``CREATE TABLE AS SELECT``) and stored under the
same name, with indexes on the columns the pages filter by. Other views are dropped:
they were written for the live file and may refer to tables the copy no longer has.
"""

from __future__ import annotations

import re
import sqlite3

from pmtui.store import functions

#: Column sets indexed on every materialised table that has them (the pages' filters).
INDEXES = (
    ("unit", "period"),
    ("kpi", "unit", "period"),
    ("objective", "period"),
    ("entity", "entity_key"),
    ("actor",),
    ("ts",),
    ("status", "due_on"),
    ("owner",),
)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def materialise_views(conn: sqlite3.Connection, prefix: str = "pub_") -> list[str]:
    """Replace every ``prefix*`` view by a table holding its rows; drop the other views.

    Views are stored in dependency order: a view that selects from another published view
    then reads the stored table instead of recomputing the other view (one of them takes
    ~20 s on the demo file). ``legacy_alter_table`` keeps the rename from re-parsing (and
    refusing) views that still refer to a dropped view.

    Returns:
        The names of the materialised tables.
    """
    functions.register(conn)  # the views call pm_score / pm_status
    views = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name")]
    sql = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'").fetchall())
    published = dependency_order({v: sql[v] for v in views if v.startswith(prefix)})
    conn.execute("PRAGMA legacy_alter_table = ON")
    try:
        for view in published:
            conn.execute(f"CREATE TABLE {_q('__m_' + view)} AS SELECT * FROM {_q(view)}")
            conn.execute(f"DROP VIEW {_q(view)}")
            conn.execute(f"ALTER TABLE {_q('__m_' + view)} RENAME TO {_q(view)}")
            add_indexes(conn, view)
        for view in views:
            if view not in published:
                conn.execute(f"DROP VIEW {_q(view)}")
    finally:
        conn.execute("PRAGMA legacy_alter_table = OFF")
    return published


def dependency_order(views: dict[str, str]) -> list[str]:
    """View names ordered so that each comes after the views its SQL mentions."""
    uses = {v: {o for o in views if o != v and re.search(rf"\b{re.escape(o)}\b", text or "")}
            for v, text in views.items()}
    ordered: list[str] = []

    def visit(view: str, path: tuple[str, ...]) -> None:
        if view in ordered or view in path:
            return
        for other in sorted(uses[view]):
            visit(other, path + (view,))
        ordered.append(view)

    for view in sorted(views):
        visit(view, ())
    return ordered


def add_indexes(conn: sqlite3.Connection, table: str) -> list[str]:
    """Create the :data:`INDEXES` that fit ``table``'s columns; returns their names."""
    cols = {r[1] for r in conn.execute(f"PRAGMA table_info({_q(table)})")}
    made = []
    for index in INDEXES:
        if set(index) <= cols:
            name = f"{table}__{'_'.join(index)}"
            conn.execute(f"CREATE INDEX {_q(name)} ON {_q(table)} ({', '.join(_q(c) for c in index)})")
            made.append(name)
    return made
