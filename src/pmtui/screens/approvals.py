"""The approvals inbox of the acting user: what waits for them, and their own work waiting on others.

Values, corrections and target revisions are read one page at a time from SQL
(:func:`pmtui.services.approvals.inbox`); ``A`` approves (after a confirmation) and ``R``
rejects (with a reason) the selected item through its own service; the cursor stays on
the same row. A refusal (no permission, or the four-eyes rule on one's own work) is shown
as it is, and the service has audited it. Decisions made after the acting user was
switched carry the switch (:func:`pmtui.services.approvals.decide`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from pmtui import actions
from pmtui.screens.approvals_dialogs import Answered, RejectDialog, call_service, session_refusal
from pmtui.screens.confirm import ask
from pmtui.services import approvals
from pmtui.services.errors import PmError
from pmtui.widgets.footer import PmFooter

#: Items per page ([ and ] page further).
PAGE = 50

#: Sized to fit 80 columns: the note of the selected item is in the detail line.
COLUMNS = (("", 1), ("Kind", 6), ("Unit", 9), ("KPI", 13), ("Period", 7), ("Value", 12), ("By", 9), ("Wait", 4))
KIND_LABEL = {"value": "value", "correction": "corr.", "target": "target"}


def shown_value(item: dict) -> str:
    """The value of an item: ``94.9``, or ``93.5 → 92.8`` for a correction or a target revision."""
    if item["old_value"] is None:
        return f"{item['value']:g}"
    return f"{item['old_value']:g} → {item['value']:g}"


def waited(item: dict, today: date) -> str:
    """Days since the item was submitted (``3d``)."""
    stamp = item.get("submitted_at") or ""
    try:
        days = (today - date.fromisoformat(stamp[:10])).days
    except ValueError:
        return "–"
    return f"{days}d"


def describe(item: dict) -> str:
    """Two lines about one item: what it is, who submitted it and what it waits for."""
    what = {"value": "Value", "correction": f"Correction {item['id']}", "target": f"Target revision {item['id']}"}
    head = (f"{what[item['kind']]} of {item['kpi']} at {item['unit']}, {item['period']}: {shown_value(item)}"
            f" ({item['status']} by {item['submitted_by']} on {(item['submitted_at'] or '')[:10]})")
    if item["waits_on"] == "you":
        tail = "Waits for your decision: A approve, R reject."
    else:
        tail = "Yours, waiting on someone else: nobody decides their own work (four-eyes rule)."
    note = f"\n{item['note']}" if item.get("note") else ""
    return f"{head}{note}\n{tail}"


class ApprovalsScreen(Screen):
    """The inbox as a paged table; the selected item's details below it."""

    SCOPE = "approvals"
    BINDINGS = actions.bindings("approvals")

    @dataclass
    class Loaded(Message):
        """A page of the inbox read by the worker."""

        data: dict | None
        who: dict | None

    @dataclass
    class Failed(Message):
        """Why nothing can be shown."""

        text: str

    def __init__(self) -> None:
        super().__init__()
        self.page = 0
        self.data: dict | None = None
        self.busy = False

    def compose(self) -> ComposeResult:
        """Title, the table, the selected item, the keys."""
        yield Header()
        yield Static("Loading…", id="approvals-title")
        yield DataTable(id="approvals-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="approvals-detail", markup=False)
        yield PmFooter()

    def on_mount(self) -> None:
        """Set up the columns and read the first page."""
        table = self.query_one(DataTable)
        for index, (label, width) in enumerate(COLUMNS):
            table.add_column(label, width=width, key=f"c{index}")
        self.reload()

    def reload(self) -> None:
        """Read the current page again (for the user acting now)."""
        self._load(self.app.user, self.page)

    @work(thread=True, exclusive=True, group="approvals", exit_on_error=False)
    def _load(self, user: str | None, page: int) -> None:
        if user is None:
            self.post_message(self.Loaded(None, None))
            return
        try:
            with self.app.database() as conn:
                today = self.app.clock().date()
                data = approvals.inbox(conn, user, today=today, limit=PAGE, offset=page * PAGE)
                who = approvals.whoami(conn, user, today)
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(data, who))

    def on_approvals_screen_loaded(self, message: Loaded) -> None:
        """Fill the table and the title."""
        self.data = message.data
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        title = self.query_one("#approvals-title", Static)
        if message.data is None:
            title.update(Text("No acting user: press j to choose who you are.", style="bold yellow"))
            self._show_detail()
            return
        today = self.app.clock().date()
        for n, item in enumerate(message.data["items"]):
            mine = item["waits_on"] == "others"
            style = "dim" if mine else ""
            table.add_row(Text("○" if mine else "●", style="dim" if mine else "bold green"),
                          Text(KIND_LABEL[item["kind"]], style=style), Text(item["unit"], style=style),
                          Text(item["kpi"], style=style), Text(item["period"], style=style),
                          Text(shown_value(item), style=style, justify="right"),
                          Text(item["submitted_by"] or "–", style=style), Text(waited(item, today), justify="right"),
                          key=f"{n}")
        if table.row_count:  # the same row after a decision: the next item moved up into it
            table.move_cursor(row=min(max(row, 0), table.row_count - 1))
        d, who = message.data, message.who
        pages = max(1, -(-d["total"] // PAGE))
        roles = ", ".join(who["roles"]) or "no roles"
        title.update(Text.assemble(
            ("Approvals inbox", "bold"), f" of {who['user']} ({roles})\n",
            ("● ", "bold green"), (str(d["for_you"]), "bold"), " waiting for you  ", ("○ ", "dim"),
            (str(d["yours"]), "bold"), " of yours waiting on others",
            f"   page {self.page + 1} of {pages} ([ and ] page)" if pages > 1 else ""))
        self._show_detail()

    def on_approvals_screen_failed(self, message: Failed) -> None:
        """Say why nothing is shown."""
        self.query_one("#approvals-title", Static).update(Text(message.text, style="bold red"))

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    def selected(self) -> dict | None:
        """The item under the cursor."""
        items = self.data["items"] if self.data else []
        row = self.query_one(DataTable).cursor_row
        return items[row] if items and 0 <= row < len(items) else None

    def _show_detail(self, refusal: str | None = None) -> None:
        item = self.selected()
        detail = self.query_one("#approvals-detail", Static)
        if refusal:
            detail.update(Text(refusal, style="bold red"))
        elif item is None:
            detail.update(Text("Nothing waits here.", style="dim") if self.data is not None else "")
        else:
            detail.update(describe(item))

    def _target(self) -> dict | None:
        refusal = session_refusal(self.app)
        item = self.selected()
        if refusal or item is None:
            self.notify(refusal or "Nothing selected.", title="Approvals", severity="error" if refusal else "warning",
                        markup=False)
            return None
        return item

    def action_approve(self) -> None:
        """Approve the selected item once confirmed (the service refuses, and audits, one's own work)."""
        item = self._target()
        if item is not None and not self.busy:
            ask(self.app, f"Approve this {item['kind']}?", describe(item).rsplit("\n", 1)[0],
                lambda: self._start_approval(item), yes="Approve")

    def _start_approval(self, item: dict) -> None:
        if not self.busy:
            self.busy = True
            self._approve(item["kind"], item["id"])

    @work(thread=True, exclusive=True, group="approvals-decide", exit_on_error=False)
    def _approve(self, kind: str, item_id: int) -> None:
        switched = self.app.switched_from
        self.post_message(call_service(self.app, lambda conn, user, now: approvals.decide(
            conn, kind, item_id, approve=True, actor=user, now=now, switched_from=switched)))

    def on_answered(self, message: Answered) -> None:
        """Say what the approval did (or why it was refused), then read the inbox again."""
        self.busy = False
        if message.refusal:
            self.notify(message.refusal, title="Refused", severity="error", timeout=10, markup=False)
            self._show_detail(message.refusal)
            return
        self._done(message.result)

    def _done(self, item: dict | None) -> None:
        if item:
            self.notify(f"{item['kind'].capitalize()} {item['kpi']} {item['unit']} {item['period']} {item['status']}.",
                        title="Decision recorded", markup=False)
            self.app.refresh_screens()

    def action_reject(self) -> None:
        """Reject the selected item: the dialog asks for the reason."""
        item = self._target()
        if item is not None:
            self.app.push_screen(RejectDialog(item), self._done)

    def _page(self, step: int) -> None:
        total = self.data["total"] if self.data else 0
        pages = max(1, -(-total // PAGE))
        new = min(max(self.page + step, 0), pages - 1)
        if new != self.page:
            self.page = new
            self.reload()

    def action_next_page(self) -> None:
        """Next page of the inbox."""
        self._page(+1)

    def action_previous_page(self) -> None:
        """Previous page of the inbox."""
        self._page(-1)

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.dismiss()
