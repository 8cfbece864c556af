"""The alignment report of a planning cycle: coverage, unmeasured objectives, unaligned KPIs."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from pmtui import actions
from pmtui.services import strategy
from pmtui.services.errors import PmError
from pmtui.widgets.footer import PmFooter

#: Unaligned KPIs listed on screen (the CLI's --json has them all).
SHOWN = 200


def _table(title: str, columns: list[str]) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold cyan", box=None, padding=(0, 1),
                  header_style="bold", expand=False)
    for column in columns:
        table.add_column(column, no_wrap=True, overflow="ellipsis")
    return table


def render_report(report: dict) -> Group:
    """Coverage per perspective, unmeasured corporate objectives and unaligned unit KPIs."""
    coverage = _table("Coverage per perspective", ["Perspective", "Corporate", "Measured", "Share", "Aligned KPIs"])
    for c in report["coverage"]:
        share = "–" if c["share"] is None else f"{c['share']:.0%}"
        coverage.add_row(c["perspective"], str(c["corporate"]), str(c["measured"]),
                         Text(share, style="bold green" if c["share"] == 1 else "bold yellow"), str(c["aligned_kpis"]))
    unmeasured = _table(f"Corporate objectives no unit measures ({len(report['unmeasured_objectives'])})",
                        ["Objective", "Perspective", "Name"])
    for o in report["unmeasured_objectives"]:
        unmeasured.add_row(Text(o["code"], style="bold red"), o["perspective"], o["name"])
    rows = report["unaligned_kpis"]
    unaligned = _table(f"Unit KPIs reaching no corporate objective ({len(rows)})",
                       ["Unit", "KPI", "Objective", "Why"])
    for u in rows[:SHOWN]:
        unaligned.add_row(u["unit"], Text(u["kpi"], style="bold red"), u["objective"], u["why"])
    parts = [coverage, Text(""), unmeasured, Text(""), unaligned]
    if len(rows) > SHOWN:
        parts.append(Text(f"… and {len(rows) - SHOWN} more: pmtui alignment --cycle CODE --json", style="dim"))
    return Group(*parts)


class AlignmentScreen(Screen):
    """The report for one planning cycle (default: the latest); ``c`` steps through cycles."""

    SCOPE = "alignment"
    BINDINGS = actions.bindings("alignment")

    @dataclass
    class Loaded(Message):
        """The report read by the worker."""

        report: dict
        cycles: list[str]

    @dataclass
    class Failed(Message):
        """Why no report can be shown."""

        text: str

    def __init__(self, cycle: str | None = None) -> None:
        super().__init__()
        self.cycle = cycle
        self.cycles: list[str] = []

    def compose(self) -> ComposeResult:
        """Title line, the scrollable report, the keys."""
        yield Header()
        yield Static("Loading…", id="alignment-title")
        with VerticalScroll(id="alignment-scroll"):
            yield Static("", id="alignment-body")
        yield PmFooter()

    def on_mount(self) -> None:
        """Read the report."""
        self.reload()

    def reload(self) -> None:
        """Read the report again."""
        self._load(self.cycle)

    @work(thread=True, exclusive=True, group="alignment", exit_on_error=False)
    def _load(self, cycle: str | None) -> None:
        try:
            with self.app.database() as conn:
                cycles = [c["code"] for c in strategy.list_cycles(conn)]
                if not cycles:
                    raise PmError("no planning cycle yet: add one with 'pmtui cycles add'")
                report = strategy.alignment_report(conn, cycle if cycle in cycles else cycles[-1])
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(report, cycles))

    def on_alignment_screen_loaded(self, message: Loaded) -> None:
        """Show the report."""
        report, self.cycles = message.report, message.cycles
        cycle = report["cycle"]
        self.cycle = cycle["code"]
        findings = len(report["unaligned_kpis"]) + len(report["unmeasured_objectives"])
        self.query_one("#alignment-title", Static).update(Text.assemble(
            ("Alignment ", "bold"), (cycle["code"], "bold"), f" {cycle['name']} ({cycle['start_period']} ..",
            f" {cycle['end_period']})   {report['unit_kpis']} unit KPI links   ",
            (f"{findings} finding(s)", "bold red" if findings else "bold green")))
        self.query_one("#alignment-body", Static).update(render_report(report))

    def on_alignment_screen_failed(self, message: Failed) -> None:
        """Say why nothing is shown."""
        self.query_one("#alignment-title", Static).update(Text(message.text, style="bold red"))

    def action_next_cycle(self) -> None:
        """Show the next planning cycle (wrapping around)."""
        if self.cycles:
            index = self.cycles.index(self.cycle) + 1 if self.cycle in self.cycles else 0
            self.cycle = self.cycles[index % len(self.cycles)]
            self.reload()

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.dismiss()
