"""The initiatives timeline (M4.1, M4.4): execution progress beside the linked KPIs' outcomes.

Each initiative is a row with its span on a month axis and one dot per linked KPI
(latest approved status); its milestones follow, each a Gantt bar (plan on the top half
of the cells, actual/forecast below, coloured by slip: green on track, amber/red past the
initiative's thresholds, grey not started or no dates) with its slip in days. Below the
table: the selected initiative's KPIs, or the selected milestone's dates and the evidence
of its open alerts. Pages of initiatives are read from SQL (``[`` / ``]``); ``e``
re-evaluates the alerts on today's date (an audited write).

Opened from the KPI screen or the scorecard it is filtered to that unit (and the units
below it) and KPI; ``c`` shows every initiative.
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
from pmtui.core.timeline import Window, window_for
from pmtui.screens.confirm import ask
from pmtui.services import initiatives
from pmtui.services.errors import PmError
from pmtui.widgets.footer import PmFooter
from pmtui.widgets.gantt import COLOUR, DOT, bar, dots, legend

#: Initiatives per page (each with its milestones).
PAGE = 6
#: Cells of the timeline column.
BAR = 34
COLUMNS = (("Initiative", 19), ("Slip", 4), ("timeline", BAR), ("KPIs", 9))
RANK = {"red": 3, "amber": 2, "green": 1, "grey": 0}


def _first(*values):
    known = [v for v in values if v]
    return min(known) if known else None


def _last(*values):
    known = [v for v in values if v]
    return max(known) if known else None


def _slip(days: int | None, colour: str) -> Text:
    if days is None:
        return Text("–", style="dim", justify="right")
    return Text(f"{days:+d}" if days else "0", style=COLOUR.get(colour, "") if days > 0 else "", justify="right")


class InitiativesScreen(Screen):
    """Initiatives and milestones as a paged Gantt-like timeline, with KPI status and alert evidence."""

    SCOPE = "initiatives"
    BINDINGS = actions.bindings("initiatives")
    ACCEPTS_CONTEXT = True

    @dataclass
    class Loaded(Message):
        """One page read by the worker."""

        page: dict
        today: date

    @dataclass
    class Failed(Message):
        """Why nothing can be shown."""

        text: str

    @dataclass
    class Refreshed(Message):
        """The outcome of re-evaluating the alerts."""

        counts: dict | None
        error: str | None

    def __init__(self, *, kpi: str | None = None, unit: str | None = None, period: str | None = None,
                 focus: str | None = None) -> None:
        super().__init__()
        self.kpi, self.unit, self.period = kpi, unit, period
        #: The initiative to put the cursor on once it is read (a palette jump).
        self.focus = focus
        self.page_offset = 0
        self.page: dict = {"total": 0, "initiatives": []}
        self.rows: list[tuple[dict, dict | None]] = []
        self.window: Window | None = None

    def compose(self) -> ComposeResult:
        """Title and legend, the timeline, the selected row's detail, the keys."""
        yield Header()
        yield Static("Loading…", id="initiatives-title")
        yield DataTable(id="initiatives-table", cursor_type="row")
        yield Static("", id="initiatives-detail")
        yield PmFooter()

    def on_mount(self) -> None:
        """Columns, then the first page."""
        table = self.query_one(DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width, key=label)
        self.reload()

    def reload(self) -> None:
        """Read the current page again."""
        self._load(self.page_offset)

    @work(thread=True, exclusive=True, group="initiatives", exit_on_error=False)
    def _load(self, offset: int) -> None:
        today = self.app.clock().date()
        try:
            with self.app.database() as conn:
                page = initiatives.timeline(conn, today=today, unit=self.unit, kpi=self.kpi, limit=PAGE,
                                            offset=offset)
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(page, today))

    def on_initiatives_screen_failed(self, message: Failed) -> None:
        """Say why nothing is shown."""
        self.query_one("#initiatives-title", Static).update(Text(message.text, style="bold red"))

    def on_initiatives_screen_loaded(self, message: Loaded) -> None:
        """Fill the timeline for the page."""
        self.page, self.page_offset = message.page, message.page["offset"]
        items = message.page["initiatives"]
        dates = [date.fromisoformat(v) for i in items for m in i["milestones"]
                 for v in (m["planned_start"], m["planned_finish"], m["forecast_start"], m["forecast_finish"]) if v]
        self.window = window = window_for(dates, message.today, min_months=6, max_months=24)
        table = self.query_one(DataTable)
        table.columns["timeline"].label = Text(window.ruler(BAR), style="bold")
        row = table.cursor_row
        table.clear()
        self.rows = []
        for item in items:
            self.rows.append((item, None))
            table.add_row(*self._initiative_cells(item, window, message.today), key=f"I:{item['code']}")
            for m in item["milestones"]:
                self.rows.append((item, m))
                table.add_row(*self._milestone_cells(m, window, message.today), key=f"M:{item['code']}/{m['code']}")
        codes = [item["code"] if milestone is None else None for item, milestone in self.rows]
        if self.focus is not None and self.focus in codes:
            row, self.focus = codes.index(self.focus), None
        if self.rows:  # the same row after a re-read (e.g. after checking the alerts)
            table.move_cursor(row=min(max(row, 0), len(self.rows) - 1))
        self._title(message.today)
        self._show_detail()

    def _title(self, today: date) -> None:
        total, count = self.page["total"], len(self.page["initiatives"])
        where = " · ".join(x for x in (f"unit {self.unit}" if self.unit else "", f"KPI {self.kpi}" if self.kpi else "")
                           if x) or "all units"
        span = f"{self.page_offset + 1}-{self.page_offset + count} of {total}" if count else "none"
        head = Text.assemble(("Initiatives", "bold"), f"  {where}  {span}  today {today}")
        if not count:
            head.append("\nNo initiatives here: c shows all, or add one with 'pmtui initiatives add'.", style="dim")
        else:
            head.append("\n")
            head.append_text(legend())
        self.query_one("#initiatives-title", Static).update(head)

    @staticmethod
    def _initiative_cells(item: dict, window: Window, today: date) -> tuple:
        ms = item["milestones"]
        colour = max((m["colour"] for m in ms), key=RANK.get, default="grey")
        slips = [m["slip_days"] for m in ms if m["slip_days"] is not None]
        planned = (_first(*(m["planned_start"] or m["planned_finish"] for m in ms)),
                   _last(*(m["planned_finish"] for m in ms)))
        actual = (_first(*(m["actual_start"] or m["forecast_start"] for m in ms)),
                  _last(*(m["forecast_finish"] for m in ms)))
        label = Text(item["code"], style="bold")
        if item["status"] in ("done", "cancelled", "on_hold"):
            label.append(f" {item['status']}", style="dim")
        return (label, _slip(max(slips) if slips else None, colour),
                bar(window, BAR, planned=planned, actual=actual, colour=colour, today=today),
                dots(item["kpi_status"]))

    @staticmethod
    def _milestone_cells(m: dict, window: Window, today: date) -> tuple:
        actual = (m["actual_start"] or m["forecast_start"], m["forecast_finish"])
        return (Text(f" {m['code']} {m['name']}", overflow="ellipsis", no_wrap=True),
                _slip(m["slip_days"], m["colour"]),
                bar(window, BAR, planned=(m["planned_start"], m["planned_finish"]), actual=actual,
                    colour=m["colour"], today=today),
                Text(f"{m['percent_complete']:.0f}%", style="dim", justify="right"))

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    def _show_detail(self) -> None:
        detail = self.query_one("#initiatives-detail", Static)
        row = self.query_one(DataTable).cursor_row
        if not self.rows or row >= len(self.rows):
            detail.update("")
            return
        item, milestone = self.rows[row]
        detail.update(self._milestone_detail(item, milestone) if milestone else self._initiative_detail(item))

    @staticmethod
    def _initiative_detail(item: dict) -> Text:
        budget = "–" if item["budget"] is None else f"{item['budget']:,.0f}"
        text = Text.assemble((f"{item['code']} ", "bold"), item["name"],
                             f"\n{item['unit']} · {item['status']} · owner {item['owner_role'] or '–'} · budget {budget}"
                             + ("" if item["confidentiality"] == "public" else f" · {item['confidentiality']}")
                             + f" · amber {item['slip_amber_days']} d, red {item['slip_red_days']} d")
        text.append("\nKPIs: ")
        if not item["kpi_status"]:
            text.append("none linked", style="dim")
        for k in item["kpi_status"]:
            glyph, style = DOT.get(k["status"], DOT[None])
            value = "no approved value" if k["value"] is None else f"{k['value']:g} ({k['period']}," \
                f" target {'–' if k['target'] is None else format(k['target'], 'g')})"
            text.append(glyph + " ", style=style)
            text.append(f"{k['kpi']} {value}  ")
        if item["objective_links"]:
            text.append("\nObjectives: " + ", ".join(o["objective"] for o in item["objective_links"]))
        return text

    @staticmethod
    def _milestone_detail(item: dict, m: dict) -> Text:
        def span(a, b):
            return f"{a or '–'}→{b or '–'}"

        text = Text.assemble((f"{item['code']}/{m['code']} ", "bold"), m["name"],
                             (f"  {m['state'].replace('_', ' ')} {m['percent_complete']:.0f}%", "dim"),
                             f"\nplan {span(m['planned_start'], m['planned_finish'])}"
                             f"  actual {span(m['actual_start'], m['actual_finish'])}"
                             f"  forecast {m['forecast_finish'] or '–'}")
        if m["depends_on"]:
            text.append(f"  after {', '.join(m['depends_on'])}")
        if not m["alerts"]:
            text.append("\nNo open alert.", style="dim")
        for a in m["alerts"]:
            text.append(f"\n{a['severity'].upper()} {a['rule']}", style=f"bold {COLOUR[a['severity']]}")
            text.append(f" since {a['raised_on']}: {a['message']}")
        if m["alerts"]:
            evidence = m["alerts"][0]["evidence"]
            keys = ("slip_days", "days_late", "threshold", "planned_finish", "forecast_finish", "today")
            text.append("\nevidence: " + " ".join(f"{k}={evidence[k]}" for k in keys if evidence.get(k) is not None),
                        style="dim")
        return text

    def action_next_page(self) -> None:
        """The next initiatives."""
        if self.page_offset + PAGE < self.page["total"]:
            self._load(self.page_offset + PAGE)

    def action_previous_page(self) -> None:
        """The previous initiatives."""
        if self.page_offset > 0:
            self._load(max(0, self.page_offset - PAGE))

    def action_clear_filter(self) -> None:
        """Show every initiative (drop the unit and KPI filter)."""
        self.unit = self.kpi = None
        self._load(0)

    def action_reload(self) -> None:
        """Read the page again."""
        self.reload()

    def action_refresh_alerts(self) -> None:
        """Re-evaluate every initiative's alerts on today's date (audited), after a confirmation."""
        refusal = ("Read-only session: alerts cannot be re-evaluated." if self.app.readonly else
                   "No acting user: start pmtui with --user NAME." if self.app.user is None else None)
        if refusal:
            self.notify(refusal, severity="error", markup=False)
            return
        ask(self.app, "Check the alerts?", f"Every initiative's slippage alerts are evaluated again on"
            f" {self.app.clock().date()}: alerts are raised, updated or cleared, and recorded in the audit trail.",
            self._refresh, yes="Check alerts")

    @work(thread=True, exclusive=True, group="initiatives-refresh", exit_on_error=False)
    def _refresh(self) -> None:
        now = self.app.clock()
        try:
            with self.app.database() as conn:
                counts = initiatives.refresh_alerts(conn, today=now.date(), actor=self.app.user, now=now)
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Refreshed(None, str(exc)))
            return
        self.post_message(self.Refreshed(counts, None))

    def on_initiatives_screen_refreshed(self, message: Refreshed) -> None:
        """Report the re-evaluation and show the new alerts."""
        if message.error:
            self.notify(message.error, title="Alerts not refreshed", severity="error", markup=False)
            return
        c = message.counts
        self.notify(f"{c['initiatives']} initiatives on {c['today']}: {c['raised']} raised, {c['cleared']} cleared,"
                    f" {c['updated']} updated; {c['open']} open.", title="Alerts re-evaluated", markup=False)
        self.reload()

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.dismiss()
