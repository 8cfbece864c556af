"""Applying schema steps with sqlite-utils ``Migrations``, backing the file up first.

Imported lazily by :func:`pmtui.store.db.connect` only when a step is pending, because
``import sqlite_utils`` pulls in pandas and would slow every start of the TUI.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pmtui.store.schema import STEPS

MIGRATION_SET = "pmtui"


def applied_names(conn: sqlite3.Connection) -> list[str]:
    """Names of the steps already applied to this file, in order."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
    ).fetchone()
    if not exists:
        return []
    rows = conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid", [MIGRATION_SET]
    )
    return [row[0] for row in rows]


def pending_names(conn: sqlite3.Connection) -> list[str]:
    """Names of the steps not yet applied."""
    done = set(applied_names(conn))
    return [name for name, _ in STEPS if name not in done]


def backup_path(path: str, first_pending: str) -> Path:
    """Where the copy taken before migrating goes: ``FILE.before-STEP.bak`` beside the file."""
    return Path(f"{path}.before-{first_pending}.bak")


def migrate(conn: sqlite3.Connection, path: str) -> list[str]:
    """Apply pending steps; an existing file is copied (backup API) before the first change.

    Returns:
        The names of the steps applied.
    """
    pending = pending_names(conn)
    if not pending:
        return []
    if path != ":memory:" and applied_names(conn):
        target = backup_path(path, pending[0])
        copy = sqlite3.connect(target)
        with copy:
            conn.backup(copy)
        copy.close()
    import sqlite_utils  # noqa: PLC0415
    from sqlite_utils.migrations import Migrations  # noqa: PLC0415

    steps = Migrations(MIGRATION_SET)
    for name, fn in STEPS:
        steps(name=name)(fn)
    steps.apply(sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False))
    return pending
