"""The audit anchor: the chain's head kept outside the database file.

An attacker with the file alone can recompute the whole hash chain or cut its tail;
the anchor, written beside the file on each snapshot, CLI write and TUI close,
remembers the head (and a checkpoint every 1,000 entries) so ``audit verify`` notices.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import datetime
from pathlib import Path

from pmtui.store.audit import utc_text

CHECKPOINT_EVERY = 1000


def anchor_path(db_path: str | Path) -> Path:
    """``FILE.anchor.json`` beside the database file."""
    return Path(f"{db_path}.anchor.json")


def current(conn: sqlite3.Connection, now: datetime) -> dict:
    """The anchor for the file as it is: head seq and hash plus checkpoints."""
    head = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    checkpoints = {str(r[0]): r[1] for r in conn.execute(
        "SELECT seq, hash FROM audit_log WHERE seq % ? = 0 ORDER BY seq", [CHECKPOINT_EVERY])}
    return {"seq": head[0] if head else 0, "hash": head[1] if head else None, "written_at": utc_text(now),
            "checkpoints": checkpoints}


def write(conn: sqlite3.Connection, db_path: str | Path, now: datetime) -> Path:
    """Write (atomically replace) the anchor beside ``db_path``; returns its path."""
    target = anchor_path(db_path)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(current(conn, now), indent=1), encoding="utf-8")
    os.replace(tmp, target)
    return target


def read(db_path: str | Path) -> dict | None:
    """The anchor beside ``db_path``, or None when there is none."""
    target = anchor_path(db_path)
    if not target.exists():
        return None
    return json.loads(target.read_text(encoding="utf-8"))
