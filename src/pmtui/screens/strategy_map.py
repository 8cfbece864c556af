"""The strategy map: a unit's objectives as boxes in perspective lanes, plus their links.

Boxes are drawn with box-drawing characters, coloured (and labelled) by status; the
cause-and-effect links are listed under the map as ``cause → effect`` lines, which
stay readable at 80 columns where drawn arrows between lanes would not.
"""

from __future__ import annotations

import sqlite3
import textwrap
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from pmtui import actions
from pmtui.core import scoring
from pmtui.core.strategy_map import StrategyMap, layout
from pmtui.screens.unit_picker import UnitPicker
from pmtui.services import strategy, tui_reads
from pmtui.services.errors import PmError
from pmtui.services.tui_reads import UnitItem
from pmtui.widgets.footer import PmFooter
from pmtui.widgets.status import RAG_STYLE

#: Narrowest box worth drawing; lanes with more boxes than fit wrap onto more rows.
MIN_BOX = 18
BOX_WIDTH = 26
BOX_HEIGHT = 4


def _box_lines(code: str, name: str, status: str | None, score: float | None, width: int) -> list[str]:
    inner = width - 2
    wrapped = textwrap.wrap(name, inner) or [""]
    if len(wrapped) > 2:
        wrapped = [wrapped[0], textwrap.shorten(" ".join(wrapped[1:]), inner, placeholder="…")]
    wrapped += [""] * (2 - len(wrapped))
    label = f"{status or 'no data'} {scoring.format_score(score)}" if score is not None else (status or "no data")
    top = f"┌{code[:inner - 1]} ".ljust(width - 1, "─") + "┐"
    bottom = f"└ {label[:inner - 2]} ".ljust(width - 1, "─") + "┘"
    return [top, *(f"│{line.ljust(inner)}│" for line in wrapped), bottom]


def render_map(model: StrategyMap, width: int) -> Text:
    """The map as text ``width`` columns wide: a titled band per lane, then the links."""
    text = Text()
    per_row = max(1, width // MIN_BOX)
    for lane in model.lanes:
        text.append(f" {lane.name} ".center(width, "─") + "\n", style="bold cyan")
        nodes = model.in_lane(lane.code)
        if not nodes:
            text.append("  (no objectives)\n", style="dim")
        for start in range(0, len(nodes), per_row):
            chunk = nodes[start:start + per_row]
            part = StrategyMap(model.unit, model.unit_name, model.period, [lane], chunk)
            boxes, _ = layout(part, width=width, box_width=BOX_WIDTH, box_height=BOX_HEIGHT, lane_gap=0, gap=1)
            rows = [Text(" " * width) for _ in range(BOX_HEIGHT)]
            for box, node in zip(boxes, chunk):
                x, w = int(box.x), int(box.width)
                style = RAG_STYLE.get(node.status, "dim")
                for i, line in enumerate(_box_lines(node.code, node.name, node.status, node.score, w)):
                    rows[i] = rows[i][:x] + Text(line, style=style if i in (0, 3) else "") + rows[i][x + w:]
            for row in rows:
                text.append_text(row)
                text.append("\n")
    text.append(" Cause and effect ".center(width, "─") + "\n", style="bold cyan")
    names = {n.code: n.name for n in model.nodes}
    if not model.edges:
        text.append("  (no links recorded)\n", style="dim")
    for edge in model.edges:
        text.append(f"  {edge.cause}", style="bold")
        text.append(" → ")
        text.append(edge.effect, style="bold")
        text.append(f"  {names[edge.cause]} drives {names[edge.effect]}\n", style="dim")
    return text


class StrategyMapScreen(Screen):
    """One unit's strategy map (default: the top of the tree)."""

    SCOPE = "strategy-map"
    BINDINGS = actions.bindings("strategy-map")

    @dataclass
    class Loaded(Message):
        """The map read by the worker."""

        model: StrategyMap
        units: list[UnitItem]

    @dataclass
    class Failed(Message):
        """Why no map can be shown."""

        text: str

    def __init__(self, unit: str | None = None) -> None:
        super().__init__()
        self.unit = unit
        self.model: StrategyMap | None = None
        self.units: list[UnitItem] = []

    def compose(self) -> ComposeResult:
        """Title line, the scrollable map, the keys."""
        yield Header()
        yield Static("Loading…", id="map-title")
        with VerticalScroll(id="map-scroll"):
            yield Static("", id="map-body")
        yield PmFooter()

    def on_mount(self) -> None:
        """Read the map."""
        self.reload()

    def reload(self) -> None:
        """Read the map again."""
        self._load(self.unit)

    @work(thread=True, exclusive=True, group="strategy-map", exit_on_error=False)
    def _load(self, unit: str | None) -> None:
        try:
            with self.app.database() as conn:
                units = tui_reads.units(conn)
                if not units:
                    raise PmError("this file has no units yet")
                model = strategy.strategy_map(conn, unit or units[0].code)
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(model, units))

    def on_strategy_map_screen_loaded(self, message: Loaded) -> None:
        """Show the map."""
        self.model, self.units, self.unit = message.model, message.units, message.model.unit
        model = message.model
        self.query_one("#map-title", Static).update(Text.assemble(
            ("Strategy map ", "bold"), (model.unit, "bold"), f" {model.unit_name}   period ",
            (model.period or "none", "bold"), f"   {len(model.nodes)} objectives, {len(model.edges)} links"))
        self._redraw()

    def on_strategy_map_screen_failed(self, message: Failed) -> None:
        """Say why nothing is shown."""
        self.query_one("#map-title", Static).update(Text(message.text, style="bold red"))

    def on_resize(self) -> None:
        """Boxes are spread over the width there is."""
        self._redraw()

    def _redraw(self) -> None:
        if self.model is not None:
            width = max(MIN_BOX, self.query_one("#map-scroll").size.width - 2 or self.size.width - 2)
            self.query_one("#map-body", Static).update(render_map(self.model, width))

    def action_pick_unit(self) -> None:
        """Choose another unit."""
        if self.units:
            self.app.push_screen(UnitPicker(self.units, self.unit), self._unit_chosen)

    def _unit_chosen(self, code: str | None) -> None:
        if code and code != self.unit:
            self.unit = code
            self.reload()

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.dismiss()
