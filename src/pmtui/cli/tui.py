"""Starting the TUI from the command line."""

from __future__ import annotations

from pathlib import Path

from pmtui.cli.context import Env, now_from_env
from pmtui.services.errors import PmError


def run_tui(env: Env, *, readonly: bool = False, notice: str | None = None) -> None:
    """Open the TUI on ``env.db_path``; on close, write the audit anchor beside the file."""
    if not Path(env.db_path).exists():
        raise PmError(f"{env.db_path} does not exist: run 'pmtui demo' or 'pmtui init' first, or pass --db")
    if not readonly:
        # Published and redacted files (and snapshots with a manifest) are records, not
        # working files: open them read-only so that the TUI neither migrates nor writes them.
        from pmtui.services.publishing import file_marker  # noqa: PLC0415

        marker = file_marker(env.db_path)
        if marker or Path(f"{env.db_path}.manifest.json").is_file():
            readonly = True
            what = f"published for the {marker['published_audience']} audience" if marker else "a snapshot"
            notice = notice or f"{env.db_path} is {what}: opened read-only."
    from pmtui.app import PmApp  # noqa: PLC0415 - Textual only when the TUI opens

    app = PmApp(db_path=env.db_path, user=env.user, clock=now_from_env, readonly=readonly, notice=notice)
    app.run()
    if not readonly:
        from pmtui.services import anchor  # noqa: PLC0415
        from pmtui.store.db import connect  # noqa: PLC0415

        conn = connect(env.db_path)
        anchor.write(conn, env.db_path, now_from_env())
        conn.close()
