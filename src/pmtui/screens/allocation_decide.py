"""The allocation decision dialog: approve (with an amount), reject or defer, with a rationale.

The rules are the service's (:func:`pmtui.services.allocation.decide`): permission,
four eyes, the budget and a required rationale. A refusal is shown inline and the
dialog stays open.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from pmtui import actions
from pmtui.core.allocation import Ranked
from pmtui.services import allocation
from pmtui.services.errors import PmError

#: Radio buttons in order and the decision each stands for.
CHOICES = (("Approve", "approve"), ("Reject", "reject"), ("Defer", "defer"))


class DecideDialog(ModalScreen[dict | None]):
    """Modal form for one request; dismisses with ``{"code", "status"}`` or None when cancelled."""

    SCOPE = "allocation-decide"
    BINDINGS = actions.bindings("allocation-decide")

    @dataclass
    class Saved(Message):
        """The decision was stored."""

        row: dict

    @dataclass
    class Failed(Message):
        """The service refused."""

        text: str

    def __init__(self, item: Ranked) -> None:
        super().__init__()
        self.item = item
        self.saving = False

    def compose(self) -> ComposeResult:
        """The form."""
        req = self.item
        with Vertical(id="decide-box") as box:
            box.border_title = f"Decide {req.request.code}"
            yield Static(f"{req.request.title}\n{req.request.unit} · {req.request.budget_line} · asks "
                         f"{req.request.amount:,.0f} · score {'–' if req.score is None else f'{req.score:.2f}'}"
                         f" · {req.place.replace('_', ' ')}", id="decide-what", markup=False)
            with RadioSet(id="decide-choice", compact=True):
                for index, (label, _) in enumerate(CHOICES):
                    yield RadioButton(label, value=index == 0, compact=True)
            with Grid(id="decide-form"):
                yield Label("Amount")
                yield Input(f"{req.request.amount:g}", id="decide-amount", compact=True)
                yield Label("Rationale")
                yield Input(placeholder="required: why", id="decide-rationale", compact=True)
            yield Static("", id="decide-error", markup=False)
            with Horizontal(id="decide-buttons"):
                yield Button("Record", variant="primary", id="decide-save", compact=True)
                yield Button("Cancel", id="decide-cancel", compact=True)

    def on_mount(self) -> None:
        """Cursor blink as the app says; start in the rationale."""
        for field in self.query(Input):
            field.cursor_blink = self.app.cursor_blink
        self.query_one("#decide-rationale", Input).focus()

    def decision(self) -> str:
        """The decision picked in the radio set."""
        index = self.query_one(RadioSet).pressed_index
        return CHOICES[max(index, 0)][1]

    @on(RadioSet.Changed)
    def _choice_changed(self) -> None:
        # The amount only means something for an approval.
        self.query_one("#decide-amount", Input).disabled = self.decision() != "approve"

    @on(Input.Submitted)
    @on(Button.Pressed, "#decide-save")
    def _submit(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#decide-cancel")
    def _cancel(self) -> None:
        self.action_close()

    def action_save(self) -> None:
        """Check the amount, then record the decision in a worker."""
        if self.saving:
            return
        decision = self.decision()
        amount = None
        if decision == "approve":
            text = self.query_one("#decide-amount", Input).value.strip().replace(",", "")
            try:
                amount = float(text) if text else None
            except ValueError:
                self.query_one("#decide-error", Static).update(f"amount {text!r} is not a number")
                return
        self.saving = True
        self.query_one("#decide-error", Static).update("")
        self._store(decision, amount, self.query_one("#decide-rationale", Input).value)

    def action_close(self) -> None:
        """Cancel (not while a save is under way)."""
        if not self.saving:
            self.dismiss(None)

    @work(thread=True, exclusive=True, group="allocation-decide", exit_on_error=False)
    def _store(self, decision: str, amount: float | None, rationale: str) -> None:
        app = self.app
        try:
            with app.database() as conn:
                row = allocation.decide(conn, self.item.request.code, decision, rationale, amount,
                                        actor=app.user, now=app.clock())
        except PmError as exc:
            self.post_message(self.Failed(str(exc)))
        except sqlite3.Error as exc:
            self.post_message(self.Failed(f"database problem: {exc}"))
        else:
            self.post_message(self.Saved(dict(row)))

    def on_decide_dialog_failed(self, message: Failed) -> None:
        """Show the refusal and let the user correct it."""
        self.saving = False
        self.query_one("#decide-error", Static).update(message.text)

    def on_decide_dialog_saved(self, message: Saved) -> None:
        """Close with what was recorded."""
        self.dismiss({"code": message.row["code"], "status": message.row["status"]})
