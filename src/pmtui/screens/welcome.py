"""The first screen of a file without a framework: what to do next, instead of a blank scorecard.

Two ways on: apply a framework file with the CLI (the command is shown), or build the
framework here, one element at a time (``u`` unit, ``k`` KPI, ``o`` objective: the
framework editor's forms; ``e`` opens the editor itself). As soon as an objective is
measured by a KPI, the scorecard replaces this screen.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Center, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from pmtui import actions
from pmtui.screens.framework_dialogs import KpiDialog, ObjectiveDialog, UnitDialog
from pmtui.screens.register_form import refusal
from pmtui.screens.scorecard import ScorecardScreen
from pmtui.services import framework_browse as fb
from pmtui.services.errors import PmError
from pmtui.widgets.footer import PmFooter


def _step(key: str, what: str, done: str, ok: bool) -> Text:
    return Text.assemble(("   ", ""), (f" {key} ", "bold reverse"), f"  {what:<34}",
                         ("✓ " if ok else "· ", "bold green" if ok else "dim"), (done, "" if ok else "dim"), "\n")


class WelcomeScreen(Screen):
    """Says what to do with an empty file; hands over to the scorecard once there is one."""

    SCOPE = "welcome"
    BINDINGS = actions.bindings("welcome")

    @dataclass
    class Loaded(Message):
        """What the file holds so far, and its top unit."""

        counts: fb.Counts
        top: str | None

    @dataclass
    class Failed(Message):
        """The file could not be read."""

        text: str

    def __init__(self) -> None:
        super().__init__()
        self.counts: fb.Counts | None = None
        self.top: str | None = None

    def compose(self) -> ComposeResult:
        """Header, the guide, the keys."""
        yield Header()
        with VerticalScroll(id="welcome-scroll"), Center():
            yield Static("Reading the file…", id="welcome-text")
        yield PmFooter()

    def on_mount(self) -> None:
        """Read what the file holds."""
        self.reload()

    def on_screen_resume(self) -> None:
        """Back from the editor or a form: maybe the scorecard can open now."""
        self.reload()

    def reload(self) -> None:
        """Count the framework again."""
        self._load()

    @work(thread=True, exclusive=True, group="welcome", exit_on_error=False)
    def _load(self) -> None:
        try:
            with self.app.database() as conn:
                counts = fb.counts(conn)
                units = fb.unit_tree(conn)
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(counts, units[0].code if units else None))

    def on_welcome_screen_failed(self, message: Failed) -> None:
        """Say why nothing is shown."""
        self.query_one("#welcome-text", Static).update(Text(message.text, style="bold red"))

    def on_welcome_screen_loaded(self, message: Loaded) -> None:
        """Show the guide, or open the scorecard when the framework is there."""
        self.counts, self.top = message.counts, message.top
        if message.counts.ready and self.is_current:
            self.app.switch_screen(ScorecardScreen())
            return
        self.query_one("#welcome-text", Static).update(self._guide(message.counts))

    def _guide(self, c: fb.Counts) -> Text:
        app = self.app
        user = app.user or "NAME"
        command = f"pmtui --db {Path(app.db_path).name} --user {user} framework apply FILE.toml"
        text = Text.assemble(
            ("Welcome to pmtui", "bold cyan"), "\n\n",
            "This file has no framework yet: no objective is measured by a KPI, so there is no scorecard to show."
            " Set one up in either of two ways.\n\n",
            ("1  Apply a framework file", "bold"), " (the whole framework as TOML, one audited transaction):\n\n",
            "     ", (command, "bold green"), "\n\n",
            "   Add --dry-run to see the plan first; fixtures/example_framework.toml is an example.",
            " Then press r here.\n\n",
            ("2  Build it here", "bold"), ", one element at a time:\n\n")
        below = self.top or "the top unit"
        text.append_text(_step("u", f"add a unit below {below}", f"units: {c.units}", c.units > 1))
        text.append_text(_step("K", "define a KPI", f"KPIs: {c.kpis}", c.kpis > 0))
        text.append_text(_step("o", "add an objective measured by it", f"objectives: {c.objectives}",
                               c.objectives > 0 and c.links > 0))
        text.append_text(_step("e", "open the framework editor", "units, objectives, KPIs, targets", False))
        why = refusal(app)
        if why:
            text.append(f"\n{why}", style="bold yellow")
        return text

    def _open(self, dialog) -> None:
        why = refusal(self.app)
        if why:
            self.notify(why, title="Framework", severity="error", markup=False)
            return
        self.app.push_screen(dialog, self._saved)

    def _saved(self, result: dict | None) -> None:
        if result:
            self.notify(result["message"], title="Framework", markup=False)
            self.app.refresh_screens()

    def action_add_unit(self) -> None:
        """A unit below the top unit."""
        self._open(UnitDialog({"parent": self.top or "", "kind": "region"}))

    def action_add_kpi(self) -> None:
        """The first KPI."""
        self._open(KpiDialog())

    def action_add_objective(self) -> None:
        """An objective at the top unit, measured by a KPI."""
        self._open(ObjectiveDialog({"unit": self.top or "", "level": "corporate"}))

    def action_open_editor(self) -> None:
        """The framework editor."""
        self.app.action_open_screen("framework")

    def action_reload(self) -> None:
        """Count again (e.g. after 'pmtui framework apply')."""
        self.reload()
