"""Publishing a derived, redacted database per audience (issue 5, M5.6).

Datasette has no row-level security, and table permissions do not stop ``?sql=`` or
``_where=``: so an audience is given its own file, from which everything above its level
has been deleted. :func:`publish` copies the live file (``VACUUM INTO``: one consistent
read), redacts the copy (:mod:`pmtui.publish.redact`), stores the published views as
tables (:mod:`pmtui.publish.materialise`) plus the home page's roll-ups
(:mod:`pmtui.publish.report`), and moves the result into place with ``os.replace``, so
a reader sees the old file or the new one, never half of one.

Decision: the redacted raw tables (approved rows only, nothing above the level, no
e-mail addresses) stay in the published file beside the ``pub_*`` tables. SQL users can
then join definitions, targets and values themselves, and the canned queries of every
feature area keep working; there is nothing in them that the audience may not see.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from datetime import datetime
from pathlib import Path

from pmtui.publish import materialise, redact, report
from pmtui.services.errors import PmError
from pmtui.store import functions
from pmtui.store.audit import utc_text

#: The audiences with a published file, least restricted first.
AUDIENCES = ("public", "internal")

#: Settings that mark a published (or redacted) file; the TUI opens such files read-only.
AUDIENCE_KEY = "published_audience"
PUBLISHED_AT_KEY = "published_at"
SOURCE_SEQ_KEY = "published_audit_seq"
#: The snapshot date of a published file: overdue actions and stale data are judged on it.
AS_OF_KEY = "published_as_of"


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def audit_head(conn: sqlite3.Connection) -> tuple[int, str | None]:
    """``(entry count, head hash)`` of a file's audit log."""
    row = conn.execute("SELECT count(*), (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1)"
                       " FROM audit_log").fetchone()
    return row[0], row[1]


def redact_copy(path: Path, audience: str, *, now: datetime, source_seq: int,
                materialise_views: bool = True) -> dict:
    """Redact the copy at ``path`` in place down to ``audience`` (the pipeline's middle part).

    Returns:
        Counts: rows deleted per table, audit entries redacted, cells cleaned, tables made,
        rows of each rebuilt full-text index, and the snapshot date ``as_of``.
    """
    allowed = redact.allowed_levels(audience)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        # Dependants are removed explicitly (redact.delete_above), not by the FK machinery.
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA journal_mode = DELETE")
        functions.register(conn)
        conn.execute("BEGIN")
        redact.drop_triggers(conn)
        fts = redact.drop_fts(conn)  # copies of text outside any levelled row: rebuilt at the end
        codes, names = redact.removed_tokens(conn, allowed)
        if materialise_views:
            report.pending_approvals(conn, allowed)
        deleted = redact.delete_above(conn, allowed)
        redact.clear_private(conn)
        audit = redact.redact_audit(conn)
        tables = materialise.materialise_views(conn) if materialise_views else []
        if materialise_views:
            report.home_tables(conn)
        as_of = report.snapshot_table(conn, audience=audience, now=now, source_seq=source_seq)
        conn.executemany("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", [
            (AUDIENCE_KEY, audience), (PUBLISHED_AT_KEY, utc_text(now)), (SOURCE_SEQ_KEY, str(source_seq)),
            (AS_OF_KEY, as_of)])
        cleaned = redact.clean_text(conn, redact.token_pattern(codes, names))
        indexed = redact.rebuild_fts(conn, fts)
        conn.execute("COMMIT")
        conn.execute("VACUUM")
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise PmError(f"the published copy failed its integrity check: {check}")
    finally:
        conn.close()
    return {"deleted": deleted, "audit_redacted": audit, "cells_cleaned": cleaned, "materialised": tables,
            "fts_rebuilt": indexed, "as_of": as_of}


def publish(conn: sqlite3.Connection, out: str | Path, audience: str, *, now: datetime) -> dict:
    """Write the published database of ``audience`` to ``out`` (replacing it atomically).

    Args:
        conn: the live pmtui file.
        out: where the published file goes; ``OUT.tmp`` beside it is the work file.
        audience: ``public`` or ``internal`` (confidential is never published).
        now: the publish time, stored in the file's settings.

    Returns:
        A summary: path, audience, bytes, sha256, published_at, source audit head, counts.

    Raises:
        PmError: unknown audience, or the copy failed its integrity check.
    """
    if audience not in AUDIENCES:
        raise PmError(f"unknown audience {audience!r}: choose one of {', '.join(AUDIENCES)}")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.unlink(missing_ok=True)
    seq = conn.execute("SELECT coalesce(max(seq), 0) FROM audit_log").fetchone()[0]
    conn.execute("VACUUM INTO ?", [str(tmp)])
    try:
        counts = redact_copy(tmp, audience, now=now, source_seq=seq)
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return {"path": str(out), "audience": audience, "bytes": out.stat().st_size, "sha256": file_sha256(out),
            "published_at": utc_text(now), "source_audit_seq": seq} | counts


def publish_all(conn: sqlite3.Connection, folder: str | Path, *, now: datetime) -> list[dict]:
    """Publish every audience into ``folder`` as ``public.db`` and ``internal.db``."""
    return [publish(conn, Path(folder) / f"{a}.db", a, now=now) for a in AUDIENCES]


def published_folder(db_path: str | Path) -> Path:
    """``FILE.published/`` beside the live file: the audiences' files and the passwords."""
    return Path(f"{db_path}.published")


def published_seq(path: str | Path) -> int | None:
    """The live audit sequence a published file was made from (None if unreadable/absent)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", [SOURCE_SEQ_KEY]).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return int(row[0]) if row and row[0] is not None else None


def is_stale(conn: sqlite3.Connection, folder: str | Path) -> bool:
    """True when an audience file is missing or was made before the live file's last audit entry."""
    seq = conn.execute("SELECT coalesce(max(seq), 0) FROM audit_log").fetchone()[0]
    return any(published_seq(Path(folder) / f"{a}.db") != seq for a in AUDIENCES)


def file_marker(path: str | Path) -> dict | None:
    """The publish settings of a file (audience, time), or None for a live pmtui file.

    Used by the TUI launcher to open published and redacted files read-only.
    """
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = dict(conn.execute("SELECT key, value FROM settings WHERE key IN (?, ?)",
                                     [AUDIENCE_KEY, PUBLISHED_AT_KEY]).fetchall())
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return rows or None
