"""Starting the TUI from the command line."""

from __future__ import annotations

from pathlib import Path

from pmtui.cli.context import Env, now_from_env
from pmtui.services.errors import PmError


def run_tui(env: Env, *, readonly: bool = False, notice: str | None = None) -> None:
    """Open the TUI on ``env.db_path``; on close, write the audit anchor beside the file."""
    if not Path(env.db_path).exists():
        raise PmError(f"{env.db_path} does not exist: run 'pmtui demo' or 'pmtui init' first, or pass --db")
    from pmtui.app import PmApp  # noqa: PLC0415 - Textual only when the TUI opens

    app = PmApp(db_path=env.db_path, user=env.user, clock=now_from_env, readonly=readonly, notice=notice)
    app.run()
    if not readonly:
        from pmtui.services import anchor  # noqa: PLC0415
        from pmtui.store.db import connect  # noqa: PLC0415

        conn = connect(env.db_path)
        anchor.write(conn, env.db_path, now_from_env())
        conn.close()
