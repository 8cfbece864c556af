"""The data-entry dialog: one value for a KPI, a unit and a period.

Validation is the service's: :func:`pmtui.services.measurements.enter_value` refuses bad
input with a :class:`~pmtui.services.errors.PmError` before anything is written, and
the dialog shows that message inline and stays open.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from pmtui import actions
from pmtui.core import periods
from pmtui.services import measurements
from pmtui.services.errors import PmError


@dataclass(frozen=True)
class EntryTarget:
    """What the dialog enters a value for (chosen on the calling screen)."""

    kpi: str
    kpi_label: str
    unit: str
    unit_label: str
    uom: str = ""


class EntryDialog(ModalScreen[dict | None]):
    """Modal form: period, value, comment and "submit for approval".

    Dismisses with a summary dict of the stored value, or None when cancelled.
    """

    SCOPE = "entry"
    BINDINGS = actions.bindings("entry")

    @dataclass
    class Saved(Message):
        """The value was stored (posted from the worker thread)."""

        row: dict

    @dataclass
    class Failed(Message):
        """The service refused the input; ``text`` is its message."""

        text: str

    def __init__(self, target: EntryTarget) -> None:
        super().__init__()
        self.target = target
        self.saving = False

    def compose(self) -> ComposeResult:
        """The form."""
        default_period = periods.latest_closed(self.app.clock().date())
        with Vertical(id="entry-box") as box:
            box.border_title = "Enter a value"
            with Grid(id="entry-form"):
                yield Label("KPI")
                yield Static(self.target.kpi_label, id="entry-kpi")
                yield Label("Unit")
                yield Static(self.target.unit_label, id="entry-unit")
                yield Label("Period")
                yield Input(default_period, placeholder="YYYY-MM", id="period", compact=True)
                yield Label("Value")
                yield Input(placeholder=self.target.uom or "number", id="value", compact=True)
                yield Label("Comment")
                yield Input(placeholder="optional: what happened, why", id="comment", compact=True)
            yield Checkbox("Submit for approval", id="submit", compact=True)
            yield Static("", id="entry-error", markup=False)
            with Horizontal(id="entry-buttons"):
                yield Button("Save", variant="primary", id="save", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        """Apply the app's cursor-blink setting and start in the value field."""
        for field in self.query(Input):
            field.cursor_blink = self.app.cursor_blink
        self.query_one("#value", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def _submit(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_close()

    def action_save(self) -> None:
        """Validate and store the value in a worker; the result comes back as a message."""
        if self.saving:
            return
        self.saving = True
        self.query_one("#entry-error", Static).update("")
        self._store(self.query_one("#period", Input).value.strip(), self.query_one("#value", Input).value,
                    self.query_one("#comment", Input).value.strip() or None,
                    self.query_one("#submit", Checkbox).value)

    def action_close(self) -> None:
        """Cancel without storing anything (not while a save is under way: its result must be shown)."""
        if not self.saving:
            self.dismiss(None)

    @work(thread=True, exclusive=True, group="entry", exit_on_error=False)
    def _store(self, period: str, value: str, comment: str | None, submit: bool) -> None:
        app = self.app
        try:
            with app.database() as conn:
                row = measurements.enter_value(conn, self.target.kpi, self.target.unit, period, value, comment,
                                               submit=submit, actor=app.user, now=app.clock())
        except PmError as exc:
            self.post_message(self.Failed(str(exc)))
        except sqlite3.Error as exc:
            self.post_message(self.Failed(f"database problem: {exc}"))
        else:
            self.post_message(self.Saved(dict(row)))

    def on_entry_dialog_failed(self, message: Failed) -> None:
        """Show the refusal next to the form and let the user correct it."""
        self.saving = False
        self.query_one("#entry-error", Static).update(message.text)
        self.query_one("#value", Input).focus()

    def on_entry_dialog_saved(self, message: Saved) -> None:
        """Close with a summary for the notification."""
        row = message.row
        self.dismiss({"kpi": self.target.kpi, "unit": self.target.unit, "period": row["period"],
                      "value": row["value"], "status": row["status"]})
