"""The allocation screen: rounds, then the selected round's requests ranked against its budget.

Each request shows its weighted score with the financial and non-financial sub-scores
as bars side by side, so the trade-off between them is visible; rows below the cut line
are dimmed, rows in a conflict carry a marker and the conflicts are listed underneath.
``d`` opens the decision dialog for the request under the cursor.
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
from pmtui.core.allocation import Ranked, Ranking
from pmtui.screens.allocation_decide import DecideDialog
from pmtui.services import allocation
from pmtui.services.errors import PmError
from pmtui.widgets.footer import PmFooter

#: Rounds listed (latest first); older ones are reached through the CLI.
ROUNDS_SHOWN = 20
#: Conflicts listed under the table.
CONFLICTS_SHOWN = 8
#: Cells of a 0..10 sub-score bar.
BAR = 5

PLACE_STYLE = {"funded": "green", "approved": "bold green", "below_line": "yellow", "rejected": "red",
               "deferred": "magenta", "unscored": "dim"}
CONFLICT_STYLE = {"budget_line": "cyan", "over_budget": "yellow", "trade_off": "magenta", "tie": "blue"}


def bar(value: float | None, style: str) -> Text:
    """A 0..10 score as a five-cell bar and its number (``–`` when unscored)."""
    if value is None:
        return Text("–".rjust(BAR + 4), style="dim")
    eighths = round(max(0.0, min(10.0, value)) / 10 * BAR * 8)
    full, part = divmod(eighths, 8)
    cells = "█" * full + (" ▏▎▍▌▋▊▉"[part] if part else "")
    return Text.assemble((cells.ljust(BAR), style), f" {value:>3.1f}")


class AllocationScreen(Screen):
    """Allocation rounds and the ranked requests of the one under the cursor."""

    SCOPE = "allocation"
    BINDINGS = actions.bindings("allocation")

    @dataclass
    class Loaded(Message):
        """Rounds and the chosen round's ranking, read by the worker."""

        rounds: list[dict]
        round: str | None
        ranking: Ranking | None

    @dataclass
    class Failed(Message):
        """The worker could not read."""

        text: str

    def __init__(self, round_code: str | None = None) -> None:
        super().__init__()
        self.round = round_code
        self.ranking: Ranking | None = None
        self._focused_once = False

    def compose(self) -> ComposeResult:
        """Rounds, a summary, the ranked requests and the conflicts."""
        yield Header()
        yield DataTable(id="alloc-rounds", cursor_type="row")
        yield Static("Loading…", id="alloc-summary")
        yield DataTable(id="alloc-requests", cursor_type="row")
        yield Static("", id="alloc-conflicts")
        yield PmFooter()

    def on_mount(self) -> None:
        """Columns, then the first read."""
        rounds = self.query_one("#alloc-rounds", DataTable)
        for label, width in (("Round", 14), ("Name", 22), ("Budget", 8), ("Asked", 8), ("Open", 4), ("Status", 8)):
            rounds.add_column(label, width=width, key=label.lower())
        requests = self.query_one("#alloc-requests", DataTable)
        for label, width in (("#", 2), ("Request", 13), ("Unit", 10), ("Amount", 6), ("Score", 5),
                             ("Financial", BAR + 4), ("Non-fin.", BAR + 4), ("Place", 10)):
            requests.add_column(label, width=width, key=label.lower())
        self.reload()

    def reload(self) -> None:
        """Read the rounds and the current round's ranking again."""
        self._load(self.round)

    @work(thread=True, exclusive=True, group="allocation", exit_on_error=False)
    def _load(self, round_code: str | None) -> None:
        try:
            with self.app.database() as conn:
                rounds = allocation.rounds(conn)[:ROUNDS_SHOWN]
                codes = [r["code"] for r in rounds]
                round_code = round_code if round_code in codes else (codes[0] if codes else None)
                ranking = allocation.ranking(conn, round_code) if round_code else None
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(rounds, round_code, ranking))

    def on_allocation_screen_failed(self, message: Failed) -> None:
        """Say why nothing is shown."""
        self.query_one("#alloc-summary", Static).update(Text(message.text, style="bold red"))

    def on_allocation_screen_loaded(self, message: Loaded) -> None:
        """Fill the rounds table (keeping the cursor) and the ranking."""
        self.round, self.ranking = message.round, message.ranking
        rounds = self.query_one("#alloc-rounds", DataTable)
        rounds.clear()
        for r in message.rounds:
            rounds.add_row(r["code"], r["name"], f"{r['budget']:,.0f}", f"{r['requested']:,.0f}",
                           str(r["open_requests"]), r["status"], key=r["code"])
        if message.round:
            rounds.move_cursor(row=rounds.get_row_index(message.round))
        self._show(message.ranking)
        if not self._focused_once:
            # Start in the requests (the rounds table is one Shift+Tab away).
            self._focused_once = True
            self.query_one("#alloc-requests", DataTable).focus()

    @on(DataTable.RowHighlighted, "#alloc-rounds")
    def _round_highlighted(self, event: DataTable.RowHighlighted) -> None:
        code = event.row_key.value if event.row_key else None
        if code and code != self.round:
            self.round = code
            self.reload()

    def _show(self, ranking: Ranking | None) -> None:
        summary = self.query_one("#alloc-summary", Static)
        table = self.query_one("#alloc-requests", DataTable)
        conflicts = self.query_one("#alloc-conflicts", Static)
        row = table.cursor_row
        table.clear()
        if ranking is None:
            summary.update(Text("No allocation rounds yet: add one with 'pmtui allocation round-add'.", style="dim"))
            conflicts.update("")
            return
        summary.update(Text.assemble(
            (self.round or "", "bold"), "  budget ", (f"{ranking.budget:,.0f}", "bold"),
            "  asked ", (f"{ranking.requested:,.0f}", "bold red" if ranking.requested > ranking.budget else "bold"),
            "  funded ", (f"{ranking.funded_total:,.0f}", "bold"),
            "  financial weight ", (f"{ranking.financial_share:.0%}", "bold"),
            "\ncut line after ", (ranking.cut_after or "none", "bold yellow")))
        flagged = {code for c in ranking.conflicts for code in c.requests}
        for item in ranking.requests:
            table.add_row(*self._cells(item, item.request.code in flagged), key=item.request.code)
        if ranking.requests:  # the same row after a decision
            table.move_cursor(row=min(max(row, 0), len(ranking.requests) - 1))
        conflicts.update(self._conflicts(ranking))

    @staticmethod
    def _cells(item: Ranked, flagged: bool) -> tuple:
        req = item.request
        below = item.place not in ("funded", "approved")
        style = "dim" if below else ""
        marker = Text("!", style="bold yellow") if flagged else Text(" ")
        return (Text(str(item.rank or "–"), style=style), Text.assemble(marker, (req.code, style)),
                Text(req.unit, style=style), Text(f"{req.amount:,.0f}", style=style, justify="right"),
                Text("–" if item.score is None else f"{item.score:.2f}", style=style or "bold", justify="right"),
                bar(item.financial, "green"), bar(item.non_financial, "cyan"),
                Text(item.place.replace("_", " "), style=PLACE_STYLE.get(item.place, "")))

    @staticmethod
    def _conflicts(ranking: Ranking) -> Text:
        if not ranking.conflicts:
            return Text("No conflicts.", style="dim")
        text = Text("Conflicts", style="bold")
        for c in ranking.conflicts[:CONFLICTS_SHOWN]:
            text.append("\n! ", style="bold yellow")
            text.append(c.kind.replace("_", " "), style=CONFLICT_STYLE.get(c.kind, ""))
            text.append(f": {c.message}")
        more = len(ranking.conflicts) - CONFLICTS_SHOWN
        if more > 0:
            text.append(f"\n… and {more} more ('pmtui allocation ranking')", style="dim")
        return text

    def _selected(self) -> Ranked | None:
        table = self.query_one("#alloc-requests", DataTable)
        if self.ranking is None or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((r for r in self.ranking.requests if r.request.code == key), None)

    def action_decide(self) -> None:
        """Open the decision dialog for the request under the cursor."""
        refusal = ("Read-only session: decisions cannot be recorded." if self.app.readonly else
                   "No acting user: start pmtui with --user NAME to decide." if self.app.user is None else None)
        if refusal:
            self.notify(refusal, severity="error", markup=False)
            return
        item = self._selected()
        if item is None:
            self.notify("Move to a request first.", severity="warning", timeout=3)
            return
        if item.request.status != "proposed":
            self.notify(f"{item.request.code} is already {item.request.status}.", severity="warning", timeout=3)
            return
        self.app.push_screen(DecideDialog(item), self._decided)

    def _decided(self, result: dict | None) -> None:
        if result:
            self.notify(f"{result['code']} {result['status']}.", title="Decision recorded", markup=False)
            self.reload()

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.dismiss()
