"""The RACI cell dialog: pick a role, give it R, A, C or I (or remove it), for one KPI or its perspective.

The rules are the service's (:func:`pmtui.services.raci.set_entry`): permission
(group-wide ``edit_definitions``, refusals audited) and valid codes. A refusal is shown in
the dialog, which stays open; broken RACI rules do not block a save (the matrix shows them).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, RadioButton, RadioSet, Select, Static

from pmtui import actions
from pmtui.core.raci import LETTER_NAMES, LETTERS
from pmtui.services import raci
from pmtui.services.errors import PmError

#: Radio buttons in order: the four letters, then removing the role from the cell.
CHOICES = (*LETTERS, None)


class RaciEditDialog(ModalScreen[dict | None]):
    """Modal form for one cell; dismisses with the service's result, or None when cancelled."""

    SCOPE = "raci-edit"
    BINDINGS = actions.bindings("raci-edit")

    @dataclass
    class Saved(Message):
        """The cell was stored."""

        result: dict

    @dataclass
    class Failed(Message):
        """The service refused."""

        text: str

    def __init__(self, row: dict, activity: str, roles: list[dict]) -> None:
        super().__init__()
        self.row, self.activity = row, activity
        self.roles = roles
        self.current = {c["role"]: c["letter"] for c in row["cells"][activity]}
        self.saving = False

    def compose(self) -> ComposeResult:
        """The form."""
        held = "  ".join(f"{letter} {role}" for role, letter in self.current.items()) or "nobody yet"
        first = next(iter(self.current), self.roles[0]["code"] if self.roles else Select.BLANK)
        with Vertical(id="raci-edit-box") as box:
            box.border_title = f"RACI · {self.row['kpi']} · {self.activity}"
            yield Static(f"{self.row['name']}\nNow: {held}", id="raci-edit-what", markup=False)
            yield Select([(f"{r['code']}  {r['name']}", r["code"]) for r in self.roles], value=first,
                         allow_blank=False, id="raci-edit-role", compact=True)
            with RadioSet(id="raci-edit-letter", compact=True):
                for letter in CHOICES:
                    yield RadioButton(letter or "remove", compact=True,
                                      tooltip=LETTER_NAMES.get(letter, "take the role out of the cell"))
            yield Checkbox(f"Every KPI of perspective {self.row['perspective']}" if self.row["perspective"]
                           else "Every KPI of its perspective", id="raci-edit-all", compact=True,
                           disabled=not self.row["perspective"])
            yield Static("", id="raci-edit-error", markup=False)
            with Horizontal(id="raci-edit-buttons"):
                yield Button("Save", variant="primary", id="raci-edit-save", compact=True)
                yield Button("Cancel", id="raci-edit-cancel", compact=True)

    def on_mount(self) -> None:
        """Start on the role, with its current letter picked."""
        self._pick_letter()
        self.query_one("#raci-edit-role", Select).focus()

    def role(self) -> str:
        """The role picked."""
        return str(self.query_one("#raci-edit-role", Select).value)

    def letter(self) -> str | None:
        """The letter picked (None removes the role from the cell)."""
        return CHOICES[max(self.query_one(RadioSet).pressed_index, 0)]

    @on(Select.Changed)
    def _pick_letter(self) -> None:
        letter = self.current.get(self.role(), "R")
        buttons = list(self.query(RadioButton))
        buttons[CHOICES.index(letter)].value = True

    @on(Button.Pressed, "#raci-edit-save")
    def _submit(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#raci-edit-cancel")
    def _cancel(self) -> None:
        self.action_close()

    def action_save(self) -> None:
        """Store the letter in a worker."""
        if self.saving:
            return
        self.saving = True
        self.query_one("#raci-edit-error", Static).update("")
        whole = self.query_one("#raci-edit-all", Checkbox).value
        self._store(self.role(), self.letter(), self.row["perspective"] if whole else None)

    def action_close(self) -> None:
        """Cancel (not while a save is under way)."""
        if not self.saving:
            self.dismiss(None)

    @work(thread=True, exclusive=True, group="raci-edit", exit_on_error=False)
    def _store(self, role: str, letter: str | None, perspective: str | None) -> None:
        app = self.app
        try:
            with app.database() as conn:
                result = raci.set_entry(conn, kpi=None if perspective else self.row["kpi"], perspective=perspective,
                                        activity=self.activity, role=role, letter=letter, actor=app.user,
                                        now=app.clock())
        except PmError as exc:
            self.post_message(self.Failed(str(exc)))
        except sqlite3.Error as exc:
            self.post_message(self.Failed(f"database problem: {exc}"))
        else:
            self.post_message(self.Saved(result))

    def on_raci_edit_dialog_failed(self, message: Failed) -> None:
        """Show the refusal and let the user change the choice."""
        self.saving = False
        self.query_one("#raci-edit-error", Static).update(message.text)

    def on_raci_edit_dialog_saved(self, message: Saved) -> None:
        """Close with what was stored."""
        self.dismiss(message.result)
