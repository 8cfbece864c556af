"""The action register: a page of actions with filters, overdue ones highlighted.

Filters: ``M`` mine (the acting user's), ``o`` overdue, ``S`` source (cycles), ``T``
status (cycles), ``u`` unit (and the units below it), ``c`` clears them; opened from
the KPI screen or the scorecard it starts filtered to that KPI and unit. ``A`` raises
an action, ``n`` adds a note, ``d`` closes the highlighted action with a note, ``G``
marks it in progress (after a confirmation); ``[`` and ``]`` page through the register
(read page by page from SQL, never whole). The capitals leave ``m a s t g`` to the keys
that work everywhere.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.message import Message

from pmtui import actions as keys
from pmtui.screens.action_dialogs import AddActionDialog, CloseDialog, NoteDialog
from pmtui.screens.confirm import ask
from pmtui.screens.register_form import refusal
from pmtui.screens.register_list import PagedListScreen
from pmtui.services import actions
from pmtui.services.errors import PmError

#: Notes shown under the table for the highlighted action (latest).
NOTES_SHOWN = 3
SOURCES = (None, "meeting", "rca", "alert", "manual")
STATUSES = (None, "active", "open", "in_progress", "done", "cancelled")
STATUS_STYLE = {"open": "", "in_progress": "cyan", "done": "green", "cancelled": "dim"}


def _cycle(values: tuple, current):
    return values[(values.index(current) + 1) % len(values)]


class ActionsScreen(PagedListScreen):
    """The register as a paged table; the highlighted action's detail and latest notes below."""

    SCOPE = "register"
    BINDINGS = keys.bindings("register")
    PREFIX = "actions"
    COLUMNS = (("Due", 10), ("Late", 4), ("Status", 7), ("Owner", 9), ("Unit", 10), ("Title", 24))
    UNIT_TITLE = "Actions of unit (and below)"

    @dataclass
    class NotesLoaded(Message):
        """The latest notes of one action."""

        action_id: int
        notes: list[dict]

    @dataclass
    class Started(Message):
        """The start worker's outcome: the stored action, or why it was refused."""

        row: dict | None
        error: str | None = None

    def __init__(self, *, kpi: str | None = None, unit: str | None = None, period: str | None = None,
                 focus: str | None = None) -> None:
        super().__init__(kpi=kpi, unit=unit, period=period, focus=focus)
        self.mine = self.overdue = False
        self.source: str | None = None
        self.status: str | None = None
        self.notes: dict[int, list[dict]] = {}

    def filters(self) -> dict:
        """Keyword arguments of :func:`pmtui.services.actions.search`."""
        return {"kpi": self.kpi, "unit": self.unit, "owner": self.app.user if self.mine else None,
                "overdue": self.overdue, "source": self.source, "status": self.status}

    def fetch(self, conn: sqlite3.Connection, limit: int, offset: int) -> tuple[list[dict], int]:
        """One page of actions and how many match."""
        today, filters = self.app.clock().date(), self.filters()
        return (actions.search(conn, today=today, limit=limit, offset=offset, **filters),
                actions.count(conn, today=today, **filters))

    def describe(self) -> str:
        """The active filters in words."""
        parts = [f"KPI {self.kpi}" if self.kpi else "", f"{self.unit} and below" if self.unit else "",
                 "mine" if self.mine else "", "overdue" if self.overdue else "",
                 f"source {self.source}" if self.source else "",
                 f"status {self.status.replace('_', ' ')}" if self.status else ""]
        return " · ".join(p for p in parts if p) or "all actions"

    def heading(self) -> Text:
        """``Actions  <filters>  1-27 of 27``."""
        return Text.assemble(("Actions", "bold"), f"  {self.describe()}  ", (self.shown(), "bold"))

    def cells(self, r: dict) -> tuple:
        """Due date and days late in red when overdue; confidential titles marked."""
        late = Text(str(r["days_overdue"]), style="bold red", justify="right") if r["overdue"] else Text("")
        due = Text(r["due_on"], style="bold red" if r["overdue"] else "")
        status = Text(r["status"].replace("in_progress", "in prog"), style=STATUS_STYLE.get(r["status"], ""))
        title = Text.assemble(("⊘ ", "bold red") if r["confidentiality"] == "confidential" else "", r["title"])
        return (due, late, status, r["owner"], r["unit"], title)

    def detail(self, a: dict | None) -> str:
        """Owner and role, source and links, description, closing note, latest notes."""
        if a is None:
            return "No actions match: c clears the filters, A raises one."
        links = " · ".join(x for x in (f"KPI {a['kpi']}" if a["kpi"] else "", f"initiative {a['initiative']}"
                                       if a["initiative"] else "", f"meeting {a['meeting']}" if a["meeting"] else "",
                                       f"root cause {a['root_cause_id']}" if a["root_cause_id"] else "") if x)
        who = f"{a['owner_name']} as {a['owner_role'] or '-'} · from {a['source']}"
        lines = [f"#{a['id']} {a['title']}", who + (f" · {links}" if links else "")]
        if a["description"]:
            lines.append(a["description"])
        if a["close_note"]:
            lines.append(f"{a['status']} {a['closed_at'][:10]} by {a['closed_by']}: {a['close_note']}")
        if a["id"] in self.notes:
            lines += [f"{n['written_at'][:10]} {n['written_by']}: {n['note']}" for n in self.notes[a["id"]]]
        elif a["notes"]:
            self._load_notes(a["id"])
        return "\n".join(lines)

    @work(thread=True, exclusive=True, group="actions-notes", exit_on_error=False)
    def _load_notes(self, action_id: int) -> None:
        try:
            with self.app.database() as conn:
                notes = actions.notes(conn, action_id)[-NOTES_SHOWN:]
        except (PmError, sqlite3.Error):
            return  # the notes are extra detail: the table stays usable
        self.post_message(self.NotesLoaded(action_id, notes))

    def on_actions_screen_notes_loaded(self, message: NotesLoaded) -> None:
        """Keep the notes and show them if that action is still highlighted."""
        self.notes[message.action_id] = message.notes
        self.show_detail()

    def reload(self) -> None:
        """Forget the notes read so far, then read the page again."""
        self.notes.clear()
        super().reload()

    def action_toggle_mine(self) -> None:
        """Only the acting user's actions, or everyone's."""
        if self.app.user is None:
            self.notify("No acting user: start pmtui with --user NAME.", severity="warning", timeout=3)
            return
        self.refilter(mine=not self.mine)

    def action_toggle_overdue(self) -> None:
        """Only overdue actions, or all."""
        self.refilter(overdue=not self.overdue)

    def action_cycle_source(self) -> None:
        """Next source filter: meeting, rca, alert, manual, any."""
        self.refilter(source=_cycle(SOURCES, self.source))

    def action_cycle_status(self) -> None:
        """Next status filter: active, open, in progress, done, cancelled, any."""
        self.refilter(status=_cycle(STATUSES, self.status))

    def action_clear_filters(self) -> None:
        """Show the whole register."""
        self.refilter(kpi=None, unit=None, period=None, mine=False, overdue=False, source=None, status=None)

    def _with_action(self, make) -> None:
        if self.selected() is None:
            self.notify("Move to an action first.", severity="warning", timeout=3)
            return
        self.push_form(make(self.selected()))

    def action_add_action(self) -> None:
        """Raise a new action (pre-filled with the KPI and unit filters)."""
        self.push_form(AddActionDialog(unit=self.unit, kpi=self.kpi))

    def action_add_note(self) -> None:
        """Add a progress note to the highlighted action."""
        self._with_action(NoteDialog)

    def action_close_action(self) -> None:
        """Close the highlighted action as done, with a note."""
        self._with_action(CloseDialog)

    def action_start_action(self) -> None:
        """Mark the highlighted action as in progress, after a confirmation."""
        a = self.selected()
        why = refusal(self.app) or (None if a else "Move to an action first.")
        if why:
            self.notify(why, severity="warning", markup=False)
            return
        ask(self.app, "Start this action?", f"#{a['id']} {a['title']} (owner {a['owner']}) is marked in progress.",
            lambda: self._start(a["id"]), yes="Start")

    @work(thread=True, exclusive=True, group="actions-start", exit_on_error=False)
    def _start(self, action_id: int) -> None:
        try:
            with self.app.database() as conn:
                row = actions.start(conn, action_id, actor=self.app.user, now=self.app.clock())
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Started(None, str(exc)))
            return
        self.post_message(self.Started(row))

    def on_actions_screen_started(self, message: Started) -> None:
        """Show the refusal, or read again with the action in progress."""
        if message.error:
            self.notify(message.error, severity="error", markup=False)
        self.stored(message.row)
