"""A small modal form shared by the controls area's dialogs.

Subclasses yield their fields in :meth:`FormDialog.fields` and do the work in
:meth:`FormDialog.perform`, which runs in a worker thread with its own connection. A
refusal (:class:`PmError`) is shown inline and the dialog stays open with what was
typed; success dismisses it with the result.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from pmtui.services.errors import PmError


class FormDialog(ModalScreen[dict | None]):
    """Title, fields, an error line and Save / Cancel buttons."""

    TITLE = ""
    SAVE = "Save"
    BUSY = "Working…"

    @dataclass
    class Done(Message):
        """The work succeeded."""

        result: dict

    @dataclass
    class Failed(Message):
        """The service refused or failed."""

        text: str

    def __init__(self) -> None:
        super().__init__(classes="controls-dialog")
        self.saving = False

    def compose(self) -> ComposeResult:
        """The frame around the subclass's fields."""
        with Vertical(classes="controls-form-box") as box:
            box.border_title = self.TITLE
            yield from self.fields()
            yield Static("", classes="controls-form-error", markup=False)
            with Horizontal(classes="controls-form-buttons"):
                yield Button(self.SAVE, variant="primary", classes="controls-form-save", compact=True)
                yield Button("Cancel", classes="controls-form-cancel", compact=True)

    def fields(self) -> ComposeResult:
        """The form's widgets (override)."""
        yield from ()

    def on_mount(self) -> None:
        """Cursor blink as the app says; focus the first field."""
        inputs = list(self.query(Input))
        for field in inputs:
            field.cursor_blink = self.app.cursor_blink
        if inputs:
            inputs[0].focus()

    def values(self) -> dict[str, str]:
        """Every input's value by its id."""
        return {field.id: field.value for field in self.query(Input) if field.id}

    def error(self, text: str) -> None:
        """Show a problem under the fields."""
        self.query_one(".controls-form-error", Static).update(text)

    @on(Input.Submitted)
    @on(Button.Pressed, ".controls-form-save")
    def _submit(self) -> None:
        self.action_save()

    @on(Button.Pressed, ".controls-form-cancel")
    def _cancel(self) -> None:
        self.action_close()

    def action_save(self) -> None:
        """Do the work in a worker (once at a time)."""
        if self.saving:
            return
        self.saving = True
        self.error(self.BUSY)
        self._work(self.values())

    def action_close(self) -> None:
        """Cancel (not while the work is under way)."""
        if not self.saving:
            self.dismiss(None)

    def perform(self, conn: sqlite3.Connection, values: dict[str, str]) -> dict:
        """Do the work on ``conn`` (override); raise PmError to refuse."""
        raise NotImplementedError

    @work(thread=True, exclusive=True, group="controls-form", exit_on_error=False)
    def _work(self, values: dict[str, str]) -> None:
        try:
            with self.app.database() as conn:
                result = self.perform(conn, values)
        except PmError as exc:
            self.post_message(self.Failed(str(exc)))
        except sqlite3.Error as exc:
            self.post_message(self.Failed(f"database problem: {exc}"))
        else:
            self.post_message(self.Done(result))

    def on_form_dialog_failed(self, message: Failed) -> None:
        """Show the refusal and let the user correct it."""
        self.saving = False
        self.error(message.text)

    def on_form_dialog_done(self, message: Done) -> None:
        """Close with the result."""
        self.dismiss(message.result)
