"""Dialogs of the target-revisions screen: request a revision, decide one.

Both leave validation and the rules (permissions, four-eyes) to
:mod:`pmtui.services.target_revisions`; a refusal is shown inline and the dialog
stays open.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from pmtui import actions
from pmtui.services import approvals, target_revisions
from pmtui.services.errors import PmError

#: (field id, label, placeholder) of the request form.
REQUEST_FIELDS = (("kpi", "KPI", "KPI code"), ("unit", "Unit", "unit code"), ("period", "Period", "YYYY-MM"),
                  ("target", "Target", "revised target"), ("amber", "Amber", "optional: moves with the target"),
                  ("reason", "Reason", "why the target must change"))


@dataclass
class RevisionStored(Message):
    """The service accepted; ``row`` is the revision as stored."""

    row: dict


@dataclass
class RevisionRefused(Message):
    """The service refused; ``text`` says why."""

    text: str


class _Form(ModalScreen[dict | None]):
    """Shared behaviour: cursor blink off in tests, refusals shown inline, Escape cancels."""

    SCOPE = "revision-form"
    BINDINGS = actions.bindings("revision-form")

    busy = False

    def on_mount(self) -> None:
        """Apply the app's cursor-blink setting and focus the first field."""
        for field in self.query(Input):
            field.cursor_blink = self.app.cursor_blink
        first = next(iter(f for f in self.query(Input) if not f.value), None) or self.query(Input).first()
        first.focus()

    def _run(self, call) -> None:
        if self.busy:
            return
        self.busy = True
        self.query_one(".revision-error", Static).update("")
        self._work(call)

    @work(thread=True, exclusive=True, group="revision-form", exit_on_error=False)
    def _work(self, call) -> None:
        app = self.app
        try:
            with app.database() as conn:
                row = call(conn, app.user, app.clock())
        except PmError as exc:
            self.post_message(RevisionRefused(str(exc)))
        except sqlite3.Error as exc:
            self.post_message(RevisionRefused(f"database problem: {exc}"))
        else:
            self.post_message(RevisionStored(row))

    def on_revision_refused(self, message: RevisionRefused) -> None:
        """Show the refusal and let the user correct the input."""
        self.busy = False
        self.query_one(".revision-error", Static).update(message.text)

    def on_revision_stored(self, message: RevisionStored) -> None:
        """Close with the stored revision."""
        self.dismiss(message.row)

    def action_close(self) -> None:
        """Cancel (not while the service is working: its answer must be shown)."""
        if not self.busy:
            self.dismiss(None)

    @on(Button.Pressed, ".cancel")
    def _cancel(self) -> None:
        self.action_close()


class RevisionRequestDialog(_Form):
    """Request a revision; ``initial`` pre-fills KPI, unit and period from the list."""

    def __init__(self, initial: dict | None = None) -> None:
        super().__init__()
        # Only where the target is: the selected row's reason and values are not a proposal.
        self.initial = {k: (initial or {}).get(k) for k in ("kpi", "unit", "period")}

    def compose(self) -> ComposeResult:
        """The form."""
        with Vertical(id="revision-box", classes="revision-box") as box:
            box.border_title = "Request a target revision"
            with Grid(classes="revision-form"):
                for field, label, hint in REQUEST_FIELDS:
                    yield Label(label)
                    yield Input(str(self.initial.get(field) or ""), placeholder=hint, id=f"rev-{field}",
                                compact=True)
            yield Static("", classes="revision-error", markup=False)
            with Horizontal(classes="revision-buttons"):
                yield Button("Request", variant="primary", id="rev-submit", compact=True)
                yield Button("Cancel", classes="cancel", compact=True)

    @on(Input.Submitted)
    @on(Button.Pressed, "#rev-submit")
    def _submit(self) -> None:
        values = {f: self.query_one(f"#rev-{f}", Input).value.strip() for f, _, _ in REQUEST_FIELDS}
        try:
            target = float(values["target"])
            amber = float(values["amber"]) if values["amber"] else None
        except ValueError:
            self.query_one(".revision-error", Static).update("Target and amber must be numbers, e.g. 92.5")
            return
        self._run(lambda conn, user, now: target_revisions.request(
            conn, values["kpi"].upper(), values["unit"].upper(), values["period"], target, amber,
            reason=values["reason"], actor=user, now=now))


class RevisionDecisionDialog(_Form):
    """Approve or reject ``revision`` with an optional note."""

    def __init__(self, revision: dict) -> None:
        super().__init__()
        self.revision = revision

    def compose(self) -> ComposeResult:
        """Summary, note, Approve / Reject / Cancel."""
        r = self.revision
        with Vertical(id="decision-box", classes="revision-box") as box:
            box.border_title = f"Decide revision {r['id']}"
            yield Static(f"{r['kpi']} at {r['unit']}, {r['period']}: target {r['original_target']:g} →"
                         f" {r['revised_target']:g}\nRequested by {r['requested_by']}: {r['reason']}",
                         markup=False, classes="decision-summary")
            yield Input(placeholder="note (optional)", id="decision-note", compact=True)
            yield Static("", classes="revision-error", markup=False)
            with Horizontal(classes="revision-buttons"):
                yield Button("Approve", variant="success", id="decision-approve", compact=True)
                yield Button("Reject", variant="error", id="decision-reject", compact=True)
                yield Button("Cancel", classes="cancel", compact=True)

    @on(Button.Pressed, "#decision-approve")
    def _approve(self) -> None:
        self._decide(True)

    @on(Button.Pressed, "#decision-reject")
    def _reject(self) -> None:
        self._decide(False)

    def _decide(self, approve: bool) -> None:
        note = self.query_one("#decision-note", Input).value
        rid, switched = self.revision["id"], self.app.switched_from
        # Through the inbox's decide: the same rules, and flagged when the acting user was switched.
        self._run(lambda conn, user, now: approvals.decide(conn, "target", rid, approve=approve, reason=note,
                                                           actor=user, now=now, switched_from=switched))
