"""Consistent copies of the database file, with their anchor and a manifest beside them."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import datetime
from pathlib import Path

from pmtui.services import anchor
from pmtui.services.errors import PmError
from pmtui.store.audit import utc_text
from pmtui.store.db import path_of


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def snapshot(conn: sqlite3.Connection, out: str | Path, *, actor: str, now: datetime) -> dict:
    """Copy the database with ``VACUUM INTO`` (one consistent read), check it, anchor it.

    Raises:
        PmError: when ``out`` exists or the copy fails its integrity check.
    """
    out = Path(out)
    if out.exists():
        raise PmError(f"{out} already exists; choose a new file name")
    out.parent.mkdir(parents=True, exist_ok=True)
    conn.execute("VACUUM INTO ?", [str(out)])
    copy = sqlite3.connect(f"file:{out}?mode=ro", uri=True)
    try:
        check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise PmError(f"the copy failed its integrity check: {check}")
        head = copy.execute("SELECT count(*), max(seq), (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1)"
                            " FROM audit_log").fetchone()
        anchor_file = anchor.write(copy, out, now)
    finally:
        copy.close()
    source = path_of(conn)
    if source:
        anchor.write(conn, source, now)
    manifest = {"path": str(out), "bytes": out.stat().st_size, "sha256": file_sha256(out),
                "audit_entries": head[0], "audit_head_seq": head[1], "audit_head_hash": head[2],
                "taken_at": utc_text(now), "taken_by": actor, "anchor": str(anchor_file)}
    Path(f"{out}.manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest
