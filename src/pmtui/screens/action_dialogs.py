"""Dialogs of the action register: raise an action, add a progress note, close with a note.

Validation and the rules (who may close, owner roles, due dates) are the service's
(:mod:`pmtui.services.actions`); refusals are shown inline by :class:`RegisterForm`.
"""

from __future__ import annotations

from datetime import timedelta

from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from pmtui.screens.register_form import RegisterForm
from pmtui.services import actions

#: Days from today proposed as the due date of a new action.
DEFAULT_DAYS = 14

#: (field, label, placeholder) of the add form.
ADD_FIELDS = (("title", "Title", "what is to be done"), ("owner", "Owner", "user name"),
              ("due", "Due", "YYYY-MM-DD"), ("unit", "Unit", "unit code"), ("kpi", "KPI", "optional KPI code"),
              ("role", "Owner role", "optional: default the role held nearest the unit"),
              ("description", "Detail", "optional"))


def _buttons(save: str) -> Horizontal:
    return Horizontal(Button(save, variant="primary", classes="register-save", compact=True),
                      Button("Cancel", classes="register-cancel", compact=True), classes="register-buttons")


class AddActionDialog(RegisterForm):
    """Raise an action; ``initial`` pre-fills unit and KPI (and links it to a root cause)."""

    def __init__(self, *, unit: str | None = None, kpi: str | None = None, root_cause_id: int | None = None) -> None:
        super().__init__()
        self.initial = {"unit": unit or "", "kpi": kpi or ""}
        self.root_cause_id = root_cause_id

    def compose(self) -> ComposeResult:
        """The form."""
        today = self.app.clock().date()
        values = self.initial | {"due": (today + timedelta(days=DEFAULT_DAYS)).isoformat()}
        with Vertical(classes="register-box") as box:
            box.border_title = "New action" + (f" from root cause {self.root_cause_id}" if self.root_cause_id else "")
            with Grid(classes="register-grid"):
                for field, label, hint in ADD_FIELDS:
                    yield Label(label)
                    yield Input(values.get(field, ""), placeholder=hint, id=f"action-{field}", compact=True)
            yield Static("", classes="register-error", markup=False)
            yield _buttons("Raise")

    def _value(self, field: str) -> str:
        return self.query_one(f"#action-{field}", Input).value.strip()

    def action_save(self) -> None:
        """Raise the action through the service."""
        v = {f: self._value(f) for f, _, _ in ADD_FIELDS}
        source = "rca" if self.root_cause_id else "manual"
        self.submit(lambda conn, user, now: actions.add(
            conn, v["title"], owner=v["owner"], due_on=v["due"], unit=v["unit"], source=source,
            description=v["description"], owner_role=v["role"] or None, root_cause_id=self.root_cause_id,
            kpi=v["kpi"] or None, actor=user, now=now))


class _OneNoteDialog(RegisterForm):
    """A form with one note field about one action."""

    LABEL = "Note"
    BUTTON = "Save"
    HINT = ""
    TITLE = "Action"

    def __init__(self, action: dict) -> None:
        super().__init__()
        self.action = action

    def compose(self) -> ComposeResult:
        """What the action is, then the note."""
        a = self.action
        with Vertical(classes="register-box") as box:
            box.border_title = f"{self.TITLE} {a['id']}"
            yield Static(f"{a['title']}\n{a['owner_name']} ({a['owner_role'] or '-'}) · {a['unit']}"
                         f" · due {a['due_on']} · {a['status'].replace('_', ' ')}", classes="register-what",
                         markup=False)
            with Grid(classes="register-grid"):
                yield Label(self.LABEL)
                yield Input(placeholder=self.HINT, id="action-note", compact=True)
            yield Static("", classes="register-error", markup=False)
            yield _buttons(self.BUTTON)

    def note(self) -> str:
        """The note typed."""
        return self.query_one("#action-note", Input).value


class NoteDialog(_OneNoteDialog):
    """Add a progress note to an action."""

    HINT = "progress so far"
    BUTTON = "Add note"
    TITLE = "Progress note on action"

    def action_save(self) -> None:
        """Store the note."""
        text, action_id = self.note(), self.action["id"]
        self.submit(lambda conn, user, now: actions.note(conn, action_id, text, actor=user, now=now))


class CloseDialog(_OneNoteDialog):
    """Close an action as done; the note says what was done."""

    LABEL = "Done note"
    HINT = "required: what was done"
    BUTTON = "Close"
    TITLE = "Close action"

    def action_save(self) -> None:
        """Close the action."""
        text, action_id = self.note(), self.action["id"]
        self.submit(lambda conn, user, now: actions.close(conn, action_id, text, actor=user, now=now))
