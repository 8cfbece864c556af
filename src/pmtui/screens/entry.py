"""The data-entry dialog: one value for a KPI, a unit and a period.

Validation is the service's: :func:`pmtui.services.measurements.enter_value` refuses bad
input (not a number, outside the KPI's range, a future period) with a
:class:`~pmtui.services.errors.PmError` before anything is written, and the dialog shows
that message inline and stays open. Any other error while saving leaves the dialog usable
too: it says so inline, and the app shows the error as a notice.

The dialog proposes the period the calling screen shows and, when that period already
holds a value that is not approved, starts from it (value, comment, submitted or not).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, Switch
from textual.worker import Worker, WorkerState

from pmtui import actions
from pmtui.core import periods, validation
from pmtui.services import measurements
from pmtui.services.errors import PmError

#: The words beside the submit switch: the choice reads without colour.
SUBMIT_LABEL = {True: "Submit for approval: yes (an approver decides next)",
                False: "Submit for approval: no (saved as a draft)"}


@dataclass(frozen=True)
class EntryTarget:
    """What the dialog enters a value for (chosen on the calling screen).

    Attributes:
        period: The period the calling screen shows, proposed in the dialog (None: the
            latest closed period).
    """

    kpi: str
    kpi_label: str
    unit: str
    unit_label: str
    uom: str = ""
    period: str | None = None


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

    @dataclass
    class Current(Message):
        """What ``period`` holds now (None: nothing, or it could not be read)."""

        period: str
        row: dict | None

    def __init__(self, target: EntryTarget) -> None:
        super().__init__()
        self.target = target
        self.saving = False
        self._prefilled: tuple[str, str, bool] = ("", "", False)  # what the dialog put in value, comment, submit

    def compose(self) -> ComposeResult:
        """The form."""
        default_period = self.target.period or periods.latest_closed(self.app.clock().date())
        bounds = validation.declared_range(self.target.uom)
        hint = self.target.uom or "number"
        if bounds:
            hint = f"{hint}, {bounds[0]:g} to {bounds[1]:g}"
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
                yield Input(placeholder=hint, id="value", compact=True)
                yield Label("Comment")
                yield Input(placeholder="optional: what happened, why", id="comment", compact=True)
            yield Static("", id="entry-current", markup=False)
            with Horizontal(id="entry-submit-row"):
                yield Switch(False, id="submit")
                yield Label(SUBMIT_LABEL[False], id="submit-label")
            yield Static("", id="entry-error", markup=False)
            with Horizontal(id="entry-buttons"):
                yield Button("Save", variant="primary", id="save", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        """Apply the app's cursor-blink setting, start in the value field and read what the period holds."""
        for field in self.query(Input):
            field.cursor_blink = self.app.cursor_blink
        self.query_one("#value", Input).focus()
        self._read_current(self.query_one("#period", Input).value.strip())

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def _submit(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_close()

    @on(Switch.Changed, "#submit")
    def _submit_changed(self, event: Switch.Changed) -> None:
        self.query_one("#submit-label", Label).update(SUBMIT_LABEL[event.value])

    @on(Input.Changed, "#period")
    def _period_changed(self, event: Input.Changed) -> None:
        period = event.value.strip()
        if periods.is_valid(period):
            self._read_current(period)
        else:
            self.query_one("#entry-current", Static).update("")

    def action_save(self) -> None:
        """Validate and store the value in a worker; the result comes back as a message."""
        if self.saving:
            return
        self.saving = True
        self.query_one("#entry-error", Static).update("")
        self._store(self.query_one("#period", Input).value.strip(), self.query_one("#value", Input).value,
                    self.query_one("#comment", Input).value.strip() or None,
                    self.query_one("#submit", Switch).value)

    def action_close(self) -> None:
        """Cancel without storing anything (not while a save is under way: its result must be shown)."""
        if not self.saving:
            self.dismiss(None)

    @work(thread=True, exclusive=True, group="entry-current", exit_on_error=False)
    def _read_current(self, period: str) -> None:
        try:
            with self.app.database() as conn:
                row = measurements.current_value(conn, self.target.kpi, self.target.unit, period)
        except (PmError, sqlite3.Error):
            row = None  # saving reports the problem, if there is one
        self.post_message(self.Current(period, row))

    def on_entry_dialog_current(self, message: Current) -> None:
        """Say what the period holds; start from a value that may still be edited."""
        if message.period != self.query_one("#period", Input).value.strip():
            return  # the user has moved on to another period
        row, line = message.row, self.query_one("#entry-current", Static)
        editable = row is not None and row["status"] != "approved"
        if row is None:
            line.update(f"Nothing stored for {message.period} yet.")
        elif not editable:
            line.update(f"{message.period} is approved ({_plain(row['value'])}): approved values are locked;"
                        " propose a correction instead.")
        else:
            line.update(f"Editing the {row['status']} value {_plain(row['value'])} entered by {row['entered_by']}.")
        # Start from the stored value (or clear what another period's value put in), field by
        # field, but never overwrite what the user typed or switched.
        start = (_plain(row["value"]), row["comment"] or "", row["status"] == "submitted") if editable \
            else ("", "", False)
        fields = (self.query_one("#value", Input), self.query_one("#comment", Input), self.query_one("#submit", Switch))
        for field, before, after in zip(fields, self._prefilled, start):
            if field.value == before:
                field.value = after
        self._prefilled = start

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

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected error while saving: nothing was stored; say so and let the user go on.

        The message then reaches the app, which shows the error as a notice.
        """
        worker = event.worker
        if worker.node is self and worker.group == "entry" and event.state is WorkerState.ERROR:
            error = worker.error
            self.post_message(self.Failed(f"Not saved: unexpected error ({type(error).__name__}: {error})"))

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


def _plain(value: float) -> str:
    """A stored value as the user would type it: ``1500.5``, ``12``, never ``1.5e+03``."""
    return f"{value:.10f}".rstrip("0").rstrip(".") or "0"
