"""Writing audit entries and audited row changes.

Each helper must run inside :func:`pmtui.store.db.atomic`; the row change and its
audit entry then commit or roll back together. Entries store whole rows as canonical
JSON (NULLs kept), chained by SHA-256 (see :mod:`pmtui.core.canonical`).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from typing import Any

from pmtui.core import canonical
from pmtui.store.schema import KEY_COLUMN


def utc_text(now: datetime) -> str:
    """ISO-8601 UTC text with seconds, e.g. ``2026-11-26T09:30:00Z``."""
    if now.tzinfo is not None:
        now = now.astimezone(timezone.utc).replace(tzinfo=None)
    return now.strftime("%Y-%m-%dT%H:%M:%SZ")


def head(conn: sqlite3.Connection) -> tuple[int, str]:
    """(seq, hash) of the latest entry, ``(0, GENESIS)`` on an empty trail."""
    row = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, canonical.GENESIS)


def append(
    conn: sqlite3.Connection,
    *,
    actor: str,
    now: datetime,
    action: str,
    entity: str,
    key: str,
    old: Any = None,
    new: Any = None,
    reason: str | None = None,
    new_text: str | None = None,
) -> int:
    """Append one entry to the chain and return its sequence number.

    ``new_text`` is ``new`` already serialised with :func:`pmtui.core.canonical.dumps`
    (a bulk import prepares its large entry while the rows are being inserted).
    """
    seq, prev = head(conn)
    entry = {
        "seq": seq + 1,
        "ts": utc_text(now),
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_key": str(key),
        "old": None if old is None else canonical.dumps(old),
        "new": new_text if new_text is not None else (None if new is None else canonical.dumps(new)),
        "reason": reason,
    }
    entry["hash"] = canonical.entry_hash(prev, entry)
    conn.execute(
        "INSERT INTO audit_log (seq, ts, actor, action, entity, entity_key, old, new, reason, prev_hash, hash)"
        " VALUES (:seq, :ts, :actor, :action, :entity, :entity_key, :old, :new, :reason, :prev, :hash)",
        entry | {"prev": prev},
    )
    return entry["seq"]


def fetch_row(conn: sqlite3.Connection, table: str, key: Any) -> dict[str, Any] | None:
    """The whole row of ``table`` with that key, as a dict, or None."""
    row = conn.execute(f"SELECT * FROM {table} WHERE {KEY_COLUMN[table]} = ?", [key]).fetchone()
    return dict(row) if row else None


def insert(conn, table: str, values: dict[str, Any], *, actor: str, now: datetime,
           action: str | None = None, reason: str | None = None) -> Any:
    """Insert a row and audit it; returns the row's key."""
    columns = ", ".join(values)
    marks = ", ".join(f":{c}" for c in values)
    cursor = conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)
    key = values.get(KEY_COLUMN[table], cursor.lastrowid)
    append(conn, actor=actor, now=now, action=action or f"{table}.insert", entity=table, key=key,
           new=fetch_row(conn, table, key), reason=reason)
    return key


def update(conn, table: str, key: Any, changes: dict[str, Any], *, actor: str, now: datetime,
           action: str | None = None, reason: str | None = None) -> dict[str, Any]:
    """Update a row and audit old and new whole rows; returns the new row.

    Raises:
        KeyError: when no row has that key.
    """
    old = fetch_row(conn, table, key)
    if old is None:
        raise KeyError(f"{table} {key} not found")
    sets = ", ".join(f"{c} = :{c}" for c in changes)
    conn.execute(f"UPDATE {table} SET {sets} WHERE {KEY_COLUMN[table]} = :__key", changes | {"__key": key})
    new = fetch_row(conn, table, key)
    append(conn, actor=actor, now=now, action=action or f"{table}.update", entity=table, key=key,
           old=old, new=new, reason=reason)
    return new


def delete(conn, table: str, key: Any, *, actor: str, now: datetime,
           action: str | None = None, reason: str | None = None) -> None:
    """Delete a row and audit the row as it was."""
    old = fetch_row(conn, table, key)
    if old is None:
        raise KeyError(f"{table} {key} not found")
    conn.execute(f"DELETE FROM {table} WHERE {KEY_COLUMN[table]} = ?", [key])
    append(conn, actor=actor, now=now, action=action or f"{table}.delete", entity=table, key=key,
           old=old, reason=reason)


def record_refusal(conn, *, actor: str, now: datetime, action: str, entity: str, key: Any,
                   attempted: Any, reason: str) -> int:
    """Audit a refused attempt (nothing else changes) in its own transaction."""
    from pmtui.store.db import atomic  # noqa: PLC0415

    with atomic(conn):
        return append(conn, actor=actor, now=now, action=f"refused.{action}", entity=entity, key=key,
                      new={"attempted": attempted}, reason=reason)
