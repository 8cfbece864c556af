"""Running one review meeting: its agenda item by item, one key per decision, minutes, rotation, finalising.

``A`` act (raises an action: owner and due date), ``W`` watch, ``R`` revise target,
``E`` escalate, ``C`` close, each asking for a note; ``n``/``p`` move between items;
``M`` minutes, ``o`` rotation, ``F`` finalise, ``G`` rebuilds the agenda before any
decision (both ask first). A finalised meeting is shown read-only. The capitals leave
the lower-case letters to the keys that work everywhere (``a`` alignment, ``w`` inbox, ...).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from pmtui import actions
from pmtui.screens.confirm import ask
from pmtui.screens.meeting_dialogs import LABELS, DecisionDialog, MinutesDialog, RotationDialog
from pmtui.services import reviews
from pmtui.services.errors import PmError
from pmtui.widgets.footer import PmFooter

KIND_LABELS = {"spc_concern": "SPC", "red_kpi": "Red KPI", "slipped_milestone": "Milestone",
               "overdue_action": "Overdue", "stale_data": "Stale", "other": "Other"}
SEVERITY_STYLE = {"red": "bold red", "amber": "yellow"}
COLUMNS = (("#", 2), ("Kind", 9), ("Item", 45), ("Decision", 10))
#: Evidence keys shown first, with their labels.
EVIDENCE = (("value", "value"), ("target", "target"), ("amber", "amber"), ("score", "score"), ("mean", "mean"),
            ("lpl", "lower limit"), ("upl", "upper limit"), ("rule", "rule"), ("assurance", "assurance"),
            ("status_reason", "status"), ("owner", "owner"), ("due_on", "due"), ("days_overdue", "days overdue"))


def evidence_text(item: dict) -> str:
    """One or two lines of the facts behind an item (numbers first, then alerts, missed periods, scores)."""
    ev = item["evidence"]
    parts = [f"{label} {ev[key]:g}" if isinstance(ev[key], float) else f"{label} {ev[key]}"
             for key, label in EVIDENCE if ev.get(key) is not None]
    if "scored_red" in ev:
        parts.append(f"scored red against target {ev['scored_red'].get('target')}")
    if ev.get("rules"):
        parts.append("alerts: " + ", ".join(r.replace("_", " ") for r in ev["rules"]))
    for missed in ev.get("missed", []):
        parts.append(f"{missed['period']} due {missed['due']} ({missed['status'] or 'no value'})")
    if ev.get("feed"):
        parts.append(f"last reading {ev['feed'].get('last_reading') or 'never'}")
    return " · ".join(str(p).replace("_", " ") for p in parts) or "no further evidence"


class MeetingScreen(Screen):
    """One meeting: header, agenda table, the highlighted item's evidence and decision."""

    SCOPE = "meeting"
    BINDINGS = actions.bindings("meeting")

    @dataclass
    class Loaded(Message):
        """The meeting read by the worker."""

        meeting: dict

    @dataclass
    class Failed(Message):
        """Why nothing can be shown or done."""

        text: str

    @dataclass
    class Written(Message):
        """A confirmed write (finalise, rebuild) went through; ``text`` says what it did."""

        text: str

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code
        self.meeting: dict | None = None

    def compose(self) -> ComposeResult:
        """Header lines, agenda, detail, keys."""
        yield Header()
        yield Static("Loading…", id="meeting-title")
        yield DataTable(id="meeting-agenda", cursor_type="row", zebra_stripes=True)
        yield Static("", id="meeting-detail")
        yield PmFooter()

    def on_mount(self) -> None:
        """Columns, then read the meeting."""
        table = self.query_one(DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        self.reload()

    def reload(self) -> None:
        """Read the meeting again."""
        self._load()

    @work(thread=True, exclusive=True, group="meeting", exit_on_error=False)
    def _load(self) -> None:
        try:
            with self.app.database() as conn:
                meeting = reviews.show(conn, self.code)
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(meeting))

    def on_meeting_screen_failed(self, message: Failed) -> None:
        """Say what went wrong."""
        self.notify(message.text, severity="error", markup=False)

    def on_meeting_screen_loaded(self, message: Loaded) -> None:
        """Fill the header and the agenda, keeping the cursor."""
        m = self.meeting = message.meeting
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for item in m["items"]:
            decision = Text(LABELS.get(item["decision"], "–"), style="bold green" if item["decision"] else "dim")
            table.add_row(Text(str(item["seq"]), style=SEVERITY_STYLE.get(item["severity"], "")),
                          Text(KIND_LABELS.get(item["kind"], item["kind"]), style=SEVERITY_STYLE.get(item["severity"])),
                          Text(item["title"], no_wrap=True, overflow="ellipsis"), decision, key=str(item["seq"]))
        if m["items"]:
            table.move_cursor(row=min(max(row, 0), len(m["items"]) - 1))
        decided = sum(1 for i in m["items"] if i["decision"])
        people = ", ".join(p["user"] + ("" if p["role"] == "member" else f" ({p['role']})")
                           + (" absent" if p["attended"] is False else "") for p in m["participants"])
        self.query_one("#meeting-title", Static).update(Text.assemble(
            (m["code"], "bold"), "  ", (m["status"].replace("_", " "), "bold green" if m["status"] == "finalised"
                                        else "bold yellow"),
            f"  decided {decided}/{len(m['items'])}  minutes {'yes' if m['minutes'] else 'no'}",
            f"  held {m['held_on'] or '–'}\n", (people, "dim"), no_wrap=True, overflow="ellipsis"))
        self._show_detail()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    def current(self) -> dict | None:
        """The agenda item under the cursor."""
        row = self.query_one(DataTable).cursor_row
        items = self.meeting["items"] if self.meeting else []
        return items[row] if 0 <= row < len(items) else None

    def _show_detail(self) -> None:
        item = self.current()
        detail = self.query_one("#meeting-detail", Static)
        if item is None:
            detail.update(Text("No agenda items: nothing is off track for this unit and period.", style="dim"))
            return
        element = " · ".join(x for x in (item["unit"], item["kpi"], item["initiative"], item["milestone"],
                                         f"action {item['action_id']}" if item["action_id"] else None,
                                         item["period"]) if x)
        text = Text.assemble((f"{item['seq']}. {item['title']}", "bold"), f"\n{element}\n",
                             (evidence_text(item), "dim"))
        if item["decision"]:
            text.append(f"\nDecided {LABELS[item['decision']].lower()} by {item['decided_by']}: "
                        f"{item['decision_note']}", style="green")
            if item["actions_created"]:
                text.append(f" → action {', '.join(map(str, item['actions_created']))}", style="green")
            if item["decision"] == "revise_target":
                text.append(f" → revise-or-hold decision {item['target_decision']}" if item["target_decision"] else
                            f" → weigh revise or hold: pmtui targets hold-or-revise … --agenda-item {item['id']}",
                            style="green")
        else:
            text.append("\nDecide: A act · W watch · R revise target · E escalate · C close", style="italic")
        detail.update(text)

    def _writable(self) -> bool:
        refusal = ("Read-only session: meetings cannot be changed." if self.app.readonly else
                   "No acting user: start pmtui with --user NAME to run a meeting." if self.app.user is None else
                   None if self.meeting is None or self.meeting["status"] != "finalised" else
                   f"{self.code} is finalised: it can no longer change.")
        if refusal:
            self.notify(refusal, severity="error", markup=False)
        return refusal is None and self.meeting is not None

    def action_decide(self, decision: str) -> None:
        """Ask for the note (and, for 'act', the action) of ``decision`` on the current item."""
        item = self.current()
        if not self._writable() or item is None:
            return
        if item["decision"] == "act":
            self.notify(f"Item {item['seq']} raised an action already: follow it up in the action register.",
                        severity="warning", markup=False)
            return
        self.app.push_screen(DecisionDialog(self.code, item, decision), self._decided)

    def _decided(self, result: dict | None) -> None:
        if not result:
            return
        note = f"Item {result['seq']}: {LABELS[result['decision']].lower()}."
        if result.get("action"):
            note += f" Action {result['action']['id']} raised for {result['action']['owner']}."
        self.notify(note, title="Decision recorded", markup=False)
        self.action_next_item()
        self.app.refresh_screens()

    def action_next_item(self) -> None:
        """Move to the next agenda item."""
        self.query_one(DataTable).action_cursor_down()

    def action_previous_item(self) -> None:
        """Move to the previous agenda item."""
        self.query_one(DataTable).action_cursor_up()

    def action_minutes(self) -> None:
        """Edit the minutes."""
        if self._writable():
            self.app.push_screen(MinutesDialog(self.code, self.meeting["minutes"]), self._changed("Minutes saved."))

    def action_rotation(self) -> None:
        """Choose the rotating participants."""
        if self._writable():
            self.app.push_screen(RotationDialog(self.code), self._changed("Rotating participants recorded."))

    def action_finalise(self) -> None:
        """Confirm, then finalise."""
        if not self._writable():
            return
        items = self.meeting["items"]
        summary = (f"{sum(1 for i in items if i['decision'])} of {len(items)} items decided; minutes "
                   f"{'written' if self.meeting['minutes'] else 'missing'}.")
        ask(self.app, f"Finalise {self.code}?", f"{summary}\nAfterwards its agenda, decisions, minutes and"
            " participants can no longer change.", lambda: self._write(reviews.finalise, f"{self.code} finalised."),
            yes="Finalise")

    def _changed(self, text: str):
        def done(result: dict | None) -> None:
            if result:
                self.notify(text, markup=False)
                self.app.refresh_screens()
        return done

    def action_generate(self) -> None:
        """Rebuild the agenda from today's exceptions, after a confirmation."""
        if self._writable():
            ask(self.app, f"Rebuild the agenda of {self.code}?", "The agenda is built again from today's"
                " exceptions (only possible before any decision).",
                lambda: self._write(reviews.generate_agenda, "Agenda rebuilt."), yes="Rebuild")

    @work(thread=True, exclusive=True, group="meeting-write", exit_on_error=False)
    def _write(self, call, done: str) -> None:
        """Run ``call(conn, code, actor=, now=)`` (finalise, rebuild); refusals become a notice."""
        app = self.app
        try:
            with app.database() as conn:
                call(conn, self.code, actor=app.user, now=app.clock())
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Written(done))

    def on_meeting_screen_written(self, message: Written) -> None:
        """Say what was done and read every screen again."""
        self._changed(message.text)({"done": True})

    def action_close(self) -> None:
        """Back to the meetings."""
        self.dismiss()
