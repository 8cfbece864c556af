"""Opening the pmtui SQLite file and running audited write transactions.

Every connection is opened the same way: WAL journal, foreign keys on, a busy timeout,
and the ``pmtui_guard()`` SQL function that the guard triggers call. Other tools (the
sqlite3 shell, Datasette) do not have that function, so any write they attempt on a
guarded table fails with "no such function: pmtui_guard" instead of slipping past the
audit trail. Within pmtui the guard only lets a write through inside :func:`atomic`.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pmtui.store import functions

#: Milliseconds a connection waits for another writer before giving up.
BUSY_TIMEOUT_MS = 5000

_state = threading.local()


class GuardError(sqlite3.DatabaseError):
    """A write was attempted outside an audited transaction."""


def _guard(conn_id: int) -> int:
    depth = getattr(_state, "depth", {}).get(conn_id, 0)
    if depth <= 0:
        raise GuardError("write outside an audited pmtui transaction")
    return 1


def connect(path: str | Path, *, readonly: bool = False, migrate: bool = True) -> sqlite3.Connection:
    """Open (and by default migrate) a pmtui database.

    Args:
        path: the SQLite file, or ``":memory:"`` for tests.
        readonly: open with ``mode=ro`` (snapshots, published copies); never migrates.
        migrate: apply pending migrations (after a backup copy of an existing file).

    Returns:
        A connection in autocommit mode whose rows are :class:`sqlite3.Row`.
    """
    target = str(path)
    if readonly:
        conn = sqlite3.connect(f"file:{target}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
    else:
        conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if not readonly and target != ":memory:":
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    conn_id = id(conn)
    conn.create_function("pmtui_guard", 0, lambda: _guard(conn_id))
    functions.register(conn)
    if migrate and not readonly:
        from pmtui.store import migrations  # noqa: PLC0415 - keeps sqlite_utils off the fast path

        migrations.migrate(conn, target)
    return conn


@contextmanager
def atomic(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run a block as one ``BEGIN IMMEDIATE`` transaction (savepoints when nested).

    The guard triggers only accept writes inside this block, so every write of pmtui
    shares a transaction with its audit record. ``IMMEDIATE`` takes the write lock up
    front: a deferred transaction that reads and then writes would fail at once with
    "database is locked" after another writer commits.
    """
    depths = _state.__dict__.setdefault("depth", {})
    key = id(conn)
    nested = conn.in_transaction
    if nested:
        name = f"pm_sp_{depths.get(key, 0)}"
        conn.execute(f"SAVEPOINT {name}")
    else:
        conn.execute("BEGIN IMMEDIATE")
    depths[key] = depths.get(key, 0) + 1
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            if nested:
                conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                conn.execute(f"RELEASE SAVEPOINT {name}")
            else:
                conn.execute("ROLLBACK")
        raise
    else:
        if nested:
            conn.execute(f"RELEASE SAVEPOINT {name}")
        else:
            try:
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
    finally:
        depths[key] -= 1


def path_of(conn: sqlite3.Connection) -> str | None:
    """The file behind ``conn`` (None for in-memory databases)."""
    row = conn.execute("PRAGMA database_list").fetchone()
    return row["file"] or None


@contextmanager
def insert_guard_suspended(conn: sqlite3.Connection, table: str) -> Iterator[None]:
    """Drop ``table``'s insert guard for this transaction only, then restore it.

    For bulk inserts that carry one batch audit entry: the per-row guard call costs
    about a second per million rows. DDL is transactional in SQLite, so other
    connections never see the table unguarded; ``audit verify`` checks the trigger's
    text afterwards. Must run inside :func:`atomic`.
    """
    name = f"guard_{table}_insert"
    row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", [name]).fetchone()
    if row is None:
        raise GuardError(f"trigger {name} is missing; run 'pmtui audit verify'")
    conn.execute(f"DROP TRIGGER {name}")
    try:
        yield
    finally:
        conn.execute(row[0])
