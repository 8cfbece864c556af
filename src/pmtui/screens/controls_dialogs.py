"""Dialogs of the control assessments screen: run an assessment, sign one off."""

from __future__ import annotations

import sqlite3

from textual.app import ComposeResult
from textual.widgets import Input, Label, Static

from pmtui import actions
from pmtui.screens.controls_form import FormDialog
from pmtui.services import controls
from pmtui.services.errors import PmError


def current_quarter(app) -> str:
    """The quarter of the app's clock, e.g. ``2026Q4``."""
    today = app.clock().date()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


class RunDialog(FormDialog):
    """Ask for the quarter, then run the controls (a few seconds: the audit trail is verified)."""

    SCOPE = "controls-run"
    BINDINGS = actions.bindings("controls-run")
    TITLE = "Run a control assessment"
    SAVE = "Run"
    BUSY = "Running the controls (verifying the audit trail takes a few seconds)…"

    def fields(self) -> ComposeResult:
        """The quarter, and what will be checked."""
        yield Static("Checks integrity (file, audit chain, orphans, four eyes, changes after approval) and"
                     " access (segregation of duties, administrators, dormant accounts, vacant roles)."
                     " A new assessment is recorded; earlier ones stay.", classes="controls-form-note",
                     markup=False)
        yield Label("Quarter")
        yield Input(current_quarter(self.app), id="quarter", compact=True, placeholder="e.g. 2026Q3")

    def perform(self, conn: sqlite3.Connection, values: dict[str, str]) -> dict:
        """Run and record the assessment."""
        result = controls.run(conn, values["quarter"].strip(), actor=self.app.user, now=self.app.clock())
        return {"id": result["id"], "message": f"Assessment {result['id']} of {result['quarter']}:"
                                               f" {result['summary']}"}


class SignOffDialog(FormDialog):
    """Sign off one open assessment with a note (refusals shown in the dialog)."""

    SCOPE = "controls-sign-off"
    BINDINGS = actions.bindings("controls-sign-off")
    TITLE = "Sign off the assessment"
    SAVE = "Sign off"

    def __init__(self, assessment: dict) -> None:
        super().__init__()
        self.assessment = assessment

    def fields(self) -> ComposeResult:
        """What is signed off, and the note."""
        a = self.assessment
        yield Static(f"Assessment {a['id']} of {a['quarter']}, run by {a['run_by']} on {a['run_at'][:10]}:"
                     f" {a['summary']}.\nSigning off needs approve group-wide or administer, and cannot be done"
                     f" by {a['run_by']} (four eyes).", classes="controls-form-note", markup=False)
        yield Label("Note")
        yield Input(id="note", compact=True, placeholder="required: what was reviewed, what follows")

    def perform(self, conn: sqlite3.Connection, values: dict[str, str]) -> dict:
        """Sign off (the service checks permission and four eyes, and audits refusals)."""
        if not values["note"].strip():
            raise PmError("a sign-off needs a note: what was reviewed and what follows")
        result = controls.sign_off(conn, self.assessment["id"], values["note"], actor=self.app.user,
                                   now=self.app.clock())
        return {"id": result["id"], "message": f"Assessment {result['id']} of {result['quarter']} signed off"
                                               f" by {result['signed_off_by']}."}
