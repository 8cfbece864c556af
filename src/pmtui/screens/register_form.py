"""The modal form shared by the action register, root-cause and revise-or-hold dialogs.

A subclass composes its fields and calls :meth:`RegisterForm.submit` with a function
``call(conn, user, now) -> dict``; the service runs in a worker with its own
connection. A refusal (:class:`~pmtui.services.errors.PmError`) is shown inline in the
``.register-error`` line and the dialog stays open with what was typed; success
dismisses it with the stored row.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from textual import on, work
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from pmtui import actions
from pmtui.services.errors import PmError


def refusal(app) -> str | None:
    """Why this session cannot write, or None when it can."""
    if app.readonly:
        return "Read-only session: nothing can be recorded."
    if app.user is None:
        return "No acting user: start pmtui with --user NAME to record anything."
    return None


class RegisterForm(ModalScreen[dict | None]):
    """Base of the area's dialogs: worker, inline refusals, Escape cancels, Ctrl+S saves."""

    SCOPE = "register-form"
    BINDINGS = actions.bindings("register-form")

    @dataclass
    class Stored(Message):
        """The service accepted; ``row`` is what it stored."""

        row: dict

    @dataclass
    class Refused(Message):
        """The service refused; ``text`` says why."""

        text: str

    busy = False

    def on_mount(self) -> None:
        """Apply the app's cursor-blink setting and focus the first empty field."""
        for field in self.query(Input):
            field.cursor_blink = self.app.cursor_blink
        fields = [f for f in self.query(Input) if not f.disabled]
        first = next((f for f in fields if not f.value), fields[0] if fields else None)
        for field in self.query(Input):
            if field is not first:
                field.cursor_position = 0  # long texts show their beginning, not their end
        if first is not None:
            first.focus()

    def show_error(self, text: str) -> None:
        """Show a problem under the fields."""
        self.query_one(".register-error", Static).update(text)

    def submit(self, call: Callable[[sqlite3.Connection, str, object], dict]) -> None:
        """Run ``call(conn, user, now)`` in a worker (once at a time)."""
        if self.busy:
            return
        self.busy = True
        self.show_error("")
        self._work(call)

    @work(thread=True, exclusive=True, group="register-form", exit_on_error=False)
    def _work(self, call) -> None:
        app = self.app
        try:
            with app.database() as conn:
                row = call(conn, app.user, app.clock())
        except PmError as exc:
            self.post_message(self.Refused(str(exc)))
        except sqlite3.Error as exc:
            self.post_message(self.Refused(f"database problem: {exc}"))
        else:
            self.post_message(self.Stored(row))

    def on_register_form_refused(self, message: Refused) -> None:
        """Show the refusal and let the user correct the input."""
        self.busy = False
        self.show_error(message.text)

    def on_register_form_stored(self, message: Stored) -> None:
        """Close with what was stored."""
        self.dismiss(message.row)

    def action_save(self) -> None:
        """Subclasses validate their fields and call :meth:`submit`."""
        raise NotImplementedError

    def action_close(self) -> None:
        """Cancel (not while the service is working: its answer must be shown)."""
        if not self.busy:
            self.dismiss(None)

    @on(Button.Pressed, ".register-cancel")
    def _cancel(self) -> None:
        self.action_close()

    @on(Button.Pressed, ".register-save")
    @on(Input.Submitted)
    def _save(self) -> None:
        self.action_save()
