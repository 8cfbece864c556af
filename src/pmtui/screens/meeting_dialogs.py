"""Dialogs of a review meeting: a decision (with the action for 'act'), minutes, rotation, finalising.

Each dialog calls one service in a worker with its own connection; the service's
refusal is shown inline and the dialog stays open with what was typed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, SelectionList, Static, TextArea

from pmtui import actions
from pmtui.services import meeting_people, reviews
from pmtui.services.errors import PmError

#: Decision -> label shown to people.
LABELS = {"act": "Act", "watch": "Watch", "revise_target": "Revise target", "escalate": "Escalate", "close": "Close"}
#: Default due date of an action raised in a meeting (days after the meeting).
DUE_DAYS = 28


class ServiceDialog(ModalScreen[dict | None]):
    """A modal that runs one service call; dismisses with its result, or None when cancelled."""

    PREFIX = "meeting-dialog"

    @dataclass
    class Saved(Message):
        """The service accepted."""

        result: dict

    @dataclass
    class Failed(Message):
        """The service refused."""

        text: str

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code
        self.saving = False

    def buttons(self, label: str) -> ComposeResult:
        """The error line and the two buttons every dialog ends with."""
        yield Static("", id=f"{self.PREFIX}-error", classes="meeting-error", markup=False)
        with Horizontal(classes="meeting-buttons"):
            yield Button(label, variant="primary", id=f"{self.PREFIX}-save", compact=True)
            yield Button("Cancel", id=f"{self.PREFIX}-cancel", compact=True)

    def error(self, text: str) -> None:
        """Show why nothing was recorded."""
        self.query_one(f"#{self.PREFIX}-error", Static).update(text)

    def run(self, call: Callable) -> None:
        """Record through ``call(conn, actor, now)`` unless a save is under way."""
        if not self.saving:
            self.saving = True
            self.error("")
            self._store(call)

    @work(thread=True, exclusive=True, group="meeting-dialog", exit_on_error=False)
    def _store(self, call: Callable) -> None:
        app = self.app
        try:
            with app.database() as conn:
                result = call(conn, app.user, app.clock())
        except PmError as exc:
            self.post_message(self.Failed(str(exc)))
        except sqlite3.Error as exc:
            self.post_message(self.Failed(f"database problem: {exc}"))
        else:
            self.post_message(self.Saved(result))

    def on_service_dialog_failed(self, message: Failed) -> None:
        """Show the refusal and let the user correct it."""
        self.saving = False
        self.error(message.text)

    def on_service_dialog_saved(self, message: Saved) -> None:
        """Close with what was recorded."""
        self.dismiss(message.result)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == f"{self.PREFIX}-cancel":
            self.action_close()
        else:
            self.action_save()

    def action_save(self) -> None:
        """Record (subclasses say what)."""
        raise NotImplementedError

    def action_close(self) -> None:
        """Cancel (not while a save is under way)."""
        if not self.saving:
            self.dismiss(None)


class DecisionDialog(ServiceDialog):
    """The note of a decision; for 'act' also the action's owner and due date."""

    SCOPE = "meeting-decide"
    PREFIX = "meeting-decide"
    BINDINGS = actions.bindings("meeting-decide")

    def __init__(self, code: str, item: dict, decision: str) -> None:
        super().__init__(code)
        self.item = item
        self.decision = decision

    def compose(self) -> ComposeResult:
        """Item, note, (owner, due), error, buttons."""
        with Vertical(id="meeting-decide-box", classes="meeting-dialog") as box:
            box.border_title = f"{LABELS[self.decision]}: item {self.item['seq']} of {self.code}"
            yield Static(self.item["title"], id="meeting-decide-item", classes="meeting-what", markup=False)
            with Grid(id="meeting-decide-form"):
                yield Label("Note")
                yield Input(self.item.get("decision_note") or "", placeholder="what was decided and why",
                            id="meeting-decide-note", compact=True)
                if self.decision == "act":
                    yield Label("Owner")
                    yield Input(self.item["evidence"].get("owner", ""), placeholder="user name",
                                id="meeting-decide-owner", compact=True)
                    yield Label("Due")
                    yield Input((self.app.clock() + timedelta(days=DUE_DAYS)).date().isoformat(),
                                placeholder="YYYY-MM-DD", id="meeting-decide-due", compact=True)
            yield from self.buttons("Record")

    def on_mount(self) -> None:
        """Cursor blink as the app says; start in the note."""
        for field in self.query(Input):
            field.cursor_blink = self.app.cursor_blink
        self.query_one("#meeting-decide-note", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        # Enter moves on to the action's owner and due date; in the last field it records.
        fields = list(self.query(Input))
        if event.input is not fields[-1]:
            fields[fields.index(event.input) + 1].focus()
        else:
            self.action_save()

    def action_save(self) -> None:
        """Record the decision (and raise the action for 'act')."""
        note = self.query_one("#meeting-decide-note", Input).value
        owner = due = None
        if self.decision == "act":
            owner = self.query_one("#meeting-decide-owner", Input).value.strip() or None
            due = self.query_one("#meeting-decide-due", Input).value.strip() or None
        code, seq, decision = self.code, self.item["seq"], self.decision
        self.run(lambda conn, actor, now: reviews.decide(conn, code, seq, decision, note, owner=owner, due_on=due,
                                                         actor=actor, now=now))


class MinutesDialog(ServiceDialog):
    """The minutes in a text area (Enter is a new line; Ctrl+S saves)."""

    SCOPE = "meeting-minutes"
    PREFIX = "meeting-minutes"
    BINDINGS = actions.bindings("meeting-minutes")

    def __init__(self, code: str, minutes: str) -> None:
        super().__init__(code)
        self.minutes = minutes

    def compose(self) -> ComposeResult:
        """The text, error, buttons."""
        with Vertical(id="meeting-minutes-box", classes="meeting-dialog") as box:
            box.border_title = f"Minutes of {self.code}   ctrl+s saves"
            yield TextArea(self.minutes, id="meeting-minutes-text", soft_wrap=True, show_line_numbers=False)
            yield from self.buttons("Save")

    def on_mount(self) -> None:
        """Start typing at the end of what is there."""
        area = self.query_one(TextArea)
        area.cursor_blink = self.app.cursor_blink
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        """Store the minutes."""
        text, code = self.query_one(TextArea).text, self.code
        self.run(lambda conn, actor, now: reviews.write_minutes(conn, code, text, actor=actor, now=now))


class RotationDialog(ServiceDialog):
    """Suggested process owners (least recent attendees first) to tick for the rotating seat(s)."""

    SCOPE = "meeting-rotation"
    PREFIX = "meeting-rotation"
    BINDINGS = actions.bindings("meeting-rotation")

    @dataclass
    class Suggested(Message):
        """Suggestions read by the worker."""

        data: dict

    def compose(self) -> ComposeResult:
        """The list, who was left out, error, buttons."""
        with Vertical(id="meeting-rotation-box", classes="meeting-dialog") as box:
            box.border_title = f"Rotation for {self.code}   space ticks, ctrl+s records"
            yield SelectionList[str](id="meeting-rotation-list", compact=True)
            yield Static("Loading…", id="meeting-rotation-left-out", markup=False)
            yield from self.buttons("Record")

    def on_mount(self) -> None:
        """Read the suggestions."""
        self.query_one(SelectionList).focus()
        self._suggest()

    @work(thread=True, exclusive=True, group="meeting-rotation", exit_on_error=False)
    def _suggest(self) -> None:
        try:
            with self.app.database() as conn:
                data = meeting_people.suggest(conn, self.code, today=self.app.clock().date())
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Suggested(data))

    def on_rotation_dialog_suggested(self, message: Suggested) -> None:
        """Chosen users ticked first, then the suggestions in rank order."""
        data = message.data
        choices = self.query_one(SelectionList)
        for user in data["chosen"]:
            choices.add_option((f"{user:<10} chosen", user, True))
        for s in data["suggested"]:
            choices.add_option((f"{s['user']:<10} {s['display_name'][:16]:<16} {s['why']}", s["user"], False))
        if choices.option_count:
            choices.highlighted = 0
        responsible = [e["user"] for e in data["excluded"] if e["why"].startswith("responsible")]
        self.query_one("#meeting-rotation-left-out", Static).update(
            "Left out, answering for the agenda's metrics: " + (", ".join(responsible) or "nobody"))

    def action_save(self) -> None:
        """Record the ticked users as the rotating participants."""
        chosen, code = list(self.query_one(SelectionList).selected), self.code
        self.run(lambda conn, actor, now: meeting_people.choose(conn, code, chosen, actor=actor, now=now))

