"""A modal form that stores through one service call in a worker (dispute and commentary dialogs).

Subclasses compose their fields plus a ``Static`` with id ``dsp-error``, and call
:meth:`FormDialog.store` with a function of ``(conn, actor, now)``; a refusal from the
service is shown in ``dsp-error`` and the dialog stays open with what was typed. On
success the dialog dismisses with the service's result.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from textual import work
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Static, TextArea

from pmtui.services.errors import PmError

Store = Callable[[sqlite3.Connection, str, datetime], dict]


class FormDialog(ModalScreen[dict | None]):
    """Shared saving machinery: one worker, inline errors, Escape cancels."""

    @dataclass
    class Saved(Message):
        """The service stored the form."""

        row: dict

    @dataclass
    class Failed(Message):
        """The service refused (or the database failed)."""

        text: str

    def __init__(self) -> None:
        super().__init__()
        self.saving = False

    def on_mount(self) -> None:
        """Cursor blink as the app says (tests switch it off)."""
        for field in self.query(Input):
            field.cursor_blink = self.app.cursor_blink
        for area in self.query(TextArea):
            area.cursor_blink = self.app.cursor_blink

    def show_error(self, text: str) -> None:
        """Show why the form was not stored."""
        self.query_one("#dsp-error", Static).update(text)

    def store(self, fn: Store) -> None:
        """Run ``fn(conn, actor, now)`` in a worker, unless this session may not write."""
        if self.saving:
            return
        if self.app.readonly or self.app.user is None:
            self.show_error("Read-only session: nothing can be stored." if self.app.readonly else
                            "No acting user: start pmtui with --user NAME (or PMTUI_USER) to write.")
            return
        self.saving = True
        self.show_error("")
        self._run(fn)

    @work(thread=True, exclusive=True, group="dispute-form", exit_on_error=False)
    def _run(self, fn: Store) -> None:
        app = self.app
        try:
            with app.database() as conn:
                row = fn(conn, app.user, app.clock())
        except PmError as exc:
            self.post_message(self.Failed(str(exc)))
        except sqlite3.Error as exc:
            self.post_message(self.Failed(f"database problem: {exc}"))
        else:
            self.post_message(self.Saved(row))

    def on_form_dialog_failed(self, message: Failed) -> None:
        """Show the refusal; keep what was typed."""
        self.saving = False
        self.show_error(message.text)

    def on_form_dialog_saved(self, message: Saved) -> None:
        """Close with what the service returned."""
        self.dismiss(message.row)

    def action_close(self) -> None:
        """Cancel (not while a save is under way)."""
        if not self.saving:
            self.dismiss(None)
