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


def snapshot(conn: sqlite3.Connection, out: str | Path, *, actor: str, now: datetime,
             redact: str | None = None) -> dict:
    """Copy the database with ``VACUUM INTO`` (one consistent read), check it, anchor it.

    Args:
        conn: the live file.
        out: the snapshot to write (must not exist).
        actor: who takes it (recorded in the manifest).
        now: when (recorded in the manifest).
        redact: None for a full copy, or ``public`` / ``internal`` to redact it to that
            level with the publishing redaction (:func:`pmtui.services.publishing.publish`).

    Raises:
        PmError: when ``out`` exists, the level is unknown or the copy fails its integrity check.
    """
    out = Path(out)
    if out.exists():
        raise PmError(f"{out} already exists; choose a new file name")
    out.parent.mkdir(parents=True, exist_ok=True)
    if redact is not None:
        from pmtui.services import publishing  # noqa: PLC0415

        publishing.publish(conn, out, redact, now=now)
    else:
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
                "taken_at": utc_text(now), "taken_by": actor, "anchor": str(anchor_file), "redaction": redact}
    Path(f"{out}.manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def manifest_path(path: str | Path) -> Path:
    """``OUT.db.manifest.json`` beside a snapshot."""
    return Path(f"{path}.manifest.json")


def verify_snapshot(path: str | Path) -> dict:
    """Check a snapshot against its manifest (and, unredacted, its audit trail and anchor).

    Checks: the file's SHA-256 and its audit entry count and head hash equal the
    manifest's; for a full (unredacted) snapshot, ``audit verify`` against the anchor
    written beside it. A redacted snapshot's audit values are blanked on purpose, so its
    chain cannot be recomputed: only the head is compared.

    Returns:
        ``{"ok", "path", "redaction", "checks": [{"check", "ok", "detail"}], "findings"}``.

    Raises:
        PmError: the file or its manifest is missing or unreadable.
    """
    path = Path(path)
    if not path.is_file():
        raise PmError(f"{path} does not exist")
    try:
        manifest = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PmError(f"cannot read the manifest {manifest_path(path)}: {exc}") from None
    checks = []
    digest = file_sha256(path)
    checks.append({"check": "content hash", "ok": digest == manifest.get("sha256"),
                   "detail": f"sha256 {digest[:16]}... (manifest {str(manifest.get('sha256'))[:16]}...)"})
    findings: list[dict] = []
    try:
        copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            count, head = copy.execute("SELECT count(*), (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1)"
                                       " FROM audit_log").fetchone()
        finally:
            copy.close()
        checks.append({"check": "audit head", "ok": (count, head) == (manifest.get("audit_entries"),
                                                                       manifest.get("audit_head_hash")),
                       "detail": f"{count} entries, head {str(head)[:16]}"})
        if manifest.get("redaction") is None:
            from pmtui.services import verify  # noqa: PLC0415
            from pmtui.store.db import connect  # noqa: PLC0415

            conn = connect(path, readonly=True)
            try:
                report = verify.verify(conn, anchor.read(path))
            finally:
                conn.close()
            findings = [f.__dict__ for f in report.findings]
            checks.append({"check": "audit trail", "ok": report.ok,
                           "detail": f"schema, chain, anchor (entry {report.anchor_seq}) and replay"})
    except sqlite3.DatabaseError as exc:
        # A damaged file is a failed check, not a crash: the content hash already says so.
        checks.append({"check": "readable", "ok": False, "detail": f"the file cannot be read: {exc}"[:200]})
    return {"ok": all(c["ok"] for c in checks), "path": str(path), "redaction": manifest.get("redaction"),
            "checks": checks, "findings": findings}
