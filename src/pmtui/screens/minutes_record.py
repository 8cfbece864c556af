"""One meeting's archived record: minutes, decisions and participants (read-only)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from pmtui import actions
from pmtui.services import minutes
from pmtui.services.errors import PmError
from pmtui.widgets.footer import PmFooter

DECISION_STYLE = {"act": "bold yellow", "escalate": "bold red", "watch": "cyan", "revise_target": "magenta",
                  "close": "green"}


def render_record(record: dict, focus: str | None = None) -> Text:
    """The record as text: heading, minutes, then each agenda item with its decision."""
    status = "finalised" if record["status"] == "finalised" else f"{record['status']} (not final)"
    out = Text.assemble((f"{record['code']}  {record['title']}", "bold"), "\n",
                        (f"{record['unit']} · {record['period']} · held {record['held_on'] or '-'} · chair"
                         f" {record['chair'] or '-'} · {status}", "dim"))
    if record["finalised_by"]:
        out.append(f"\nfinalised by {record['finalised_by']} at {record['finalised_at']}", style="dim")
    people = ", ".join(f"{p['name']} ({p['role']})" for p in record["participants"])
    if people:
        out.append(f"\nparticipants: {people}", style="dim")
    out.append("\n\nMinutes\n", style="bold underline")
    out.append(record["minutes"] or "(no minutes recorded)")
    out.append("\n\nDecisions\n", style="bold underline")
    if not record["agenda"]:
        out.append("(no agenda)", style="dim")
    for item in record["agenda"]:
        mark = "▶ " if focus and item["title"] == focus else "  "
        out.append(f"{mark}{item['seq']}. {item['title']}", style="bold" if mark.strip() else "")
        decision = item["decision"] or "no decision"
        out.append(f"  {decision}", style=DECISION_STYLE.get(item["decision"] or "", "dim"))
        if item["decision_note"]:
            out.append(f"\n     {item['decision_note']}")
        out.append("\n")
    return out


class MinutesRecordScreen(Screen):
    """The full record of one meeting, scrollable; Escape goes back to the results."""

    SCOPE = "minutes-record"
    BINDINGS = actions.bindings("minutes-record")

    @dataclass
    class Loaded(Message):
        """The record read by the worker."""

        record: dict

    @dataclass
    class Failed(Message):
        """Why the record cannot be shown."""

        text: str

    def __init__(self, meeting: str, *, focus: str | None = None) -> None:
        super().__init__()
        self.meeting = meeting
        self.focus_title = focus

    def compose(self) -> ComposeResult:
        """The record in a scrolling view."""
        yield Header()
        with VerticalScroll(id="min-record-scroll"):
            yield Static("Loading…", id="min-record")
        yield PmFooter()

    def on_mount(self) -> None:
        """Read the record."""
        self.query_one(VerticalScroll).focus()
        self._load()

    @work(thread=True, exclusive=True, group="minutes-record", exit_on_error=False)
    def _load(self) -> None:
        try:
            with self.app.database() as conn:
                record = minutes.show(conn, self.meeting)
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(record))

    def on_minutes_record_screen_loaded(self, message: Loaded) -> None:
        """Show it."""
        self.query_one("#min-record", Static).update(render_record(message.record, self.focus_title))

    def on_minutes_record_screen_failed(self, message: Failed) -> None:
        """Say why nothing is shown."""
        self.query_one("#min-record", Static).update(Text(message.text, style="bold red"))

    def action_close(self) -> None:
        """Back to the results."""
        self.dismiss()
