"""The freshness screen: stale data and conflicting readings as of today (M2.3, M2.5)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from pmtui import actions
from pmtui.services import freshness
from pmtui.services.errors import PmError
from pmtui.widgets.footer import PmFooter

#: Rows per page in each list.
PAGE = 50

STALE = (("Unit", 10), ("KPI", 15), ("Period", 7), ("Due", 10), ("Late", 5), ("Status", 7), ("Source", 8))
#: The gap comes before the two readings so that it stays visible at 80 columns.
CONFLICTS = (("Unit", 10), ("KPI", 13), ("Period", 7), ("Gap", 5), ("Reading", 19), ("Against", 19))


def _late(item: dict) -> Text:
    if item["kind"] == "feed late":
        hours = item.get("hours_late")
        return Text("never" if hours is None else f"{hours:.0f} h", style="bold red")
    days = item["days_overdue"]
    return Text(f"{days} d", style="bold red" if days > 14 else "bold yellow", justify="right")


class FreshnessScreen(Screen):
    """Two paged lists: stale items (most overdue first) and readings that disagree."""

    SCOPE = "freshness"
    BINDINGS = actions.bindings("freshness")

    @dataclass
    class Loaded(Message):
        """The report read by the worker."""

        report: dict

    @dataclass
    class Failed(Message):
        """Why nothing can be shown."""

        text: str

    def __init__(self) -> None:
        super().__init__()
        self.report: dict = {"stale": [], "conflicting": []}
        self.pages = {"freshness-stale": 0, "freshness-conflicts": 0}

    def compose(self) -> ComposeResult:
        """Title, the stale list, the conflicts list, the keys."""
        yield Header()
        yield Static("Loading…", id="freshness-title")
        yield Static("", id="stale-caption", classes="freshness-caption")
        yield DataTable(id="freshness-stale", cursor_type="row", zebra_stripes=True)
        yield Static("", id="conflicts-caption", classes="freshness-caption")
        yield DataTable(id="freshness-conflicts", cursor_type="row", zebra_stripes=True)
        yield PmFooter()

    def on_mount(self) -> None:
        """Set up the columns and read the report."""
        for table_id, columns in (("freshness-stale", STALE), ("freshness-conflicts", CONFLICTS)):
            table = self.query_one(f"#{table_id}", DataTable)
            for index, (label, width) in enumerate(columns):
                table.add_column(label, width=width, key=f"{label}{index}")
        self.reload()

    def reload(self) -> None:
        """Read the report again."""
        self._load()

    @work(thread=True, exclusive=True, group="freshness", exit_on_error=False)
    def _load(self) -> None:
        try:
            with self.app.database() as conn:
                report = freshness.report(conn, self.app.clock())
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(report))

    def on_freshness_screen_loaded(self, message: Loaded) -> None:
        """Show the first page of each list."""
        self.report = message.report
        r = message.report
        self.query_one("#freshness-title", Static).update(Text.assemble(
            ("Data freshness", "bold"), f" as of {r['today']}   ", (str(len(r["stale"])), "bold"), " stale   ",
            (str(len(r["conflicting"])), "bold"), f" conflicting (tolerance {r['tolerance']:.1%})"))
        self._fill("freshness-stale")
        self._fill("freshness-conflicts")

    def on_freshness_screen_failed(self, message: Failed) -> None:
        """Say why nothing is shown."""
        self.query_one("#freshness-title", Static).update(Text(message.text, style="bold red"))

    def _items(self, table_id: str) -> list[dict]:
        return self.report["stale" if table_id == "freshness-stale" else "conflicting"]

    def _fill(self, table_id: str) -> None:
        items, page = self._items(table_id), self.pages[table_id]
        table = self.query_one(f"#{table_id}", DataTable)
        table.clear()
        for i in items[page * PAGE:(page + 1) * PAGE]:
            if table_id == "freshness-stale":
                table.add_row(i["unit"], i["kpi"], i.get("period") or "feed", i.get("due") or "–", _late(i),
                              i.get("status") or "missing", i.get("source") or "–")
            else:
                table.add_row(i["unit"], i["kpi"], i["period"], Text(f"{i['gap']:.1%}", style="bold yellow"),
                              f"{i['first']} {i['first_value']:g}", f"{i['second']} {i['second_value']:g}")
        pages = max(1, -(-len(items) // PAGE))
        caption = "Stale: missed due dates and late feeds" if table_id == "freshness-stale" \
            else "Conflicting: sources or stored values that disagree"
        where = f"   page {page + 1} of {pages}  ([ and ] page)" if pages > 1 else ""
        empty = "   none" if not items else ""
        self.query_one("#stale-caption" if table_id == "freshness-stale" else "#conflicts-caption",
                       Static).update(f"{caption}{empty}{where}")

    def _page(self, step: int) -> None:
        focused = self.focused.id if self.focused is not None else "freshness-stale"
        table_id = focused if focused in self.pages else "freshness-stale"
        pages = max(1, -(-len(self._items(table_id)) // PAGE))
        new = min(max(self.pages[table_id] + step, 0), pages - 1)
        if new != self.pages[table_id]:
            self.pages[table_id] = new
            self._fill(table_id)

    def action_next_page(self) -> None:
        """Next page of the focused list."""
        self._page(+1)

    def action_previous_page(self) -> None:
        """Previous page of the focused list."""
        self._page(-1)

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.dismiss()
