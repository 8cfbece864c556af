"""The data-source registry screen: each source and, below, the KPIs it feeds (M2.1)."""

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
from pmtui.services import sources
from pmtui.services.errors import PmError
from pmtui.widgets.footer import PmFooter

#: Sources read; a registry is small, this only bounds a runaway file.
LIMIT = 200

COLUMNS = (("Source", 11), ("Name", 22), ("System", 20), ("IT domain", 16), ("Reliab.", 7), ("Latency", 7),
           ("Refresh", 8), ("KPIs", 4))
KPI_COLUMNS = (("KPI", 18), ("Name", 30), ("Mode", 8), ("Frequency", 9), ("Due days", 8))
RELIABILITY_STYLE = {"high": "green", "medium": "yellow", "low": "bold red"}


class SourcesScreen(Screen):
    """Sources in a table; the KPIs of the highlighted source below it."""

    SCOPE = "sources"
    BINDINGS = actions.bindings("sources")

    @dataclass
    class Loaded(Message):
        """Sources with their KPIs, read by the worker."""

        rows: list[dict]
        kpis: dict[str, list[dict]]

    @dataclass
    class Failed(Message):
        """Why nothing can be shown."""

        text: str

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict] = []
        self.kpis: dict[str, list[dict]] = {}

    def compose(self) -> ComposeResult:
        """Title, the sources, the KPIs of the highlighted one, the keys."""
        yield Header()
        yield Static("Loading…", id="sources-title")
        yield DataTable(id="sources-table", cursor_type="row", zebra_stripes=True)
        yield DataTable(id="sources-kpis", cursor_type="row", zebra_stripes=True)
        yield PmFooter()

    def on_mount(self) -> None:
        """Set up the columns and read the registry."""
        for table_id, columns in (("sources-table", COLUMNS), ("sources-kpis", KPI_COLUMNS)):
            table = self.query_one(f"#{table_id}", DataTable)
            for label, width in columns:
                table.add_column(label, width=width)
        self.reload()

    def reload(self) -> None:
        """Read the registry again."""
        self._load()

    @work(thread=True, exclusive=True, group="sources", exit_on_error=False)
    def _load(self) -> None:
        try:
            with self.app.database() as conn:
                rows = sources.list_sources(conn)[:LIMIT]
                kpis = {r["code"]: sources.kpis_of(conn, r["code"]) for r in rows}
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(rows, kpis))

    def on_sources_screen_loaded(self, message: Loaded) -> None:
        """Fill the sources table."""
        self.rows, self.kpis = message.rows, message.kpis
        table = self.query_one("#sources-table", DataTable)
        table.clear()
        for r in message.rows:
            table.add_row(Text(r["code"], style="bold"), r["name"], r["system"], r["domain"],
                          Text(r["reliability"], style=RELIABILITY_STYLE.get(r["reliability"], "")),
                          Text(f"{r['latency_hours']:g} h", justify="right"), r["refresh"],
                          Text(str(len(r["kpis"])), justify="right"), key=r["code"])
        linked = sum(len(r["kpis"]) for r in message.rows)
        self.query_one("#sources-title", Static).update(Text.assemble(
            ("Data sources", "bold"), f"   {len(message.rows)} sources feed {linked} KPIs   add with ",
            ("pmtui sources add", "bold")))
        self._show_kpis()

    def on_sources_screen_failed(self, message: Failed) -> None:
        """Say why nothing is shown."""
        self.query_one("#sources-title", Static).update(Text(message.text, style="bold red"))

    @on(DataTable.RowHighlighted, "#sources-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_kpis()

    def _show_kpis(self) -> None:
        row = self.query_one("#sources-table", DataTable).cursor_row
        table = self.query_one("#sources-kpis", DataTable)
        table.clear()
        if not self.rows or row >= len(self.rows):
            return
        for k in self.kpis.get(self.rows[row]["code"], []):
            table.add_row(k["code"], k["name"], Text(k["reporting_mode"], style="bold cyan" if
                          k["reporting_mode"] == "feed" else ""), k["frequency"],
                          Text(str(k["due_days"]), justify="right"))
        if not table.row_count:
            table.add_row(Text("no KPI linked (pmtui sources link)", style="dim"), "", "", "", "")

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.dismiss()
