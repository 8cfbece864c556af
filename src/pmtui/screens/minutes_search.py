"""Full-text search of the minutes archive (M7.6): finalised minutes and decisions.

Typing searches (coalesced: one query after a short pause, not one per key); results
come ranked from SQLite FTS5 a page at a time, each with a snippet whose matches are
highlighted. Enter on a result shows the meeting's full record. An empty search lists
the archive, latest meeting first.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable, Header, Input, Static

from pmtui import actions
from pmtui.screens.minutes_record import MinutesRecordScreen
from pmtui.screens.paged_rows import PagedRowsScreen
from pmtui.services import minutes
from pmtui.services.errors import PmError
from pmtui.widgets.footer import PmFooter

#: Seconds of quiet typing before a search runs.
DEBOUNCE = 0.3
#: Markers the service wraps around matches (private-use characters: never typed).
MARK = ("\ue000", "\ue001")
HIT_STYLE = "bold reverse"

COLUMNS = (("Meeting", 16), ("Kind", 8), ("Match", 46))


def highlight(snippet: str | None) -> Text:
    """The snippet as text with its marked matches highlighted and line breaks flattened."""
    out = Text()
    for index, part in enumerate((snippet or "").replace("\n", " ").split(MARK[0])):
        hit, _, rest = part.partition(MARK[1]) if index else ("", "", part)
        out.append(hit, style=HIT_STYLE)
        out.append(rest)
    return out


class MinutesSearchScreen(PagedRowsScreen):
    """A search box over the archive and a page of ranked results."""

    SCOPE = "minutes"
    BINDINGS = actions.bindings("minutes")

    @dataclass
    class Found(Message):
        """A page of results for ``query``."""

        query: str
        data: dict

    @dataclass
    class Failed(Message):
        """Why the search could not run."""

        text: str

    def __init__(self) -> None:
        super().__init__()
        self.query_text = ""
        self._pending: Timer | None = None

    def compose(self) -> ComposeResult:
        """Search box, summary, results, the selected result."""
        yield Header()
        yield Input(placeholder='Search minutes and decisions: words, "a phrase", prefix*', id="min-query",
                    compact=True)
        yield Static("Loading…", id="min-title")
        yield DataTable(id="min-results", cursor_type="row", zebra_stripes=True)
        yield Static("", id="min-detail")
        yield PmFooter()

    def on_mount(self) -> None:
        """Columns, the whole archive (latest first), focus in the search box."""
        field = self.query_one(Input)
        field.cursor_blink = self.app.cursor_blink
        table = self.query_one(DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        field.focus()
        self.reload()

    def reload(self) -> None:
        """Run the current search again (current page)."""
        self._search(self.query_text, self.page_start)

    @on(Input.Changed, "#min-query")
    def _typed(self, event: Input.Changed) -> None:
        # Coalesce: a search per pause in typing, not per key.
        if self._pending is not None:
            self._pending.stop()
        self._pending = self.set_timer(DEBOUNCE, lambda: self._start(event.value))

    @on(Input.Submitted, "#min-query")
    def _submitted(self, event: Input.Submitted) -> None:
        if self._pending is not None:
            self._pending.stop()
        self._start(event.value)
        self.query_one(DataTable).focus()

    def _start(self, text: str) -> None:
        self.query_text, self.page_start = text, 0
        self.reload()

    @work(thread=True, exclusive=True, group="minutes", exit_on_error=False)
    def _search(self, text: str, offset: int) -> None:
        try:
            with self.app.database() as conn:
                data = minutes.search(conn, text, limit=self.PAGE, offset=offset, mark=MARK)
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Found(text, data))

    def on_minutes_search_screen_found(self, message: Found) -> None:
        """Show the page (unless the user has typed another search since)."""
        if message.query != self.query_text:
            return
        data = message.data
        self.rows, self.total = data["results"], data["total"]
        table = self.query_one(DataTable)
        table.clear()
        for index, r in enumerate(self.rows):
            table.add_row(r["meeting"], r["kind"], highlight(r["snippet"]), key=str(index))
        what = "matches" if data["match"] else "entries in the archive"
        self.query_one("#min-title", Static).update(Text.assemble(
            (f"{self.total} {what}", "bold"), f"  {self.page_label()}",
            ("   Enter opens" + (" · [ ] pages" if self.total > self.PAGE else ""), "dim")))
        self.show_detail()

    def on_minutes_search_screen_failed(self, message: Failed) -> None:
        """Say why nothing is shown."""
        self.query_one("#min-title", Static).update(Text(message.text, style="bold red"))

    def show_detail(self) -> None:
        """The highlighted result's title (matches marked), meeting and snippet."""
        r = self.selected()
        detail = self.query_one("#min-detail", Static)
        if r is None:
            detail.update(Text("Nothing found: try fewer words or a prefix such as supp*.", style="dim")
                          if self.query_text.strip() else "")
            return
        head = highlight(r["title_marked"])
        head.stylize("bold")
        head = Text.assemble(head, f"  {r['unit'] or ''} {r['period'] or ''}"
                             f" held {r['held_on'] or '-'}",
                             ("  confidential" if r["confidentiality"] == "confidential" else "", "bold red"))
        detail.update(Text("\n").join([head, highlight(r["snippet"])]))

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        # Enter on the table (its own binding) selects the row: open it.
        event.stop()
        self.action_open_record()

    def action_open_record(self) -> None:
        """Show the full record of the meeting of the result under the cursor."""
        r = self.selected()
        if r is not None:
            self.app.push_screen(MinutesRecordScreen(r["meeting"], focus=r["title"] if r["kind"] == "decision"
                                                     else None))

    def action_focus_search(self) -> None:
        """Put the cursor in the search box."""
        self.query_one(Input).focus()
