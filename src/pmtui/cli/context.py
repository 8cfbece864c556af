"""What every command needs: the file, the acting user and the time."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import click

from pmtui.services.errors import PmError


def now_from_env() -> datetime:
    """The current UTC time, or ``PMTUI_NOW`` (ISO 8601) when set (tests, demos)."""
    fixed = os.environ.get("PMTUI_NOW")
    if fixed:
        try:
            value = datetime.fromisoformat(fixed.replace("Z", "+00:00"))
        except ValueError:
            raise PmError(f"PMTUI_NOW={fixed!r} is not an ISO date-time") from None
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return datetime.now(timezone.utc)


@dataclass
class Env:
    """Per-invocation settings shared by the commands."""

    db_path: str
    user: str | None
    #: The TUI's keymap file (``--keymap`` / ``PMTUI_KEYMAP``); None: the default place.
    keymap: str | None = None
    _conn: sqlite3.Connection | None = field(default=None, repr=False)
    _head: int = field(default=0, repr=False)

    @property
    def now(self) -> datetime:
        """The time of this invocation."""
        return now_from_env()

    def connect(self, *, must_exist: bool = True) -> sqlite3.Connection:
        """Open (and migrate) the file; a missing file is a clear error unless ``must_exist`` is False."""
        if self._conn is None:
            from pmtui.store.db import connect  # noqa: PLC0415

            if must_exist and not Path(self.db_path).exists():
                raise PmError(f"{self.db_path} does not exist: run 'pmtui init' or 'pmtui demo --no-tui' first,"
                              " or pass --db")
            self._conn = connect(self.db_path)
            self._head = self._audit_head()
        return self._conn

    def _audit_head(self) -> int:
        row = self._conn.execute("SELECT max(seq) FROM audit_log").fetchone()
        return row[0] or 0

    def finish(self) -> None:
        """After every command: if the audit trail grew, move the anchor to its head.

        The one place the anchor follows CLI writes, whatever the command and whether it
        succeeded or was refused (a refusal is audited too), so ``audit verify`` always
        compares against the current head.
        """
        if self._conn is None or self.db_path == ":memory:":
            return
        try:
            if self._audit_head() != self._head:
                from pmtui.services import anchor  # noqa: PLC0415

                anchor.write(self._conn, self.db_path, self.now)
                self._head = self._audit_head()
        except sqlite3.Error:
            pass  # the command's own error, if any, is what the user needs to see

    def acting_user(self) -> str:
        """The user given by --user / PMTUI_USER, required for writes."""
        if not self.user:
            raise PmError("no acting user: pass --user NAME or set PMTUI_USER")
        return self.user


pass_env = click.make_pass_decorator(Env)


@contextmanager
def writing(env: Env) -> Iterator[tuple[sqlite3.Connection, str, datetime]]:
    """Hand a write command its connection, acting user and time (the anchor follows in :meth:`Env.finish`)."""
    yield env.connect(), env.acting_user(), env.now
